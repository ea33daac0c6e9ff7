"""The user's notification list, marking notices read, and the preferences."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/read-all/", views.MarkAllReadView.as_view(), name="read-all"),
    path("notifications/preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("notifications/<int:pk>/", views.NotificationOpenView.as_view(), name="open"),
]
