from __future__ import annotations

from django.urls import path

from plantrack.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.frameworks, name="frameworks"),
    path("frameworks/new/", views.framework_create, name="framework_create"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework"),
    path("frameworks/<int:pk>/edit/", views.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/status/", views.framework_status, name="framework_status"),
    path(
        "frameworks/<int:pk>/new-version/",
        views.framework_new_version,
        name="framework_new_version",
    ),
    path("frameworks/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
]
