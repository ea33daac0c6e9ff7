from django.urls import path, re_path

from .views import CheckpointView, SnapshotView, WizardResultView, WizardStepView

app_name = "registry"

urlpatterns = [
    path("wizard/", WizardStepView.as_view(), name="wizard"),
    path("wizard/result/", WizardResultView.as_view(), name="wizard-result"),
    path("ledger/checkpoint", CheckpointView.as_view(), name="ledger-checkpoint"),
    re_path(
        r"^ledger/snapshots/(?P<as_of>[0-9]{4}-[0-9]{2}-[0-9]{2})\.csv$",
        SnapshotView.as_view(),
        name="ledger-snapshot",
    ),
]
