"""The JSON API at /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI

from plantrack.accounts.api import API_AUTH
from plantrack.assessments.api import router as assessments_router
from plantrack.budgets.api import router as budgets_router
from plantrack.directory.api import router as directory_router
from plantrack.engagement.api import router as engagement_router
from plantrack.evidence.api import router as evidence_router
from plantrack.governance.api import router as governance_router
from plantrack.measures.api import router as measures_router
from plantrack.packs.api import router as packs_router
from plantrack.plans.api import router as plans_router
from plantrack.reminders.api import router as reminders_router
from plantrack.reports.api import router as reports_router
from plantrack.search.api import router as search_router
from plantrack.stakeholders.api import router as stakeholders_router

api = NinjaAPI(
    title="PlanTrack API",
    version="1",
    description="Plans, sections, actions, updates, people and organisations. "
    "Authenticate with a personal token: `Authorization: Bearer <token>`.",
    auth=API_AUTH,
    urls_namespace="api",
)
api.add_router("/", plans_router)
api.add_router("/", directory_router)
api.add_router("/", measures_router)
api.add_router("/", budgets_router)
api.add_router("/", reports_router)
api.add_router("/", governance_router)
api.add_router("/", packs_router)
api.add_router("/", reminders_router)
api.add_router("/", engagement_router)
api.add_router("/", assessments_router)
api.add_router("/", evidence_router)
api.add_router("/", stakeholders_router)
api.add_router("/", search_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(OverflowError)
def out_of_range(request, exc):
    # An integer past what the database holds (2**63 and more), in a field no schema bounds:
    # the input is wrong, not the server. Ids in paths and queries are bounded (core.api.Id).
    return api.create_response(
        request, {"detail": {"__all__": ["A number in the request is too large."]}}, status=422
    )
