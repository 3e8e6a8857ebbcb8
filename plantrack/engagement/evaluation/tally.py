"""The evaluation's tallies: what every activity counts for, kept as the activities change, so
that an evaluation for a force's year adds up a few thousand cells instead of reading and
counting every activity in scope (26,869 for the benchmark's force: 700 ms of CPU a request,
the floor of any recount, docs/benchmarks.md).

An activity counts in **cells**: one per place it counts for (``node``: each of its areas and
every area above them, once, and 0 for the whole register), its group and its span of
financial quarters (from its start's to its end's; LOW and HIGH for an open start or end).
Periods are whole quarters, so "running in the period" is exactly "its span meets the
period's quarters", and a cell's counts add up. An output counts in its own area's cells (or
its activity's, without one) and in its date's quarter (its activity's span, undated).

Each cell keeps ``counts`` keyed by what is counted ("s:<status>", "l:<level>", "m:<method
id>", "m:words", "m:none", "c:…", "q:<level>:<facts>", "o:<kind>" records and "ot:<kind>"
totals, "whole", "nowhere", "costed", and the cost in pence: "cy" per year, "cys"/"cye" the
pence-days before its start and after its end inside its first and last quarters, "c1"
one-off). A cost per year in a period is then Σ cy × the days the span covers − cys − cye,
exact in pence-days.

Writes: engagement.services marks the activity it touched (TallyMark); ``refresh`` counts
marked activities again, taking away what each last added (its TallyEntry's facts) and adding
what it adds now, under a lock on the register. ``rebuild`` counts a whole register afresh: the
first time, and whenever the areas or the lists of methods and communities have changed
(``stamp``), since those change what activities count for."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan

from plantrack.core.finyears import fy_quarter, quarter_bounds
from plantrack.directory.models import Area
from plantrack.engagement import quality as standards
from plantrack.engagement.evaluation.periods import Period
from plantrack.engagement.models import (
    Activity,
    ActivityUpdate,
    Community,
    Method,
    Outcome,
    Output,
    Register,
    TallyCell,
    TallyEntry,
    TallyMark,
)

# Raised when what an activity counts for changes meaning: every register is rebuilt.
FORMAT = 1
LOW, HIGH = -1, 1_000_000  # the span of an activity with no start, no end
ALL = 0  # the node every activity counts for
BATCH = 2000
# More marks than this (an import, a group deleted) and the register is counted afresh: one
# pass over it is quicker than taking away and adding back thousands one by one.
MANY_MARKED = 2000

# Bits of an activity's facts number: what the quality rule and the spread read of it.
FACT_BITS = {
    "has_aim": 1,
    "has_communities_text": 2,
    "has_method_text": 4,
    "has_outputs": 8,
    "has_outcomes": 16,
    "has_updates": 32,
    "has_communities": 64,
    "has_methods": 128,
}
DONE, CANCELLED = Activity.Status.COMPLETED, Activity.Status.CANCELLED


# --- Quarters --------------------------------------------------------------------------------


def quarter_index(day: dt.date) -> int:
    year, quarter = fy_quarter(day)
    return year * 4 + quarter - 1


def quarter_first(index: int) -> dt.date:
    return quarter_bounds(index // 4, index % 4 + 1)[0]


def quarter_last(index: int) -> dt.date:
    return quarter_bounds(index // 4, index % 4 + 1)[1]


def quarters(period: Period) -> tuple[int, int] | None:
    """The first and last quarter of a period made of whole quarters; None otherwise (a board
    pack's month), which the tallies cannot answer."""
    first, last = quarter_index(period.start), quarter_index(period.end)
    if quarter_first(first) != period.start or quarter_last(last) != period.end:
        return None
    return first, last


def span_days(period: Period, first: int, last: int) -> int:
    """Days of the period inside the quarters first..last."""
    start = period.start if first == LOW else max(period.start, quarter_first(first))
    end = period.end if last == HIGH else min(period.end, quarter_last(last))
    return (end - start).days + 1


# --- Reading activities' facts ----------------------------------------------------------------


def facts_expression() -> Any:
    """The FACT_BITS read in SQL as one integer (booleans cost a conversion each). The aim,
    outputs, outcomes and updates matter only to the quality of completed activities: they
    are looked up for those only. Methods and communities chosen from the lists are added
    from their links."""
    done = Q(status=DONE)
    tests: dict[str, Any] = {
        "has_aim": done & Q(GreaterThan(Length(Trim("aim")), 0)),
        "has_communities_text": Q(GreaterThan(Length(Trim("communities_text")), 0)),
        "has_method_text": Q(GreaterThan(Length(Trim("method_text")), 0)),
        **{
            name: done & Q(Exists(model.objects.filter(activity_id=OuterRef("pk"))))
            for name, model in (
                ("has_outputs", Output),
                ("has_outcomes", Outcome),
                ("has_updates", ActivityUpdate),
            )
        },
    }
    total: Any = Value(0)
    for name, test in tests.items():
        total = total + Case(When(test, then=Value(FACT_BITS[name])), default=Value(0))
    return ExpressionWrapper(total, output_field=IntegerField())


def links_of(through: Any, column: str, scope: Q) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for activity_id, value in (
        through.objects.filter(scope).order_by().values_list("activity_id", column)
    ):
        found[activity_id].append(value)
    return found


def _pence(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def read_facts(register_id: int, ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """What each activity of the register (or those of ``ids`` still there) counts as: a
    small dict, kept as its TallyEntry. Six queries however many."""
    scope = Q(activity__register_id=register_id)
    activities = Activity.objects.filter(register_id=register_id)
    if ids is not None:
        ids = list(ids)
        scope &= Q(activity_id__in=ids)
        activities = activities.filter(pk__in=ids)
    places = links_of(Activity.areas.through, "area_id", scope)
    methods = links_of(Activity.methods.through, "method_id", scope)
    communities = links_of(Activity.communities.through, "community_id", scope)
    outputs: dict[int, list[list[Any]]] = defaultdict(list)
    for activity_id, kind, count, area_id, day in (
        Output.objects.filter(scope)
        .order_by()
        .values_list("activity_id", "kind", "count", "area_id", "date")
    ):
        outputs[activity_id].append(
            [kind, count, area_id or 0, quarter_index(day) if day else None]
        )
    fields = (
        "id",
        "group_id",
        "status",
        "level",
        "cost_amount",
        "cost_period",
        "start_earliest",
        "end_latest",
    )
    found = {}
    for pk, group, status, level, amount, per, start, end, bits in (
        activities.order_by().values_list(*fields).annotate(facts=facts_expression())
    ):
        first = quarter_index(start) if start else LOW
        last = quarter_index(end) if end else HIGH
        bits |= FACT_BITS["has_methods"] if methods.get(pk) else 0
        bits |= FACT_BITS["has_communities"] if communities.get(pk) else 0
        found[pk] = {
            "g": group or 0,
            "st": status,
            "lv": level,
            "sq": first,
            "eq": last,
            "so": (start - quarter_first(first)).days if start else 0,
            "eo": (quarter_last(last) - end).days if end else 0,
            "rev": bool(start and end and start > end),
            "ar": places.get(pk, []),
            "me": methods.get(pk, []),
            "co": communities.get(pk, []),
            "fl": bits,
            "ca": _pence(amount),
            "cp": per,
            "out": outputs.get(pk, []) if status != CANCELLED else [],
        }
    return found


def quality_facts(level: str, bits: int) -> standards.Facts:
    flags = {name: bool(bits & bit) for name, bit in FACT_BITS.items()}
    return standards.Facts(level=level, **flags)


def score_of(facts: dict[str, Any]) -> int | None:
    if facts["st"] != DONE:
        return None
    return standards.score(quality_facts(facts["lv"], facts["fl"])).score


# --- What an activity counts for --------------------------------------------------------------


class Tree:
    """Each area's ids from the top down (its path), read once per count."""

    def __init__(self) -> None:
        self.lines: dict[int, list[int]] = {
            pk: [int(part) for part in path.split("/") if part]
            for pk, path in Area.objects.values_list("pk", "path")
        }

    def nodes(self, areas: list[int]) -> set[int]:
        found = {ALL}
        for area in areas:
            found.update(self.lines.get(area, [area]))
        return found

    def whole(self, areas: list[int], node: int) -> bool:
        """The activity covers ``node`` (or, for ALL, a top-level area) and none of the places
        below it."""
        if not areas:
            return False
        for area in areas:
            line = self.lines.get(area, [area])
            if node == ALL:
                if len(line) > 1:
                    return False
            elif node in line and line[-1] != node:
                return False
        return True


Cells = dict[tuple[int, int, int, int], Counter]


def _named(counts: Counter, prefix: str, chosen: list[int], bits: int, text_bit: str) -> None:
    for pk in chosen:
        counts[f"{prefix}:{pk}"] += 1
    if not chosen:
        counts[f"{prefix}:{'words' if bits & FACT_BITS[text_bit] else 'none'}"] += 1


def _cost(counts: Counter, facts: dict[str, Any]) -> None:
    pence = facts["ca"]
    if pence is None:
        return
    counts["costed"] += 1
    if facts["cp"] == Activity.CostPeriod.YEAR:
        if not facts["rev"]:  # an end before the start runs no days
            counts["cy"] += pence
            counts["cys"] += pence * facts["so"]
            counts["cye"] += pence * facts["eo"]
    else:
        counts["c1"] += pence


def add_counts(cells: Cells, facts: dict[str, Any], tree: Tree, sign: int = 1) -> None:
    """Add (or, with sign -1, take away) what one activity counts for."""
    group, status, level, bits = facts["g"], facts["st"], facts["lv"], facts["fl"]
    span = (facts["sq"], facts["eq"])
    nodes = tree.nodes(facts["ar"])
    mine = Counter({f"s:{status}": 1})
    if status != CANCELLED:
        mine.update({"live": 1, f"l:{level}": 1})
        _named(mine, "m", facts["me"], bits, "has_method_text")
        _named(mine, "c", facts["co"], bits, "has_communities_text")
        _cost(mine, facts)
        if status == DONE:
            mine[f"q:{level}:{bits}"] += 1
    for node in nodes:
        counts = Counter(mine)
        if status != CANCELLED:
            counts["whole"] += tree.whole(facts["ar"], node)
            counts["nowhere"] += node == ALL and not facts["ar"]
        _merge(cells, (node, group, *span), counts, sign)
    for kind, count, area, quarter in facts["out"]:
        places = tree.nodes([area]) if area else nodes
        where = (quarter, quarter) if quarter is not None else span
        counts = Counter({f"o:{kind}": 1, f"ot:{kind}": count})
        for node in places:
            _merge(cells, (node, group, *where), counts, sign)


def _merge(cells: Cells, key: tuple[int, int, int, int], counts: Counter, sign: int) -> None:
    cell = cells.setdefault(key, Counter())
    for name, value in counts.items():
        if value:
            cell[name] += sign * value


# --- Keeping them -----------------------------------------------------------------------------


def stamp() -> str:
    """What the tallies depend on besides the activities: the tree of areas (which decides
    the nodes; a renamed area changes nothing) and the lists (a deleted method takes its
    links with it). Three queries."""
    tree = hashlib.sha256()
    for pk, path in Area.objects.order_by("pk").values_list("pk", "path"):
        tree.update(f"{pk}:{path};".encode())
    lists = [
        model.objects.aggregate(n=Count("pk"), last=Max("pk")) for model in (Method, Community)
    ]
    listed = ",".join(f"{found['n']}-{found['last']}" for found in lists)
    return f"{FORMAT}|{tree.hexdigest()[:32]}|{listed}"[:120]


def mark(register_id: int, activity_ids: Iterable[int]) -> None:
    TallyMark.objects.bulk_create(
        TallyMark(register_id=register_id, activity_id=pk) for pk in set(activity_ids)
    )


def _lock(register: Register) -> str:
    """Hold the register's row for the rest of the transaction (SQLite's IMMEDIATE
    transactions already hold the database) and read its stamp as it is now."""
    return (
        Register.objects.select_for_update()
        .values_list("tally_stamp", flat=True)
        .get(pk=register.pk)
    )


def ensure(register: Register) -> None:
    """Make the register's tallies count every activity as it is now: rebuilt if they were
    built against other areas or lists (or never), else its marked activities counted again.
    Two queries when nothing changed."""
    current = stamp()
    if register.tally_stamp == current and not TallyMark.objects.filter(register=register).exists():
        return
    with transaction.atomic():
        marked = TallyMark.objects.filter(register=register)
        if _lock(register) != current or marked.count() > MANY_MARKED:
            rebuild(register, current)
        else:
            refresh(register)
    register.tally_stamp = current


def _entries(register: Register, found: dict[int, dict[str, Any]]) -> list[TallyEntry]:
    return [
        TallyEntry(register=register, activity_id=pk, facts=facts, score=score_of(facts))
        for pk, facts in found.items()
    ]


def rebuild(register: Register, current: str | None = None) -> None:
    """Count every activity of the register afresh."""
    with transaction.atomic():
        current = current or stamp()
        _lock(register)
        last_mark = TallyMark.objects.filter(register=register).aggregate(m=Max("pk"))["m"]
        found = read_facts(register.pk)
        tree, cells = Tree(), Cells()
        for facts in found.values():
            add_counts(cells, facts, tree)
        TallyCell.objects.filter(register=register).delete()
        TallyEntry.objects.filter(register=register).delete()
        TallyMark.objects.filter(register=register, pk__lte=last_mark or 0).delete()
        TallyCell.objects.bulk_create(
            (_cell(register, key, counts) for key, counts in cells.items() if +counts),
            batch_size=BATCH,
        )
        TallyEntry.objects.bulk_create(_entries(register, found), batch_size=BATCH)
        Register.objects.filter(pk=register.pk).update(tally_stamp=current)
        register.tally_stamp = current


def _cell(register: Register, key: tuple[int, int, int, int], counts: Counter) -> TallyCell:
    node, group, first, last = key
    kept = {name: value for name, value in counts.items() if value}
    return TallyCell(
        register=register,
        node=node,
        group=group,
        first_quarter=first,
        last_quarter=last,
        live=kept.get("live", 0),
        counts=kept,
    )


def refresh(register: Register) -> None:
    """Count the marked activities again (inside ensure's transaction)."""
    marks = list(TallyMark.objects.filter(register=register).values_list("pk", "activity_id"))
    if not marks:
        return
    ids = sorted({activity for _, activity in marks})
    before = dict(
        TallyEntry.objects.filter(register=register, activity_id__in=ids).values_list(
            "activity_id", "facts"
        )
    )
    after = read_facts(register.pk, ids)
    tree, delta = Tree(), Cells()
    for facts in before.values():
        add_counts(delta, facts, tree, sign=-1)
    for facts in after.values():
        add_counts(delta, facts, tree)
    _apply(register, {key: counts for key, counts in delta.items() if any(counts.values())})
    TallyEntry.objects.filter(register=register, activity_id__in=ids).delete()
    TallyEntry.objects.bulk_create(_entries(register, after))
    TallyMark.objects.filter(pk__in=[pk for pk, _ in marks]).delete()


def _apply(register: Register, delta: Cells) -> None:
    if not delta:
        return
    have = {
        (cell.node, cell.group, cell.first_quarter, cell.last_quarter): cell
        for cell in TallyCell.objects.filter(
            register=register, node__in={key[0] for key in delta}
        ).filter(group__in={key[1] for key in delta})
    }
    changed, emptied, added = [], [], []
    for key, counts in delta.items():
        cell = have.get(key)
        if cell is None:
            added.append(_cell(register, key, counts))
            continue
        total = Counter(cell.counts)
        total.update(counts)
        kept = {name: value for name, value in total.items() if value}
        if not kept:
            emptied.append(cell.pk)
            continue
        cell.counts, cell.live = kept, kept.get("live", 0)
        changed.append(cell)
    TallyCell.objects.filter(pk__in=emptied).delete()
    TallyCell.objects.bulk_update(changed, ["counts", "live"], batch_size=BATCH)
    TallyCell.objects.bulk_create(added, batch_size=BATCH)
