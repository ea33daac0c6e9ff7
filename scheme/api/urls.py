"""Catalogue API, mounted at /api/v1/catalogue/ by config/urls.py."""

from django.urls import path

from . import views

app_name = "scheme-api"

urlpatterns = [
    path("levels/", views.LevelListView.as_view(), name="levels"),
    path("editions/", views.EditionListView.as_view(), name="editions"),
    path("editions/<slug:edition>/", views.EditionDetailView.as_view(), name="edition"),
    path("editions/<slug:edition>/items/", views.ItemListView.as_view(), name="items"),
    path(
        "editions/<slug:edition>/items/<str:item>/",
        views.ItemDetailView.as_view(),
        name="item",
    ),
    path("editions/<slug:edition>/criteria/", views.CriterionListView.as_view(), name="criteria"),
]
