# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from plantrack.core.api import errors
from plantrack.search import selectors
from plantrack.search.schemas import SearchOut

router = Router(tags=["search"])

KindName = Literal[
    "plans",
    "actions",
    "updates",
    "decisions",
    "people",
    "organisations",
    "activities",
    "frameworks",
    "returns",
    "stakeholders",
]


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=selectors.QUERY_MAX)
    kind: KindName | None = Field(None, description="One kind only, paged with size and start.")
    # Not `limit` and `offset`: results stop at 1,000 a kind, not the API's list bounds.
    size: int = Field(
        selectors.PREVIEW_SIZE,
        ge=1,
        le=100,
        description="Results per kind (with no kind), or of the one kind.",
    )
    start: int = Field(
        0, ge=0, le=selectors.COUNT_CAP, description="With a kind: how many to skip."
    )


def _group_out(group: selectors.Group) -> dict:
    return {
        "kind": group.kind.key,
        "label": group.kind.label,
        "count": group.shown_count,
        "capped": group.capped,
    }


def _hit_out(hit: selectors.Hit) -> dict:
    return {
        "kind": hit.kind,
        "id": hit.pk,
        "title": hit.title,
        "url": hit.url,
        "excerpt": hit.excerpt,
        "context": hit.context,
    }


@router.get("/search", response={200: SearchOut, **errors(401, 422)})
def search(request, params: Query[SearchParams]):
    """Everything you may see matching every word of `q` (each word as the start of a word):
    plans, actions (their owners' names too), updates, decisions, people, organisations,
    engagement activities, frameworks, assessment returns and stakeholders (by their
    organisation's name). Without `kind`, the first `size` of each kind, counted to 100;
    with it, `size` of that kind from `start`, counted to 1,000 (`capped`: more)."""
    if not selectors.terms(params.q):
        return Status(422, {"detail": {"q": ["Enter a word or a number to search for."]}})
    if params.kind:
        groups = [
            selectors.search_kind(
                request.user, params.q, params.kind, limit=params.size, offset=params.start
            )
        ]
    else:
        groups = selectors.search_everything(request.user, params.q, per_kind=params.size)
    return {
        "q": params.q,
        "kinds": [_group_out(g) for g in groups],
        "items": [_hit_out(hit) for g in groups for hit in g.hits],
    }
