from __future__ import annotations

from django.urls import path  # noqa: F401

from plantrack.engagement import views  # noqa: F401

app_name = "engagement"
urlpatterns: list = []
