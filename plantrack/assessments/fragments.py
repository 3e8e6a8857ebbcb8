"""A cycle's page: its heat map and its table of returns, each rendered once and kept in the
fragment cache (core/cache.py). The keys hold the versions of the framework's cycles (every
write to a cycle's returns, answers and reviews moves its own, cycles._save; the comparison
reads the cycle before), the choices (kind of unit, area), the organisations (a unit renamed
shows at once) and, for the heat map, the plans the reader may see among the units' (the
funding check reads only those). What the data says (checks.py) comes from other apps'
records (activities, the directory, budgets): it is kept at most CHECKED_FOR seconds, and
the page says when it was checked."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plantrack.assessments import selectors
from plantrack.assessments.checks import Check, checks_for
from plantrack.assessments.models import OPEN_RETURNS, Cycle, Unit
from plantrack.assessments.selectors import ItemPlace
from plantrack.core.cache import cached
from plantrack.directory.models import Area
from plantrack.directory.selectors import organisations_stamp, with_units
from plantrack.plans.models import Plan
from plantrack.plans.selectors import today

CHECKED_FOR = 300  # seconds


def stamps(cycle: Cycle) -> tuple[Any, ...]:
    """The versions of the framework's cycles and the organisations' latest change (two
    queries)."""
    versions = Cycle.objects.filter(framework_id=cycle.framework_id).aggregate(
        n=Count("pk"), total=Sum("version")
    )
    return (cycle.pk, versions["n"], versions["total"], *organisations_stamp())


def heat_map_key(
    cycle: Cycle, plans: QuerySet[Plan], kind: str, area: Area | None, stamps: tuple[Any, ...]
) -> tuple[Any, ...]:
    """Everything the heat map is drawn from but the data's records: ``stamps`` and the
    plans the reader may see of the units and those beneath them (one query; the
    organisations beneath the units are kept under ``stamps``, which hold the
    organisations' latest change)."""
    units = cached(
        ("assessments-unit-organisations", *stamps),
        lambda: with_units(cycle.units.values_list("organisation_id", flat=True)),
        timeout=CHECKED_FOR,
    )
    readable = plans.filter(owner_organisation_id__in=units).values_list("pk", flat=True)
    return (
        "assessments-heat-map",
        *stamps,
        kind,
        area.pk if area else None,
        tuple(sorted(readable)),
    )


def filter_choices(cycle: Cycle, stamps: tuple[Any, ...]) -> tuple[list, list]:
    """The heat map's filters' choices: the kinds of the cycle's units and their areas (with
    those above them), kept under the cycle's ``stamps`` (its units do not change once sent;
    an area renamed shows within CHECKED_FOR seconds)."""

    def build() -> tuple[list, list]:
        kinds, areas = selectors.unit_kinds_and_areas(cycle)
        return kinds, [(area.pk, str(area)) for area in areas]

    return cached(("assessments-heat-map-filters", *stamps), build, timeout=CHECKED_FOR)


CSRF_MARK = "@@CSRF@@"


def returns_html(
    request: HttpRequest, cycle: Cycle, *, can_run: bool, stamps: tuple[Any, ...]
) -> SafeString:
    """The table of the cycle's returns (status, chase buttons for its keepers, answered,
    assessors), cached like the heat map; each chase form's CSRF token is put in after. An
    assessor's change of name shows within CHECKED_FOR seconds."""
    overdue = cycle.due_on < today()

    def build() -> str:
        context = {
            "cycle": cycle,
            "units": selectors.cycle_units(cycle),
            "item_count": cycle.framework.items.count(),
            "can_run": can_run,
            "overdue": overdue,
            "chaseable": OPEN_RETURNS,
        }
        return render_to_string("assessments/_returns.html", context)

    key = ("assessments-returns", *stamps, can_run, overdue)
    return _with_token(request, cached(key, build, timeout=CHECKED_FOR))


def _with_token(request: HttpRequest, html: str) -> SafeString:
    """A cached fragment with the request's CSRF token put in each form's CSRF_MARK."""
    # Escaped by the template engine; the token is letters and digits.
    return mark_safe(html.replace(CSRF_MARK, escape(get_token(request))))


def heat_map_html(
    cycle: Cycle,
    *,
    plans: QuerySet[Plan],
    stamps: tuple[Any, ...],
    kind: str = "",
    area: Area | None = None,
) -> SafeString:
    """The heat map (with what the data says) for a reader who sees ``plans``."""

    def build() -> str:
        heat = selectors.heat_map(cycle, plans=plans, kind=kind, area=area)
        context = {
            "map": heat,
            "cycle": cycle,
            "framework": cycle.framework,
            "checked_at": timezone.localtime(),
        }
        return render_to_string("assessments/_heat_map.html", context)

    key = heat_map_key(cycle, plans, kind, area, stamps)
    return mark_safe(cached(key, build, timeout=CHECKED_FOR))  # escaped by the template engine


def _readable_of_unit(unit: Unit, plans: QuerySet[Plan]) -> tuple[int, ...]:
    """The plans the reader may see of the unit and those beneath it (two queries): the
    funding check reads only those, and only their actions are linked."""
    units = with_units([unit.organisation_id])
    return tuple(sorted(plans.filter(owner_organisation_id__in=units).values_list("pk", flat=True)))


def unit_checks(
    unit: Unit, *, plans: QuerySet[Plan], readable: tuple[int, ...] | None = None
) -> tuple[dict[int, Check], Any]:
    """What the data says of each item of the unit's return, for a reader who sees ``plans``,
    and when it was checked: kept CHECKED_FOR seconds, as the heat map's is, so that the
    return and each of its items' pages read it once. The key holds the plans the reader may
    see of the unit (``readable``, read if not given); the items of a cycle's framework do
    not change once it is published."""
    if readable is None:
        readable = _readable_of_unit(unit, plans)

    def build() -> tuple[dict[int, Check], Any]:
        items = list(unit.cycle.framework.items.all())
        return checks_for(unit, items, plans=plans), timezone.localtime()

    return cached(("assessments-unit-checks", unit.pk, readable), build, timeout=CHECKED_FOR)


def item_header_html(unit: Unit, place: ItemPlace, *, plans: QuerySet[Plan]) -> SafeString:
    """The head of an item's answer page: the item as written, its kind, its guidance, the
    unit's answer in its last cycle (frozen; its action's status may be up to CHECKED_FOR
    seconds old) and what the data says, set against the answer given now. Kept in the cache
    under the answer's level and the plans the reader may see of the unit."""
    readable = _readable_of_unit(unit, plans)
    answer = place.answer

    def build() -> str:
        checks, checked_at = unit_checks(unit, plans=plans, readable=readable)
        context = {
            "unit": unit,
            "place": place,
            "item": place.item,
            "answer": answer,
            "before": selectors.previous_for_unit(unit, place.item),
            # Only actions of the unit's plans that the reader may see are linked.
            "readable_plans": set(readable),
            "checks": checks,
            "checked_at": checked_at,
        }
        return render_to_string("assessments/_item_header.html", context)

    level = answer.level if answer else None
    key = ("assessments-item-header", unit.pk, place.item.pk, place.count, level, readable)
    return mark_safe(cached(key, build, timeout=CHECKED_FOR))  # escaped by the template engine


def return_rows(
    request: HttpRequest,
    unit: Unit,
    *,
    plans: QuerySet[Plan],
    can_answer: bool,
    can_review: bool,
    can_act: bool,
) -> tuple[SafeString, dict[str, Any]]:
    """A return's rows (each item with its answer, last cycle's answer, what the data says,
    its evidence and review trail, and the reviewer's forms) and what the page's head says of
    them (how many answered, which challenged, the first not answered, when the data was
    checked): rendered once and kept in the cache under the versions of the framework's
    cycles (answers and reviews), the evidence on the unit's answers, the plans the reader
    may see of the unit and what the reader may do. A renamed author or action shows within
    CHECKED_FOR seconds; each review form's CSRF token is put in after."""
    readable = _readable_of_unit(unit, plans)
    flags = (can_answer, can_review, can_act)
    key = (
        "assessments-return-rows",
        unit.pk,
        *stamps(unit.cycle),
        selectors.answers_evidence_stamp(unit),
        readable,
        flags,
    )

    def build() -> tuple[str, dict[str, Any]]:
        items = list(selectors.framework_items(unit.cycle.framework))
        answers = selectors.unit_answers(unit)
        checks, checked_at = unit_checks(unit, plans=plans, readable=readable)
        context = {
            "unit": unit,
            "cycle": unit.cycle,
            "rows": [(item, answers.get(item.pk)) for item in items],
            "evidence_items": selectors.answer_evidence(list(answers.values())),
            "before": selectors.previous_for_unit(unit),
            # Only actions of the unit's plans that the reader may see are linked.
            "readable_plans": set(readable),
            "checks": checks,
            "can_answer": can_answer,
            "can_review": can_review,
            "can_act": can_act,
        }
        summary = {
            "answered": len(answers),
            "items": len(items),
            "challenged": [
                (number, item.pk)
                for number, item in enumerate(items, start=1)
                if item.pk in answers and answers[item.pk].review == "challenged"
            ],
            "first_unanswered": next((i.pk for i in items if i.pk not in answers), None),
            "checked": bool(checks),
            "checked_at": checked_at,
        }
        return render_to_string("assessments/_return_rows.html", context), summary

    html, summary = cached(key, build, timeout=CHECKED_FOR)
    return _with_token(request, html), summary
