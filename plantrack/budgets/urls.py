from __future__ import annotations

from django.urls import path

from plantrack.budgets import views

app_name = "budgets"
# The budget import (budgets:import, budgets:import_preview) is the importer's: plantrack/urls.py
# adds its routes to this namespace (plantrack.imports.urls.budget_patterns).
urlpatterns = [
    path("plan/<int:plan_pk>/", views.budget_page, name="plan"),
    path("plan/<int:plan_pk>/export.xlsx", views.budget_export, name="export"),
    path("plan/<int:plan_pk>/lines/new/", views.line_create, name="line_create"),
    path("lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("lines/<int:pk>/delete/", views.line_delete, name="line_delete"),
    path("plan/<int:plan_pk>/spend/new/", views.spend_create, name="spend_create"),
    path("plan/<int:plan_pk>/funding/new/", views.funding_create, name="funding_create"),
    path("funding/<int:pk>/step/", views.funding_move, name="funding_move"),
]
