from __future__ import annotations

from django.urls import path

from plantrack.measures import views

app_name = "measures"
# The readings upload (measures:readings_upload) is the importer's: plantrack/urls.py adds its
# route to this namespace (plantrack.imports.urls.readings_patterns).
urlpatterns = [
    path("plan/<int:plan_pk>/", views.plan_measures, name="plan"),
    path("plan/<int:plan_pk>/export.xlsx", views.measures_export, name="export"),
    path("plan/<int:plan_pk>/new/", views.measure_create, name="create"),
    path("plan/<int:plan_pk>/suggestions/", views.suggestions, name="suggestions"),
    path(
        "plan/<int:plan_pk>/suggestions/confirm/",
        views.suggestion_confirm,
        name="suggestion_confirm",
    ),
    path(
        "plan/<int:plan_pk>/suggestions/dismiss/",
        views.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    path("plan/<int:plan_pk>/benefits/", views.benefits, name="benefits"),
    path("plan/<int:plan_pk>/benefits/new/", views.benefit_create, name="benefit_create"),
    path("benefits/<int:pk>/edit/", views.benefit_edit, name="benefit_edit"),
    path("benefits/<int:pk>/realised/", views.benefit_realise, name="benefit_realise"),
    path("<int:pk>/", views.measure_detail, name="detail"),
    path("<int:pk>/chart.svg", views.measure_chart, name="chart"),
    path("<int:pk>/edit/", views.measure_edit, name="edit"),
    path("<int:pk>/targets/new/", views.target_add, name="target_add"),
    path("targets/<int:pk>/remove/", views.target_remove, name="target_remove"),
    path("<int:pk>/readings/new/", views.reading_create, name="reading_create"),
]
