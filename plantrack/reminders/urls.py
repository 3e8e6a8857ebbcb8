from __future__ import annotations

from django.urls import path

from plantrack.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminder_settings, name="settings"),
    path("calendars/new/", views.feed_create, name="feed_create"),
    path("calendars/<int:pk>/reset/", views.feed_reset, name="feed_reset"),
    path("calendars/<int:pk>/delete/", views.feed_delete, name="feed_delete"),
    # No sign-in: the secret token is the credential (see core.middleware).
    path("calendar/<slug:token>.ics", views.feed_ics, name="feed_ics"),
]
