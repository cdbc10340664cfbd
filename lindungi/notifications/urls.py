"""Mounted at /notifikasi/."""

from django.urls import path

from lindungi.notifications.views import mark_all_read, mark_read, notification_list

app_name = "notifications"
urlpatterns = [
    path("", notification_list, name="list"),
    path("<int:notification_id>/baca/", mark_read, name="read"),
    path("baca-semua/", mark_all_read, name="read_all"),
]
