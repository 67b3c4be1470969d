"""URLs of notifications, included at ``notifications/`` by servicelead/urls.py."""

from django.urls import path

from . import notification_views as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/open/", views.open_notification, name="open"),
    path("read/", views.mark_read, name="mark_read"),
    path("settings/", views.preference_settings, name="settings"),
    path("off/<str:token>/", views.turn_off, name="off"),
    path("counts/", views.nav_counts, name="nav_counts"),
]
