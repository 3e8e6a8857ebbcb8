from __future__ import annotations

from django.urls import path

from plantrack.directory import views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("people/", views.person_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path(
        "people/<int:pk>/verify-email/",
        views.person_email_verification_send,
        name="person_email_verification_send",
    ),
    path("areas/", views.area_list, name="areas"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/import/", views.areas_import, name="areas_import"),
    path("areas/<int:pk>/", views.area_detail, name="area"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("verify-email/<str:token>/", views.email_verify, name="email_verify"),
]
