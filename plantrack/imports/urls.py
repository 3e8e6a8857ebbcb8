from __future__ import annotations

from django.urls import path

from plantrack.imports import views

app_name = "imports"
urlpatterns = [
    path("new/", views.import_new, name="new"),
    path("<int:pk>/", views.import_preview, name="preview"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/confirm/", views.import_confirm, name="confirm"),
    path("export/plan-<int:pk>.<str:fmt>", views.plan_export, name="export"),
]
