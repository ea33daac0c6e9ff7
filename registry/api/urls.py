from django.urls import path

from .views import WizardRecommendApi

app_name = "registry-api"

urlpatterns = [
    path("wizard/", WizardRecommendApi.as_view(), name="wizard"),
]
