from __future__ import annotations

from django.urls import path

from plantrack.reports import views

app_name = "reports"
urlpatterns = [
    path("plan/<int:pk>/", views.plan_summary, name="plan"),
    path("section/<int:pk>/", views.section_summary, name="section"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/actions/", views.portfolio_actions, name="portfolio_actions"),
    path("portfolio/actions/export.<str:fmt>", views.portfolio_export, name="portfolio_export"),
]
