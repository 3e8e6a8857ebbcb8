from __future__ import annotations

from django.urls import path

from plantrack.imports import contact_views, views

app_name = "imports"
urlpatterns = [
    path("new/", views.import_new, name="new"),
    path("<int:pk>/", views.import_preview, name="preview"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/confirm/", views.import_confirm, name="confirm"),
    path("<int:pk>/retry/", views.import_retry, name="retry"),
    path("export/plan-<int:pk>.<str:fmt>", views.plan_export, name="export"),
]

# Shown among the budget, measure and engagement pages, under those apps' names and addresses
# (budgets:import, measures:readings_upload, engagement:export_xlsx): plantrack/urls.py adds
# them to their namespaces, because those apps sit below the importer and cannot import it.
budget_patterns = [
    path("plan/<int:plan_pk>/import/", views.budget_import, name="import"),
    path("plan/<int:plan_pk>/import/preview/", views.budget_import_preview, name="import_preview"),
]
readings_patterns = [
    path("<int:pk>/readings/upload/", views.readings_upload, name="readings_upload"),
]
engagement_patterns = [
    path(
        "registers/<int:pk>/export.xlsx",
        views.register_export,
        {"fmt": "xlsx"},
        name="export_xlsx",
    ),
    path("registers/<int:pk>/export.csv", views.register_export, {"fmt": "csv"}, name="export_csv"),
]
stakeholder_patterns = [
    path(
        "databases/<int:pk>/contacts/import/",
        contact_views.contact_list_import,
        name="contacts_import",
    ),
]
