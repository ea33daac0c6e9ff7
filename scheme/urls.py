"""Public catalogue pages, mounted at /catalogue/ by config/urls.py."""

from django.urls import path, register_converter

from . import views


class LevelCodeConverter:
    """A level code in a URL: "star3", "star4"."""

    regex = "star[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LevelCodeConverter, "levelcode")

app_name = "scheme"

urlpatterns = [
    path("", views.EditionListView.as_view(), name="index"),
    path("mapping/<slug:older>/<slug:newer>/", views.MappingView.as_view(), name="mapping"),
    path("<slug:edition>/", views.EditionDetailView.as_view(), name="edition"),
    path("<slug:edition>/level/<levelcode:level>/", views.LevelBrowseView.as_view(), name="level"),
    path("<slug:edition>/items/<str:item>/", views.ItemDetailView.as_view(), name="item"),
    path("<slug:edition>/compare/", views.ComparisonView.as_view(), name="compare"),
    path("<slug:edition>/search/", views.SearchView.as_view(), name="search"),
    path("<slug:edition>/export.csv", views.CsvExportView.as_view(), name="export-csv"),
    path(
        "<slug:edition>/checklist-<levelcode:level>.xlsx",
        views.ChecklistExportView.as_view(),
        name="checklist",
    ),
]
