from __future__ import annotations

from django.urls import path

from plantrack.reports import views

app_name = "reports"
urlpatterns = [
    path("plan/<int:pk>/", views.plan_summary, name="plan"),
    path("section/<int:pk>/", views.section_summary, name="section"),
]
