from __future__ import annotations

from django.urls import path

from plantrack.packs import views

app_name = "packs"
urlpatterns = [
    path("", views.pack_list, name="list"),
    path("body/<int:pk>/new/", views.pack_new, name="new"),
    path("<int:pk>/", views.pack_detail, name="detail"),
    path("<int:pk>/progress/", views.pack_progress, name="progress"),
    path("<int:pk>/publish/", views.pack_publish, name="publish"),
    path("<int:pk>/rebuild/", views.pack_rebuild, name="rebuild"),
    path("<int:pk>/download/<str:fmt>/", views.pack_download, name="download"),
    path("plans/<int:pk>/commentary/", views.commentary_page, name="commentary"),
    path("plans/<int:pk>/commentary/chase/", views.chase, name="chase"),
    path("actions/<int:pk>/commentary/", views.commentary_write, name="commentary_write"),
]
