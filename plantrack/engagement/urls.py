from __future__ import annotations

from django.urls import path

from plantrack.engagement import views

app_name = "engagement"
urlpatterns = [
    path("", views.registers, name="registers"),
    path("registers/new/", views.register_create, name="register_create"),
    path("registers/<int:pk>/", views.register_detail, name="register"),
    path("registers/<int:pk>/edit/", views.register_edit, name="register_edit"),
    path("registers/<int:pk>/evaluate/", views.register_evaluate, name="evaluate"),
    path("registers/<int:pk>/managers/new/", views.manager_add, name="manager_add"),
    path(
        "registers/<int:pk>/managers/<int:user_pk>/remove/",
        views.manager_remove,
        name="manager_remove",
    ),
    path("registers/<int:pk>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("registers/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/outputs/new/", views.output_create, name="output_create"),
    path("activities/<int:pk>/outputs/confirm/", views.output_confirm, name="output_confirm"),
    path("outputs/<int:pk>/edit/", views.output_edit, name="output_edit"),
    path("outputs/<int:pk>/delete/", views.output_delete, name="output_delete"),
    path("activities/<int:pk>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("outcomes/<int:pk>/edit/", views.outcome_edit, name="outcome_edit"),
    path("outcomes/<int:pk>/delete/", views.outcome_delete, name="outcome_delete"),
    path("activities/<int:pk>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:pk>/edit/", views.follow_up_edit, name="follow_up_edit"),
    path("follow-ups/<int:pk>/delete/", views.follow_up_delete, name="follow_up_delete"),
    path("activities/<int:pk>/updates/new/", views.update_create, name="update_create"),
    path(
        "organisations/<int:pk>/communities/",
        views.organisation_communities,
        name="organisation_communities",
    ),
]
