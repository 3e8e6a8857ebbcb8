"""Helpers shared by every app's API."""

from __future__ import annotations

import json
from typing import Annotated

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
# Far beyond any list PlanTrack holds, and far below the 2**63 at which the database's
# OFFSET overflows (which answered 500).
MAX_OFFSET = 10**9


# The largest id a database key holds (a signed 64-bit integer); a bigger one in a path or a
# query answered 500 (OverflowError) instead of 422.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Pagination(LimitOffsetPagination):
    """`limit` and `offset` bounded in the schema, so a value out of range answers 422 with a
    message naming the bound, never 500. Every paginated list uses this, not ninja's own."""

    class Input(Schema):
        limit: int = Field(
            settings.PAGINATION_PER_PAGE,
            ge=1,
            le=MAX_LIMIT,
            description=f"How many items to return, 1 to {MAX_LIMIT}.",
        )
        offset: int = Field(
            0,
            ge=0,
            le=MAX_OFFSET,
            description=f"How many items to skip, 0 to {MAX_OFFSET:,}.",
        )

    def __init__(self, **kwargs) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


def json_response(data) -> HttpResponse:
    """Rows already in an operation's documented shape, as compact JSON: the long lists
    build plain dicts and skip ninja's output validation (docs/benchmarks.md)."""
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":")),
        content_type="application/json",
    )


class Mapped:
    """A queryset (or a sequence that reads only what is sliced) the paginator can count and
    slice, shaping only the rows on the page."""

    def __init__(self, queryset, shape):
        self.queryset, self.shape = queryset, shape

    def __len__(self) -> int:
        if isinstance(self.queryset, QuerySet):
            return self.queryset.count()
        return len(self.queryset)

    def __getitem__(self, item):
        return [self.shape(row) for row in self.queryset[item]]


# --- Documented errors ----------------------------------------------------------------------
# What each operation can answer besides success, listed in its `response=` so that the
# OpenAPI document is complete (the schemathesis test in core/tests/test_api_schema.py fails on
# any status an operation gives that its entry does not list).


class ErrorOut(Schema):
    """400 (a body that is not JSON), 401, 403 and 404: one line saying what is wrong."""

    detail: str


class FieldError(Schema):
    type: str
    loc: list[str | int]
    msg: str


class InvalidOut(Schema):
    """422: the request's parameters or body did not fit the schema (a list of field errors),
    or a service refused the values (messages by field, "__all__" for the whole)."""

    detail: list[FieldError] | dict[str, list[str]]


_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: InvalidOut,
}


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The documented error answers for `response={200: X, **errors(401, 404, 422)}`."""
    return {code: _ERRORS[code] for code in codes}


# Every operation needs a token (401) and has parameters to check (422); one that names an
# object answers 404 if you can't see it; one that writes may refuse you (403) and a body
# that isn't JSON (400).
READ = errors(401, 422)
READ_ONE = errors(401, 404, 422)
WRITE = errors(400, 401, 403, 404, 422)
