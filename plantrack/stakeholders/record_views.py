"""The record of processing activities (UK GDPR art 30) of a stakeholder database: a page and
its export, for the database's data stewards only (article30.py builds it).

Who may open it: those who cannot see the database get 404 (``database_get_for_user``, so its
existence stays hidden); those who can but are no data steward get 403. The record holds counts
and no one's personal fields, so reading it writes no access-log entry.

The export is xlsx or JSON (article30's docstring says why not csv)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from plantrack.accounts.http import SignedInRequest
from plantrack.core.xlsx import XLSX_TYPE
from plantrack.stakeholders import article30, privacy, selectors
from plantrack.stakeholders.models import Database

NAV = "stakeholders"
EXPORTS = {
    "xlsx": (article30.as_xlsx, XLSX_TYPE),
    "json": (article30.as_json, "application/json"),
}


def _steward_database(request: SignedInRequest, pk: int) -> Database:
    database = selectors.database_get_for_user(request.user, pk)
    privacy.require_steward(request.user, database)
    return database


@require_GET
def record(request: SignedInRequest, pk: int) -> HttpResponse:
    database = _steward_database(request, pk)
    context = {
        "nav_section": NAV,
        "database": database,
        "record": article30.build(database),
        "formats": list(EXPORTS),
    }
    return render(request, "stakeholders/record.html", context)


@require_GET
def record_export(request: SignedInRequest, pk: int, fmt: str) -> HttpResponse:
    database = _steward_database(request, pk)
    if fmt not in EXPORTS:
        raise Http404("No such format")
    write, content_type = EXPORTS[fmt]
    data = article30.build(database)
    response = HttpResponse(write(data), content_type=content_type)
    name = slugify(database.organisation.name)[:60] or "database"
    response["Content-Disposition"] = (
        f'attachment; filename="record-of-processing-{name}-{data.period_to.isoformat()}.{fmt}"'
    )
    return response
