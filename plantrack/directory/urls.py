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
    # Clean-up (docs/directory.md): duplicates, merges and their undo, placing, export.
    path("clean-up/", views.cleanup, name="cleanup"),
    path("clean-up/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("people/merge/", views.person_merge, name="person_merge"),
    path("organisations/merge/", views.organisation_merge, name="organisation_merge"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("organisations/<int:pk>/place/", views.organisation_place, name="organisation_place"),
    path("people/export.<str:fmt>", views.people_export, name="people_export"),
    path("organisations/export.<str:fmt>", views.organisations_export, name="organisations_export"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    # No sign-in: the mailed link is the credential.
    path("invitations/accept/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
