from __future__ import annotations

from django.urls import path

from plantrack.stakeholders import views

app_name = "stakeholders"
urlpatterns = [
    path("", views.databases, name="databases"),
    path("databases/new/", views.database_create, name="database_create"),
    path("databases/<int:pk>/", views.database_detail, name="database"),
    path("databases/<int:pk>/edit/", views.database_edit, name="database_edit"),
    path("databases/<int:pk>/roles/", views.database_roles, name="roles"),
    path(
        "databases/<int:pk>/roles/<int:role_pk>/remove/",
        views.database_role_remove,
        name="role_remove",
    ),
    path("databases/<int:pk>/access-log/", views.access_log, name="access_log"),
    path(
        "databases/<int:pk>/stakeholders/new/", views.stakeholder_create, name="stakeholder_create"
    ),
    path("databases/<int:pk>/contacts/", views.contacts, name="contacts"),
    path("databases/<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("organisations/<int:pk>/", views.stakeholder_detail, name="stakeholder"),
    path("organisations/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("organisations/<int:pk>/rate/", views.stakeholder_rate, name="stakeholder_rate"),
    path("organisations/<int:pk>/roles/new/", views.stakeholder_role_create, name="role_create"),
    path(
        "organisations/<int:pk>/interactions/new/",
        views.interaction_create,
        name="interaction_create",
    ),
    path("roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/basis/", views.lawful_basis_set, name="basis_set"),
    path(
        "contacts/<int:pk>/interactions/new/",
        views.contact_interaction_create,
        name="contact_interaction_create",
    ),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction"),
    path("interactions/<int:pk>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
]
