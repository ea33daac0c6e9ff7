"""Bodies and advisors API, mounted at /api/v1/ by config/urls.py."""

from django.urls import path

from . import views

app_name = "bodies-api"

urlpatterns = [
    path("bodies/", views.SchemeBodyListApi.as_view(), name="body-list"),
    path(
        "bodies/<str:corporate_number>/",
        views.SchemeBodyDetailApi.as_view(),
        name="body-detail",
    ),
    path("advisors/", views.AdvisorListApi.as_view(), name="advisor-list"),
    path("advisors/<int:pk>/", views.AdvisorDetailApi.as_view(), name="advisor-detail"),
]
