from __future__ import annotations

from django.urls import path

from plantrack.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("mine/", views.my_actions, name="my_actions"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/history/", views.plan_history_view, name="history"),
    path("<int:pk>/people/", views.plan_members, name="members"),
    path("<int:pk>/people/<int:user_pk>/remove/", views.plan_member_remove, name="member_remove"),
    path("<int:pk>/sections/new/", views.section_create, name="section_create"),
    path("<int:pk>/bulk/", views.plan_bulk, name="bulk"),
    path("<int:pk>/deleted/", views.plan_deleted, name="deleted"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/restore/", views.section_restore, name="section_restore"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("actions/<int:pk>/restore/", views.action_restore, name="action_restore"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/updates/new/", views.update_create, name="update_create"),
    path("actions/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
]
