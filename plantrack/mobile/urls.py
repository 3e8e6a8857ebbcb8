from __future__ import annotations

from django.urls import path

from plantrack.mobile import views

app_name = "mobile"

urlpatterns = [
    path("", views.home, name="home"),
    path("actions/<int:pk>/update/", views.update, name="update"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
