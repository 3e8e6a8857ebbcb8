"""Search across everything a user may see, each kind scoped by its own app's selectors.

Actions and updates (the national tables) are matched through full-text indexes (fts.py);
the smaller registers by their names. Counts stop at ``COUNT_CAP`` ("1,000+"): counting
every visible match of a common word among a million updates is the slow part, and nobody
pages past a thousand results.

Stakeholder contacts are not searched: their personal fields are for those who need to know
(stakeholders/selectors.py), so stakeholders are found by their organisation's name only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.urls import reverse

from plantrack.accounts.models import User
from plantrack.assessments.models import Framework, Unit
from plantrack.assessments.selectors import cycles_visible_to, frameworks_visible_to
from plantrack.directory.models import Organisation, Person
from plantrack.directory.selectors import organisations_visible_to, people_visible_to
from plantrack.engagement.models import Activity
from plantrack.engagement.selectors import registers_visible_to
from plantrack.governance.models import Decision
from plantrack.governance.selectors import decisions_visible_to
from plantrack.plans.models import Action, ActionOwner, Plan, Update
from plantrack.plans.selectors import plans_visible_to
from plantrack.search import fts
from plantrack.search.highlight import excerpt, highlight
from plantrack.stakeholders.models import Stakeholder
from plantrack.stakeholders.selectors import databases_visible_to

COUNT_CAP = 1000
# The overview counts to 100 ("more than 100"): a common word's thousand updates cost ten times
# the reading of a hundred, and a kind's own pages count to COUNT_CAP.
OVERVIEW_CAP = 100
PAGE_SIZE = 20
PREVIEW_SIZE = 3
MAX_TERMS = 8
QUERY_MAX = 200
# Owners are matched through the people whose names hold every term; beyond this many
# people the words are too common to say whose actions they mean.
OWNER_PEOPLE_MAX = 200


def terms(q: str) -> list[str]:
    """The words and numbers of a query, lower case, each once, at most MAX_TERMS: what every
    kind matches. Punctuation separates ("YC/INT/1" is yc, int, 1), as it does in the index."""
    found: list[str] = []
    for word in re.findall(r"[^\W_]+", q.lower()):
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


@dataclass(frozen=True)
class Hit:
    kind: str
    pk: int
    title: str
    title_html: str
    url: str
    excerpt_html: str = ""
    excerpt: str = ""
    context: str = ""


def _all_terms(fields: tuple[str, ...], words: list[str]) -> Q:
    """Every word in one of the fields (LIKE: the registers are small enough to scan)."""
    match = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        match &= any_field
    return match


def _sql(rows: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = rows.values("pk").query.sql_with_params()
    return sql, tuple(params)


def _live(prefix: str = "") -> dict[str, Any]:
    """The filter leaving out deleted actions (``plans.models.Live``), for queries that reach
    actions through a join, where the default manager does not apply."""
    if "deleted_at" not in {f.name for f in Action._meta.concrete_fields}:
        return {}
    return {f"{prefix}deleted_at__isnull": True}


def _live_sql(alias: str) -> str:
    return f" AND {alias}.deleted_at IS NULL" if _live() else ""


def _fulltext_ids(
    indexed: fts.Indexed, words: list[str], scope: str, visible: QuerySet[Any], cap: int
) -> list[int]:
    """The newest ids (at most COUNT_CAP + 1) of ``indexed`` rows matching every word, whose
    ``scope`` column (``t.`` the row, ``a.`` its action) is among ``visible``.

    SQLite: FTS5 gives the matches newest first and the rows are looked up by id (CROSS JOIN
    keeps that order of the loops): the search stops at the cap. Led by the rows the user may
    see instead, it would read every visible action for every search (65 ms for a user of
    400 plans, docs/benchmarks.md)."""
    try:
        visible_sql, visible_params = _sql(visible)
    except EmptyResultSet:  # nothing is visible (a signed-out user)
        return []
    join = "CROSS JOIN plans_action a ON a.id = t.action_id" if indexed is fts.UPDATES else ""
    # Deleted actions, and the updates of deleted actions, are found by nobody.
    live = {fts.ACTIONS: _live_sql("t"), fts.UPDATES: _live_sql("a")}.get(indexed, "")
    sql = (
        f"SELECT {indexed.fts}.rowid FROM {indexed.fts} "
        f"CROSS JOIN {indexed.table} t ON t.id = {indexed.fts}.rowid {join} "
        f"WHERE {indexed.fts} MATCH %s AND {scope} IN ({visible_sql}){live} "
        f"ORDER BY {indexed.fts}.rowid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (fts.sqlite_match(words), *visible_params, cap + 1))
        return [row[0] for row in cursor.fetchall()]


def _matching_ids(
    indexed: fts.Indexed,
    words: list[str],
    rows: QuerySet[Any],
    scope: str,
    visible: QuerySet[Any],
    cap: int,
) -> list[int]:
    """The newest ids of ``rows`` (already scoped to ``visible``) matching every word."""
    if connection.vendor == "sqlite":
        return _fulltext_ids(indexed, words, scope, visible, cap)
    if connection.vendor == "postgresql":
        # Written as the GIN index's expression (fts.vector), so the planner uses it.
        rows = rows.alias(document=fts.vector(indexed)).filter(document=fts.postgres_query(words))
    else:
        rows = rows.filter(_all_terms(indexed.columns, words))
    return _ids(rows.order_by("-pk"), cap)


def _ids(rows: QuerySet[Any], cap: int) -> list[int]:
    return list(rows.values_list("pk", flat=True)[: cap + 1])


def _in_order[M: Model](rows: QuerySet[M], ids: list[int]) -> list[M]:
    found = {row.pk: row for row in rows.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _owned_by_people_named(words: list[str]) -> QuerySet[ActionOwner]:
    """Owners who are a person whose name holds every word (owners named in the directory,
    not only in the owner cell as written)."""
    people = Person.objects.filter(_all_terms(("name",), words)).values("pk")[:OWNER_PEOPLE_MAX]
    return ActionOwner.objects.filter(person__in=people)


# --- The kinds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    # The ids of the matching rows the user may see, in the order shown (at most cap + 1).
    ids: Callable[[User, list[str], int], list[int]]
    # Those rows, in that order, with what their hits show.
    fetch: Callable[[list[int]], list[Any]]
    hit: Callable[[Any, list[str]], Hit]


def _plan_ids(user: User, words: list[str], cap: int) -> list[int]:
    fields = ("title", "summary", "reports_to")
    return _ids(
        plans_visible_to(user).filter(_all_terms(fields, words)).order_by("title", "pk"), cap
    )


def _plans(ids: list[int]) -> list[Plan]:
    return _in_order(Plan.objects.select_related("owner_organisation"), ids)


def _plan_hit(plan: Plan, words: list[str]) -> Hit:
    return Hit(
        "plans",
        plan.pk,
        plan.title,
        highlight(plan.title, words),
        reverse("plans:detail", args=[plan.pk]),
        excerpt_html=highlight(excerpt(plan.summary, words), words),
        excerpt=excerpt(plan.summary, words),
        context=f"{plan.get_kind_display()} · {plan.owner_organisation.name}",
    )


def _action_ids(user: User, words: list[str], cap: int) -> list[int]:
    visible = plans_visible_to(user)
    rows = Action.objects.filter(plan__in=visible)
    matched = _matching_ids(fts.ACTIONS, words, rows, "t.plan_id", visible, cap)
    owned = _owned_by_people_named(words).filter(action__plan__in=visible, **_live("action__"))
    owned_ids = owned.order_by("-action_id").values_list("action_id", flat=True)
    ids = set(matched) | set(owned_ids[: cap + 1])
    return sorted(ids, reverse=True)[: cap + 1]


def _actions(ids: list[int]) -> list[Action]:
    return _in_order(Action.objects.select_related("plan", "section"), ids)


def _action_hit(action: Action, words: list[str]) -> Hit:
    text = action.description or action.owner_text
    where = f" · {action.section.title}" if action.section is not None else ""
    title = f"{action.ref} {action.title}".strip()
    return Hit(
        "actions",
        action.pk,
        title,
        highlight(title, words),
        reverse("plans:action", args=[action.pk]),
        excerpt_html=highlight(excerpt(text, words), words),
        excerpt=excerpt(text, words),
        context=f"{action.plan.title}{where}"
        + (f" · Owner: {action.owner_text}" if action.owner_text else ""),
    )


def _update_ids(user: User, words: list[str], cap: int) -> list[int]:
    visible = plans_visible_to(user)
    rows = Update.objects.filter(action__plan__in=visible, **_live("action__"))
    return _matching_ids(fts.UPDATES, words, rows, "a.plan_id", visible, cap)


def _updates(ids: list[int]) -> list[Update]:
    return _in_order(Update.objects.select_related("action__plan"), ids)


def _update_hit(update: Update, words: list[str]) -> Hit:
    action = update.action
    title = f"Update on {action.ref} {action.title[:80]}".replace("  ", " ")
    when = update.date.strftime("%-d %b %Y") if update.date else "undated"
    text = excerpt(update.narrative, words)
    return Hit(
        "updates",
        update.pk,
        title,
        highlight(title, words),
        reverse("plans:action", args=[action.pk]) + f"#update-{update.pk}",
        excerpt_html=highlight(text, words),
        excerpt=text,
        context=f"{action.plan.title} · {when}"
        + (f" · {update.author_name}" if update.author_name else ""),
    )


def _people_ids(user: User, words: list[str], cap: int) -> list[int]:
    # The directory's own list searches these fields (directory.selectors.people_visible_to).
    fields = ("name", "post", "job_title", "staff_number")
    return _ids(people_visible_to(user).filter(_all_terms(fields, words)), cap)


def _people(ids: list[int]) -> list[Person]:
    return _in_order(Person.objects.select_related("organisation"), ids)


def _person_hit(person: Person, words: list[str]) -> Hit:
    post = person.post or person.job_title
    organisation = person.organisation.name if person.organisation else ""
    return Hit(
        "people",
        person.pk,
        person.display_name,
        highlight(person.display_name, words),
        reverse("directory:person", args=[person.pk]),
        excerpt_html=highlight(post, words),
        excerpt=post,
        context=organisation,
    )


def _organisation_ids(user: User, words: list[str], cap: int) -> list[int]:
    return _ids(
        organisations_visible_to(user).filter(_all_terms(("name", "short_name"), words)), cap
    )


def _organisations(ids: list[int]) -> list[Organisation]:
    return _in_order(Organisation.objects.select_related("parent"), ids)


def _organisation_hit(organisation: Organisation, words: list[str]) -> Hit:
    return Hit(
        "organisations",
        organisation.pk,
        organisation.name,
        highlight(organisation.name, words),
        reverse("directory:organisation", args=[organisation.pk]),
        excerpt_html=highlight(organisation.short_name, words),
        excerpt=organisation.short_name,
        context=organisation.parent.name if organisation.parent else "",
    )


def _decision_ids(user: User, words: list[str], cap: int) -> list[int]:
    rows = decisions_visible_to(user).filter(_all_terms(("text",), words))
    return _ids(rows.order_by("-decided_on", "-pk"), cap)


def _decisions(ids: list[int]) -> list[Decision]:
    return _in_order(Decision.objects.select_related("body"), ids)


def _decision_hit(decision: Decision, words: list[str]) -> Hit:
    if decision.meeting_id is not None:
        url = reverse("governance:meeting", args=[decision.meeting_id])
    else:
        url = reverse("governance:body", args=[decision.body_id])
    title = f"{decision.get_kind_display()} of {decision.body.name}"
    text = excerpt(decision.text, words)
    return Hit(
        "decisions",
        decision.pk,
        title,
        highlight(title, words),
        url,
        excerpt_html=highlight(text, words),
        excerpt=text,
        context=decision.decided_on.strftime("%-d %b %Y"),
    )


def _activity_ids(user: User, words: list[str], cap: int) -> list[int]:
    visible = registers_visible_to(user)
    rows = Activity.objects.filter(register__in=visible)
    return _matching_ids(fts.ACTIVITIES, words, rows, "t.register_id", visible, cap)


def _activities(ids: list[int]) -> list[Activity]:
    return _in_order(Activity.objects.select_related("register"), ids)


def _activity_hit(activity: Activity, words: list[str]) -> Hit:
    text = excerpt(activity.description, words)
    return Hit(
        "activities",
        activity.pk,
        activity.title,
        highlight(activity.title, words),
        reverse("engagement:activity", args=[activity.pk]),
        excerpt_html=highlight(text, words),
        excerpt=text,
        context=activity.register.title,
    )


def _framework_ids(user: User, words: list[str], cap: int) -> list[int]:
    rows = frameworks_visible_to(user).filter(_all_terms(("title", "description"), words))
    return _ids(rows.order_by("title", "-version_number", "pk"), cap)


def _frameworks(ids: list[int]) -> list[Framework]:
    return _in_order(Framework.objects.select_related("organisation"), ids)


def _framework_hit(framework: Framework, words: list[str]) -> Hit:
    text = excerpt(framework.description, words)
    return Hit(
        "frameworks",
        framework.pk,
        framework.title,
        highlight(framework.title, words),
        reverse("assessments:framework", args=[framework.pk]),
        excerpt_html=highlight(text, words),
        excerpt=text,
        context=f"Version {framework.version_number} · {framework.organisation.name}",
    )


def _return_ids(user: User, words: list[str], cap: int) -> list[int]:
    fields = ("organisation__name", "cycle__title", "cycle__framework__title")
    rows = Unit.objects.filter(cycle__in=cycles_visible_to(user)).filter(_all_terms(fields, words))
    return _ids(rows.order_by("-cycle__opens_on", "organisation__name", "pk"), cap)


def _returns(ids: list[int]) -> list[Unit]:
    return _in_order(Unit.objects.select_related("organisation", "cycle__framework"), ids)


def _return_hit(unit: Unit, words: list[str]) -> Hit:
    title = f"{unit.organisation.name}: {unit.cycle.title}"
    return Hit(
        "returns",
        unit.pk,
        title,
        highlight(title, words),
        reverse("assessments:unit", args=[unit.pk]),
        excerpt_html=highlight(unit.cycle.framework.title, words),
        excerpt=unit.cycle.framework.title,
        context=unit.get_status_display(),
    )


def _stakeholder_ids(user: User, words: list[str], cap: int) -> list[int]:
    # By the organisation's name only: contacts' details are for those who need to know.
    fields = ("organisation__name", "organisation__short_name")
    rows = Stakeholder.objects.filter(database__in=databases_visible_to(user))
    return _ids(rows.filter(_all_terms(fields, words)).order_by("organisation__name", "pk"), cap)


def _stakeholders(ids: list[int]) -> list[Stakeholder]:
    return _in_order(
        Stakeholder.objects.select_related("organisation", "database__organisation"), ids
    )


def _stakeholder_hit(stakeholder: Stakeholder, words: list[str]) -> Hit:
    name = stakeholder.organisation.name
    return Hit(
        "stakeholders",
        stakeholder.pk,
        name,
        highlight(name, words),
        reverse("stakeholders:stakeholder", args=[stakeholder.pk]),
        context=f"{stakeholder.get_category_display()} · {stakeholder.database}",
    )


KINDS = (
    Kind("plans", "Plans", _plan_ids, _plans, _plan_hit),
    Kind("actions", "Actions", _action_ids, _actions, _action_hit),
    Kind("updates", "Updates", _update_ids, _updates, _update_hit),
    Kind("decisions", "Decisions", _decision_ids, _decisions, _decision_hit),
    Kind("people", "People", _people_ids, _people, _person_hit),
    Kind("organisations", "Organisations", _organisation_ids, _organisations, _organisation_hit),
    Kind("activities", "Engagement activities", _activity_ids, _activities, _activity_hit),
    Kind("frameworks", "Frameworks", _framework_ids, _frameworks, _framework_hit),
    Kind("returns", "Assessment returns", _return_ids, _returns, _return_hit),
    Kind("stakeholders", "Stakeholders", _stakeholder_ids, _stakeholders, _stakeholder_hit),
)
KIND_KEYS = tuple(kind.key for kind in KINDS)
_BY_KEY = {kind.key: kind for kind in KINDS}


# --- Results ----------------------------------------------------------------------------------


@dataclass
class Group:
    kind: Kind
    count: int  # cap + 1 means "more than cap"
    hits: list[Hit]
    cap: int = COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def shown_count(self) -> int:
        return min(self.count, self.cap)


def _hits(kind: Kind, ids: list[int], words: list[str]) -> list[Hit]:
    return [kind.hit(row, words) for row in kind.fetch(ids)] if ids else []


def _group(
    kind: Kind, user: User, words: list[str], limit: int, offset: int = 0, cap: int = COUNT_CAP
) -> Group:
    ids = kind.ids(user, words, cap)
    return Group(kind, len(ids), _hits(kind, ids[offset : offset + limit][:cap], words), cap)


def search_everything(user: User, q: str, *, per_kind: int = PREVIEW_SIZE) -> list[Group]:
    """The first ``per_kind`` hits of every kind with their counts up to OVERVIEW_CAP, in KINDS
    order: two queries a kind (its ids, its rows), one when nothing matched."""
    words = terms(q)
    if not words:
        return []
    return [_group(kind, user, words, per_kind, cap=OVERVIEW_CAP) for kind in KINDS]


class ResultsPage(Page[Hit]):
    """A page of hits, with how many matched (COUNT_CAP + 1: more than COUNT_CAP)."""

    def __init__(self, hits: list[Hit], number: int, paginator: Paginator[Any], *, total: int):
        super().__init__(hits, number, paginator)
        self.total = total


def search_kind_page(user: User, q: str, kind: str, page: int | str | None) -> ResultsPage:
    """One page (PAGE_SIZE) of one kind's hits, of the first COUNT_CAP."""
    words = terms(q)
    found = _BY_KEY[kind]
    ids = found.ids(user, words, COUNT_CAP) if words else []
    paginator = Paginator(ids[:COUNT_CAP], PAGE_SIZE)
    result = paginator.get_page(page)
    hits = _hits(found, list(result.object_list), words)
    return ResultsPage(hits, result.number, paginator, total=len(ids))


def search_kind(user: User, q: str, kind: str, *, limit: int, offset: int) -> Group:
    words = terms(q)
    found = _BY_KEY[kind]
    if not words:
        return Group(found, 0, [])
    return _group(found, user, words, limit, offset, cap=COUNT_CAP)


def kind_label(key: str) -> str:
    return _BY_KEY[key].label
