"""Filters for showing a pack's snapshot (plain JSON) in the preview page and the PDF."""

from __future__ import annotations

from django import template

from plantrack.core.finyears import period_with_name
from plantrack.packs.render import common, engagement, self_assessment
from plantrack.packs.selectors import can_prepare_pack

register = template.Library()

register.filter("pack_date", common.long_date)
register.filter("pack_short_date", common.short_date)
register.filter("pounds", common.pounds)
register.filter("pack_due", common.due_text)
register.filter("period_with_name", period_with_name)
register.filter("latest_text", common.latest_text)
register.filter("evidence_text", common.evidence_text)
register.filter("commentary_text", common.commentary_text)
register.filter("exception_where", common.exception_where)
register.filter("measure_latest", common.measure_latest)
register.filter("measure_target", common.measure_target)
register.filter("engagement_quantity", engagement.quantity_rows)
register.filter("engagement_quality", engagement.quality_rows)
register.filter("engagement_spread", engagement.spread_tables)
register.filter("engagement_areas_without", engagement.areas_without_text)
register.filter("engagement_benefit", engagement.benefit_cells)
register.filter("cycle_heading", self_assessment.cycle_heading)
register.filter("cycle_line", self_assessment.cycle_line)
register.filter("cycle_totals", self_assessment.totals_text)


@register.filter
def cycle_units(cycle: dict) -> dict:
    """{"columns", "rows"}: each unit's score against the target."""
    return {"columns": self_assessment.UNIT_COLUMNS, "rows": self_assessment.unit_rows(cycle)}


@register.filter
def cycle_movement(cycle: dict) -> dict:
    """{"columns", "rows"}: each unit's movement since its last cycle (no rows if none)."""
    return {
        "columns": self_assessment.MOVEMENT_COLUMNS,
        "rows": self_assessment.movement_rows(cycle),
    }


@register.filter
def cycle_items(cycle: dict) -> dict:
    """{"columns", "rows"}: each item's adoption across the units."""
    return {"columns": self_assessment.ITEM_COLUMNS, "rows": self_assessment.item_rows(cycle)}


@register.filter
def joined(values) -> str:
    return ", ".join(values or [])


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def without_rag(reasons, rag_label: str) -> str:
    """The reasons apart from the RAG itself, which the tag beside them already shows."""
    return ", ".join(r for r in reasons or [] if r != rag_label)


@register.filter
def may_prepare_pack_for(user, body) -> bool:
    """{% if user|may_prepare_pack_for:body %}: the link to prepare a pack, only for those
    whom the page would let in."""
    return user.is_authenticated and can_prepare_pack(user, body)
