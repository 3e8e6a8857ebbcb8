"""A public plan as open data: CSV and JSON of exactly what its page shows, and an Atom feed
of its published updates (Django's feed generator).

The CSV holds one row per action, then one per approved "you said, we did" under that
section's name: the activity in the action's column, the text in the updates' column."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, timezone

from plantrack.core.csvfile import csv_bytes
from plantrack.public.selectors import PublicAction, PublicPlan, YouSaidWeDid

HEADERS = [
    "Section",
    "Ref",
    "Action",
    "Status",
    "RAG",
    "Due (as written)",
    "Owners",
    "Lead organisations",
    "Supporting organisations",
    "Published updates",
]


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _to_second(value: dt.datetime) -> dt.datetime:
    """Times as the public reads them, to the second: microseconds say nothing to a reader,
    and six random digits beside a page's text can read as a staff number."""
    return value.replace(microsecond=0)


def _iso(value: dt.datetime | None) -> str | None:
    return _to_second(value).isoformat() if value else None


def _updates_text(action: PublicAction) -> str:
    return "\n\n".join(
        f"{_day(u.date) or 'Undated'} ({u.rag or 'no RAG'}): {u.text}" for u in action.updates
    )


YOU_SAID_WE_DID = "You said, we did"


def _you_said_we_did_text(row: YouSaidWeDid) -> str:
    return f"{_day(row.date) or 'Undated'}: You said: {row.you_said}\n\nWe did: {row.we_did}"


def _filename(page: PublicPlan, ext: str) -> str:
    return f"{page.plan.publication.slug}.{ext}"


def csv_response(page: PublicPlan) -> HttpResponse:
    rows: list[list[Any]] = [HEADERS]
    for section in page.sections:
        for a in section.actions:
            rows.append(
                [
                    section.title,
                    a.ref,
                    a.title,
                    a.status_label,
                    a.rag,
                    a.due_text,
                    "; ".join(a.owners),
                    "; ".join(a.leads),
                    "; ".join(a.supporting),
                    _updates_text(a),
                ]
            )
    for row in page.you_said_we_did:
        blanks = [""] * (len(HEADERS) - 4)
        rows.append([YOU_SAID_WE_DID, "", row.activity, *blanks, _you_said_we_did_text(row)])
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(page, "csv")}"'
    return response


def as_dict(request: HttpRequest, page: PublicPlan) -> dict[str, Any]:
    plan, publication = page.plan, page.plan.publication
    return {
        "title": plan.title,
        "organisation": plan.owner_organisation.name,
        "url": request.build_absolute_uri(reverse("public:plan", args=[publication.slug])),
        "introduction": publication.introduction or plan.summary,
        "period": plan.period_text,
        "published_at": _iso(publication.published_at),
        "sections": [
            {
                "title": section.title,
                "scope": section.scope,
                "actions": [
                    {
                        "ref": a.ref,
                        "title": a.title,
                        "status": a.status,
                        "status_label": a.status_label,
                        "rag": a.rag or None,
                        "due": a.due_text,
                        "owners": a.owners,
                        "lead_organisations": a.leads,
                        "supporting_organisations": a.supporting,
                        "updates": [
                            {"date": _day(u.date), "rag": u.rag or None, "text": u.text}
                            for u in a.updates
                        ],
                    }
                    for a in section.actions
                ],
            }
            for section in page.sections
        ],
        "measures": [
            {
                "name": row.measure.name,
                "judgement": row.judgement.label,
                "reason": row.judgement.reason,
                "latest": (
                    {"date": _day(row.latest.date), "value": str(row.latest.value)}
                    if row.latest
                    else None
                ),
            }
            for row in page.measures
        ],
        "you_said_we_did": [
            {
                "activity": r.activity,
                "you_said": r.you_said,
                "we_did": r.we_did,
                "date": _day(r.date),
            }
            for r in page.you_said_we_did
        ],
    }


def json_response(request: HttpRequest, page: PublicPlan) -> HttpResponse:
    body = json.dumps(as_dict(request, page), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_filename(page, "json")}"'
    return response


def atom(request: HttpRequest, page: PublicPlan) -> str:
    plan, publication = page.plan, page.plan.publication
    url = request.build_absolute_uri(reverse("public:plan", args=[publication.slug]))
    feed = feedgenerator.Atom1Feed(
        title=f"{plan.title}: progress updates",
        link=url,
        description=f"Published progress updates on {plan.title}",
        language="en-GB",
        author_name=plan.owner_organisation.name,
        feed_url=request.build_absolute_uri(request.path),
        feed_guid=url,
    )
    for action, update in page.updates[:100]:
        label = f"{action.ref} {action.title}".strip()
        feed.add_item(
            title=f"Update on {label}",
            link=f"{url}#update-{update.pk}",
            description=update.text,
            unique_id=f"{url}#update-{update.pk}",
            pubdate=_to_second(update.published_at),
            updateddate=_to_second(update.published_at),
            categories=[c for c in (update.rag, action.status_label) if c],
        )
    if not page.updates:
        # Atom asks for <updated>: the publication's own time when nothing is published yet.
        feed.feed["updateddate"] = _to_second(publication.published_at or timezone.now())
    return feed.writeString("utf-8")
