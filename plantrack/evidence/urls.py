from __future__ import annotations

from django.urls import path

from plantrack.evidence import views

app_name = "evidence"
urlpatterns = [
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    # The target as "app_label.model" (only models an app registered: registry.py) and its id.
    path("attach/<slug:app_label>.<slug:model>/<int:object_id>/", views.attach, name="attach"),
]
