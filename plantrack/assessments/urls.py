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
    path("items/<int:pk>/comment/", views.item_comment, name="item_comment"),
    path("frameworks/<int:pk>/cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycle_close"),
    path("cycles/<int:pk>/heat-map.xlsx", views.cycle_export, name="cycle_export"),
    path("cycles/<int:pk>/report.pdf", views.cycle_report, name="cycle_report"),
    path("returns/<int:pk>/", views.unit_detail, name="unit"),
    path("returns/<int:pk>/items/<int:item>/", views.item_answer, name="item_answer"),
    path("returns/<int:pk>/assessors/", views.unit_assessors, name="unit_assessors"),
    path("returns/<int:pk>/finalise/", views.unit_finalise, name="unit_finalise"),
    path("returns/<int:pk>/chase/", views.unit_chase, name="unit_chase"),
    path("returns/<int:pk>/accept-rest/", views.unit_accept_rest, name="unit_accept_rest"),
    path("answers/<int:pk>/review/", views.answer_review, name="answer_review"),
    path("answers/<int:pk>/reply/", views.answer_reply, name="answer_reply"),
    path("answers/<int:pk>/action/", views.gap_action, name="gap_action"),
]
