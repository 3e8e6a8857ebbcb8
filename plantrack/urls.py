from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from plantrack.accounts.views import SignInView
from plantrack.api import api
from plantrack.budgets import urls as budgets_urls
from plantrack.directory import sso
from plantrack.engagement import urls as engagement_urls
from plantrack.imports import urls as imports_urls
from plantrack.measures import urls as measures_urls
from plantrack.ops import health
from plantrack.plans.views import home
from plantrack.stakeholders import urls as stakeholders_urls

# A database that does not answer, found by a middleware, is a 503, not the 500 page
# (ops.middleware.DatabaseUnavailableMiddleware says why this is needed besides it).
handler500 = "plantrack.ops.middleware.server_error"

# What a load balancer asks each app server (docs/deployment.md): at the root, no sign-in.
ops_patterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

urlpatterns = [
    path("", home, name="home"),
    path("", include((ops_patterns, "ops"))),
    path("accounts/login/", SignInView.as_view(), name="login"),
    # Single sign-on (directory/sso.py): to the identity provider and back.
    path("oidc/authenticate/", sso.authenticate_view, name="oidc_authentication_init"),
    path("oidc/callback/", sso.callback_view, name="oidc_authentication_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("plantrack.accounts.urls")),
    path("plans/", include("plantrack.plans.urls")),
    path("directory/", include("plantrack.directory.urls")),
    path("imports/", include("plantrack.imports.urls")),
    # The budget import, the readings upload, the register exports and the contact-list import
    # are the importer's, shown among the measure, budget, engagement and stakeholder pages
    # under those apps' names: those apps cannot import it.
    path(
        "measures/",
        include((measures_urls.urlpatterns + imports_urls.readings_patterns, "measures")),
    ),
    path(
        "budgets/",
        include((budgets_urls.urlpatterns + imports_urls.budget_patterns, "budgets")),
    ),
    path("reports/", include("plantrack.reports.urls")),
    path("governance/", include("plantrack.governance.urls")),
    path("packs/", include("plantrack.packs.urls")),
    path("reminders/", include("plantrack.reminders.urls")),
    path("search/", include("plantrack.search.urls")),
    path("public/", include("plantrack.public.urls")),
    # The phone pages (an installable web app whose service worker's scope is /m/).
    path("m/", include("plantrack.mobile.urls")),
    path(
        "engagement/",
        include((engagement_urls.urlpatterns + imports_urls.engagement_patterns, "engagement")),
    ),
    path("assessments/", include("plantrack.assessments.urls")),
    path(
        "stakeholders/",
        include(
            (stakeholders_urls.urlpatterns + imports_urls.stakeholder_patterns, "stakeholders")
        ),
    ),
    path("evidence/", include("plantrack.evidence.urls")),
    path("api/v1/", api.urls),
    # The admin signs in on the one sign-in page (its choices: single sign-on, passwords on or
    # off; then the second factor), not on a password form of its own.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
        name="admin_sign_in",
    ),
    path("admin/", admin.site.urls),
]
