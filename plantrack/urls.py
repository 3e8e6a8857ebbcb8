from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from plantrack.api import api
from plantrack.plans.views import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("plantrack.accounts.urls")),
    path("plans/", include("plantrack.plans.urls")),
    path("directory/", include("plantrack.directory.urls")),
    path("imports/", include("plantrack.imports.urls")),
    path("measures/", include("plantrack.measures.urls")),
    path("budgets/", include("plantrack.budgets.urls")),
    path("reports/", include("plantrack.reports.urls")),
    path("governance/", include("plantrack.governance.urls")),
    path("packs/", include("plantrack.packs.urls")),
    path("reminders/", include("plantrack.reminders.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
