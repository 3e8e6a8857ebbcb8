from __future__ import annotations

from django.urls import path

from plantrack.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.bodies, name="bodies"),
    path("new/", views.body_create, name="body_create"),
    path("<int:pk>/", views.body_detail, name="body"),
    path("<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:person_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/decisions/new/", views.body_decision, name="body_decision"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/decisions/new/", views.meeting_decision, name="meeting_decision"),
    path("agenda/<int:pk>/remove/", views.agenda_item_remove, name="agenda_item_remove"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/delete/", views.decision_delete, name="decision_delete"),
    path("plan/<int:pk>/", views.plan_governance, name="plan"),
    path("plan/<int:pk>/oversight/new/", views.oversight_create, name="oversight_create"),
    path("oversight/<int:pk>/remove/", views.oversight_remove, name="oversight_remove"),
]
