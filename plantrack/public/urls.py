from __future__ import annotations

from django.urls import path

from plantrack.public import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("plans/<slug:slug>/", views.plan, name="plan"),
    path("plans/<slug:slug>/data.csv", views.plan_csv, name="plan_csv"),
    path("plans/<slug:slug>/data.json", views.plan_json, name="plan_json"),
    path("plans/<slug:slug>/feed.atom", views.plan_feed, name="plan_feed"),
    path("events/", views.events_index, name="events"),
    path("events/<int:pk>/", views.event, name="event"),
    path("areas/<int:pk>/events/", views.area_events, name="area_events"),
    path("areas/<int:pk>/events.ics", views.area_events_ics, name="area_events_ics"),
    path("manage/events/", views.events_manage, name="events_manage"),
    path("manage/events/new/", views.event_create, name="event_create"),
    path("manage/events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("manage/events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("manage/plans/<int:pk>/", views.manage, name="manage"),
    path("manage/plans/<int:pk>/withdraw/", views.unpublish, name="unpublish"),
    path("manage/plans/<int:pk>/publishers/", views.publishers, name="publishers"),
    path("manage/approvals/", views.approvals, name="approvals"),
    path("manage/updates/<int:pk>/", views.update_decide, name="update_decide"),
    path(
        "manage/outcomes/<int:pk>/plans/<int:plan>/",
        views.outcome_decide,
        name="outcome_decide",
    ),
    path("manage/actions/<int:pk>/withhold/", views.action_withhold, name="action_withhold"),
    path("manage/sections/<int:pk>/withhold/", views.section_withhold, name="section_withhold"),
    path(
        "manage/withheld/<int:pk>/release/",
        views.withholding_release,
        name="withholding_release",
    ),
]
