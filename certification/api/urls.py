from django.urls import path

from .views import RegistrationListApi

app_name = "certification-api"

urlpatterns = [
    path("ledger/registrations/", RegistrationListApi.as_view(), name="registration-list"),
]
