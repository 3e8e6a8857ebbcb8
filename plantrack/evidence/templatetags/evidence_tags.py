"""Evidence in any app's templates: ``{% load evidence_tags %}{% evidence_list obj %}``."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.template.defaultfilters import filesizeformat

from plantrack.evidence import registry
from plantrack.evidence.files import type_label
from plantrack.evidence.models import Evidence
from plantrack.evidence.selectors import evidence_for_many

register = template.Library()


@register.filter
def evidence_about(evidence: Evidence) -> str:
    """ "PDF, 1.2 MB" for a file, "link to example.org" for a link."""
    if evidence.is_file:
        return f"{type_label(evidence.mime_type)}, {filesizeformat(evidence.size)}"
    host = urlsplit(evidence.url).hostname or ""
    return f"link to {host.removeprefix('www.')}" if host else "link"


@register.inclusion_tag("evidence/_list.html")
def evidence_list(target, items=None, can_attach=False) -> dict:
    """The evidence on ``target``, with an "Add evidence" link when ``can_attach``.

    Give ``items`` (from ``selectors.evidence_for_many``) in a list of targets, so the page
    reads the evidence of all of them in one query; without, this reads the target's. The
    caller has checked that the user may read the target; ``can_attach`` is the caller's to
    say too (``registry.can_attach``), since a cached fragment has no user to ask about."""
    if items is None:
        items = evidence_for_many([target])[target]
    rule = registry.rule_for(type(target)) if can_attach else None
    return {
        "items": items,
        "attach_url": registry.attach_url(target) if rule else None,
        # Only for the link's hidden text: naming a target may read what it belongs to.
        "describe": rule.describe(target) if rule else "",
    }
