from django.urls import path

from .views import WizardResultView, WizardStepView

app_name = "registry"

urlpatterns = [
    path("wizard/", WizardStepView.as_view(), name="wizard"),
    path("wizard/result/", WizardResultView.as_view(), name="wizard-result"),
]
