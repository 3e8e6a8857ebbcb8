from __future__ import annotations

from django.urls import path

from plantrack.stakeholders import list_views, merge_views, privacy_views, record_views, views

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
    path("databases/<int:pk>/effectiveness/", views.effectiveness, name="effectiveness"),
    # Lists and mailing exports (list_views.py).
    path("databases/<int:pk>/lists/", list_views.lists, name="lists"),
    path("lists/<int:pk>/", list_views.list_detail, name="list"),
    path("lists/<int:pk>/export.<str:fmt>", list_views.list_export, name="list_export"),
    path(
        "lists/<int:pk>/members/<int:contact_pk>/remove/",
        list_views.contact_list_remove,
        name="list_remove",
    ),
    path("contacts/<int:pk>/lists/", list_views.contact_list_add, name="contact_list_add"),
    # Duplicates and merges (merge_views.py).
    path("databases/<int:pk>/duplicates/", merge_views.duplicate_pairs, name="duplicates"),
    path("databases/<int:pk>/duplicates/merge/", merge_views.contacts_merge, name="contacts_merge"),
    path(
        "databases/<int:pk>/duplicates/apart/",
        merge_views.contacts_not_duplicate,
        name="not_duplicate",
    ),
    path("merges/<int:pk>/undo/", merge_views.merge_undo, name="merge_undo"),
    # The data steward's pages (privacy_views.py).
    path("contacts/<int:pk>/erase/", privacy_views.contact_erase, name="contact_erase"),
    path("contacts/<int:pk>/anonymise/", privacy_views.contact_anonymise, name="contact_anonymise"),
    path("contacts/<int:pk>/keep/", privacy_views.retention_keep, name="retention_keep"),
    path(
        "contacts/<int:pk>/subject-access/new/",
        privacy_views.subject_access_open,
        name="subject_access_open",
    ),
    path(
        "contacts/<int:pk>/subject-access.<str:fmt>",
        privacy_views.subject_access_export,
        name="subject_access_export",
    ),
    path(
        "subject-access/<int:pk>/close/",
        privacy_views.subject_access_close,
        name="subject_access_close",
    ),
    path(
        "databases/<int:pk>/subject-access/",
        privacy_views.subject_access_cases,
        name="subject_access",
    ),
    path("databases/<int:pk>/erasures/", privacy_views.erasure_log, name="erasures"),
    path("databases/<int:pk>/retention/", privacy_views.review_queue, name="review_queue"),
    path(
        "databases/<int:pk>/retention/periods/",
        privacy_views.retention_rules,
        name="retention_rules",
    ),
    path("databases/<int:pk>/privacy-notices/", privacy_views.notice_queue, name="notice_queue"),
    path(
        "databases/<int:pk>/privacy-notices/merge.csv",
        privacy_views.notice_merge,
        name="notice_merge",
    ),
    path(
        "databases/<int:pk>/privacy-notices/new/",
        privacy_views.notice_create,
        name="notice_create",
    ),
    # The record of processing activities, UK GDPR art 30 (record_views.py).
    path("databases/<int:pk>/record/", record_views.record, name="record"),
    path("databases/<int:pk>/record.<str:fmt>", record_views.record_export, name="record_export"),
]
