"""The portfolio: every plan a user can see by organisation, body or theme, its numbers, the
filtered list each number links to, its downloads, and its query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.core.tests.factories import make_action, make_org, make_plan, make_user
from plantrack.governance import services as governance
from plantrack.governance.models import Body
from plantrack.plans import services as plan_services
from plantrack.plans.models import Action, Plan
from plantrack.plans.selectors import ActionFilters, today, update_due_q
from plantrack.reports.selectors import (
    PortfolioFilters,
    portfolio,
    portfolio_actions,
    quarter_ends,
)

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 22)
# The six quarter ends before ON: 30/6/25, 30/9/25, 31/12/25, 31/3/26, 30/6/26, 30/9/26.


@dataclass
class Portfolio:
    world: object
    admin: object
    streets: Plan
    d1: Action
    d2: Action
    i1: Action
    n1: Action


def _post(actor, action, day, rag):
    plan_services.update_post(
        actor=actor, action=action, narrative=f"{rag} on {day}", rag=rag, date=day
    )


@pytest.fixture
def pf(world) -> Portfolio:
    """The world's restricted Youth Strategy (Barnet Police), and a public Safer Streets
    (Other Force) with a Diversion section, an " intelligence" section (the same theme as the
    Youth Strategy's Intelligence) and an action in no section."""
    admin = make_user("admin", is_superuser=True)
    streets = make_plan(
        admin, world.other_force, title="Safer Streets", visibility=Plan.Visibility.PUBLIC
    )
    diversion = plan_services.section_create(actor=admin, plan=streets, title="Diversion")
    intel = plan_services.section_create(actor=admin, plan=streets, title=" intelligence")
    d1 = make_action(streets, admin, section=diversion, ref="D1", title="Divert one")
    d2 = make_action(
        streets, admin, section=diversion, ref="D2", title="Divert two", due_text="May 2004"
    )
    i1 = make_action(streets, admin, section=intel, ref="I1", title="Intel one")
    n1 = make_action(streets, admin, ref="N1", title="Loose one")
    _post(world.manager, world.action, dt.date(2025, 11, 1), "red")
    _post(world.manager, world.action, dt.date(2026, 5, 1), "amber")
    _post(world.manager, world.action, dt.date(2026, 10, 1), "green")
    _post(world.manager, world.other_action, dt.date(2026, 2, 1), "blue")
    _post(admin, d1, dt.date(2026, 8, 1), "red")
    _post(admin, i1, dt.date(2025, 5, 1), "amber")
    return Portfolio(world, admin, streets, d1, d2, i1, n1)


def _mix(group) -> dict[str, int]:
    return {rag: n for rag, _, n in group.mix}


def _trend(group) -> list[dict[str, int]]:
    return [{rag: n for rag, n in q.items() if n} for q in group.trend]


def test_six_quarter_ends():
    assert [end for _, end in quarter_ends(ON, 6)] == [
        dt.date(2025, 6, 30),
        dt.date(2025, 9, 30),
        dt.date(2025, 12, 31),
        dt.date(2026, 3, 31),
        dt.date(2026, 6, 30),
        dt.date(2026, 9, 30),
    ]


def test_by_organisation_counts_mix_and_trend(pf):
    world = pf.world
    data = portfolio(world.manager, "organisation", on=ON)
    groups = {g.label: g for g in data.groups}
    assert list(groups) == ["Barnet Police", "Other Force"]
    barnet, other = groups["Barnet Police"], groups["Other Force"]
    assert barnet.key == str(world.force.pk)
    assert (barnet.plan_count, barnet.counts["action_count"]) == (1, 2)
    assert _mix(barnet) == {"red": 0, "amber": 0, "green": 1, "blue": 1, "none": 0}
    assert barnet.counts["overdue_count"] == 1  # "March 2004"
    assert (other.plan_count, other.counts["action_count"]) == (1, 4)
    assert _mix(other) == {"red": 1, "amber": 1, "green": 0, "blue": 0, "none": 2}
    assert other.counts["overdue_count"] == 1  # D2, "May 2004"
    # Update due is the plans' own definition, not a new one.
    due = Action.objects.filter(update_due_q(today()))
    assert barnet.counts["update_due_count"] == due.filter(plan=world.plan).count()
    assert other.counts["update_due_count"] == due.filter(plan=pf.streets).count()
    # RAG at each quarter end, from the dated updates (hand-computed).
    assert _trend(barnet) == [
        {},
        {},
        {"red": 1},
        {"red": 1, "blue": 1},
        {"amber": 1, "blue": 1},
        {"amber": 1, "blue": 1},
    ]
    assert _trend(other) == [{"amber": 1}] * 5 + [{"amber": 1, "red": 1}]
    assert data.total.counts["action_count"] == 6 and data.total.plan_count == 2
    assert _trend(data.total)[-1] == {"amber": 2, "red": 1, "blue": 1}


def test_a_later_update_on_the_same_day_decides_the_quarter(pf):
    world = pf.world
    _post(pf.admin, pf.n1, dt.date(2026, 9, 30), "red")
    _post(pf.admin, pf.n1, dt.date(2026, 9, 30), "green")
    other = next(g for g in portfolio(world.manager, on=ON).groups if g.label == "Other Force")
    assert _trend(other)[-1] == {"amber": 1, "red": 1, "green": 1}


def test_by_theme_joins_section_titles_across_plans(pf):
    data = portfolio(pf.world.manager, "theme", on=ON)
    groups = {g.key: g for g in data.groups}
    assert list(groups) == ["diversion", "intelligence", ""]
    intel = groups["intelligence"]
    assert intel.label.lower() == "intelligence"
    assert (intel.plan_count, intel.counts["action_count"]) == (2, 3)
    assert _mix(intel) == {"red": 0, "amber": 1, "green": 1, "blue": 1, "none": 0}
    assert (
        groups["diversion"].counts["action_count"],
        groups["diversion"].counts["red_count"],
    ) == (
        2,
        1,
    )
    assert groups[""].label == "No section" and groups[""].counts["unrated_count"] == 1


def test_by_body_follows_oversight_of_plans_and_sections(pf):
    world = pf.world
    admin = pf.admin
    youth = governance.body_create(actor=admin, name="Youth Board")
    streets = governance.body_create(actor=admin, name="Streets Group")
    governance.oversight_set(actor=world.manager, body=youth, plan=world.plan)
    diversion = pf.d1.section
    governance.oversight_set(actor=admin, body=streets, plan=pf.streets, section=diversion)
    # Overseeing a plan and one of its sections counts each action once.
    governance.oversight_set(actor=admin, body=youth, plan=world.plan, section=world.section)
    governance.oversight_set(actor=admin, body=youth, plan=pf.streets, section=diversion)
    data = portfolio(world.manager, "body", on=ON)
    groups = {g.label: g for g in data.groups}
    assert list(groups) == ["Streets Group", "Youth Board", "No governance body"]
    assert groups["Youth Board"].counts["action_count"] == 4
    assert groups["Youth Board"].plan_count == 2
    assert groups["Streets Group"].counts["action_count"] == 2
    assert groups["No governance body"].counts["action_count"] == 2  # I1 and N1
    assert groups["No governance body"].key == ""
    # The outsider cannot see the Youth Strategy: the Youth Board shows only Safer Streets.
    outsider = {g.label: g for g in portfolio(world.outsider, "body", on=ON).groups}
    assert outsider["Youth Board"].counts["action_count"] == 2
    assert outsider["Youth Board"].plan_count == 1


def test_outsider_never_counts_the_restricted_plan(pf):
    data = portfolio(pf.world.outsider, "organisation", on=ON)
    assert [g.label for g in data.groups] == ["Other Force"]
    assert data.total.counts["action_count"] == 4 and data.total.plan_count == 1
    theme = {g.key: g for g in portfolio(pf.world.outsider, "theme", on=ON).groups}
    assert theme["intelligence"].counts["action_count"] == 1


def _refs(user, **kwargs) -> list[str]:
    actions = kwargs.pop("actions", ActionFilters())
    return sorted(
        a.ref for a in portfolio_actions(user, PortfolioFilters(actions=actions, **kwargs))
    )


def test_the_filtered_list_matches_each_number(pf):
    world = pf.world
    manager, org = world.manager, world.other_force.pk
    assert _refs(manager, organisation=org) == ["D1", "D2", "I1", "N1"]
    assert _refs(manager, organisation=org, actions=ActionFilters(overdue=True)) == ["D2"]
    none = ActionFilters(rag=["none"])
    assert _refs(manager, organisation=org, actions=none, open_only=True) == ["D2", "N1"]
    assert _refs(manager, theme="intelligence") == ["I1", "YC/INT/1", "YC/INT/2"]
    assert _refs(manager, no_section=True) == ["N1"]
    # RAG as at a quarter end, not now: at 30 June 2026 the Youth Strategy's action was amber.
    amber = ActionFilters(rag=["amber"])
    assert _refs(manager, actions=amber, asof=dt.date(2026, 6, 30)) == ["I1", "YC/INT/1"]
    assert _refs(manager, actions=amber) == ["I1"]
    assert _refs(world.outsider, actions=amber, asof=dt.date(2026, 6, 30)) == ["I1"]
    assert _refs(world.outsider, organisation=world.force.pk) == []


def test_the_filtered_list_by_body(pf):
    world = pf.world
    body = governance.body_create(actor=pf.admin, name="Streets Group")
    governance.oversight_set(actor=pf.admin, body=body, plan=pf.streets, section=pf.d1.section)
    assert _refs(world.manager, body=str(body.pk)) == ["D1", "D2"]
    assert _refs(world.manager, body="none") == ["I1", "N1", "YC/INT/1", "YC/INT/2"]
    assert _refs(world.outsider, body="none") == ["I1", "N1"]


# --- Pages ----------------------------------------------------------------------------------


def test_portfolio_page_for_each_grouping(client, pf):
    client.force_login(pf.world.manager)
    for by, label in (
        ("organisation", "Barnet Police"),
        ("body", "No governance body"),
        ("theme", "Diversion"),
    ):
        response = client.get(reverse("reports:portfolio"), {"by": by})
        assert response.status_code == 200
        assert label in response.content.decode()
    body = client.get(reverse("reports:portfolio")).content.decode()
    org = pf.world.force.pk
    assert f"/reports/portfolio/actions/?org={org}&amp;overdue=1" in body
    assert f"/reports/portfolio/actions/?org={org}&amp;rag=green&amp;open=1" in body
    assert "asof=2026" in body or "asof=2025" in body


def test_outsider_portfolio_page_hides_the_restricted_plan(client, pf):
    client.force_login(pf.world.outsider)
    for by in ("organisation", "body", "theme"):
        body = client.get(reverse("reports:portfolio"), {"by": by}).content.decode()
        assert "Barnet Police" not in body and "Youth Strategy" not in body
    listing = client.get(reverse("reports:portfolio_actions")).content.decode()
    assert "Divert one" in listing and "Create a policy" not in listing
    for fmt in ("csv", "xlsx"):
        data = client.get(reverse("reports:portfolio_export", args=[fmt])).content
        assert b"Youth Strategy" not in data


def test_a_bad_grouping_says_so_and_shows_by_organisation(client, pf):
    client.force_login(pf.world.manager)
    response = client.get(reverse("reports:portfolio"), {"by": "colour"})
    assert response.status_code == 200
    assert "Group by must be organisation, governance body or theme." in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"org": "abc"}, "Organisation: Enter a whole number."),
        ({"body": "x1"}, "Governance body: Governance body must be"),
        ({"asof": "31/31/2026"}, "RAG as at: Enter a valid date."),
    ],
)
def test_bad_filters_give_one_line_and_no_list(client, pf, query, message):
    client.force_login(pf.world.manager)
    response = client.get(reverse("reports:portfolio_actions"), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Divert one" not in response.content.decode()
    export = client.get(reverse("reports:portfolio_export", args=["csv"]), query)
    assert export.status_code == 400 and export.content.decode().startswith(message)


def test_the_list_and_its_downloads(client, pf):
    world = pf.world
    client.force_login(world.manager)
    query = {"org": world.other_force.pk, "rag": "none", "open": "1"}
    page = client.get(reverse("reports:portfolio_actions"), query).content.decode()
    assert "Divert two" in page and "Loose one" in page and "Divert one" not in page
    assert "Organisation: Other Force" in page and "Open actions only" in page
    response = client.get(reverse("reports:portfolio_export", args=["csv"]), query)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="portfolio-actions.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Ref", "Action", "Plan"]
    assert sorted(r[0] for r in rows[1:]) == ["D2", "N1"]
    d2 = next(r for r in rows if r[0] == "D2")
    assert d2[2] == "Safer Streets" and d2[3] == "Diversion" and d2[8] == "Yes"
    response = client.get(reverse("reports:portfolio_export", args=["xlsx"]), query)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0].startswith("Portfolio actions – Organisation: Other Force")
    assert sorted(v[0] for v in values[2:]) == ["D2", "N1"]
    assert client.get(reverse("reports:portfolio_export", args=["pdf"])).status_code == 404


def test_a_formula_in_a_title_is_text_in_the_downloads(client, pf):
    world = pf.world
    plan_services.action_update(actor=pf.admin, action=pf.n1, title="=HYPERLINK(1)")
    client.force_login(world.manager)
    body = client.get(reverse("reports:portfolio_export", args=["csv"]), {"nosection": "1"})
    assert "'=HYPERLINK(1)" in body.content.decode("utf-8-sig")
    book = client.get(reverse("reports:portfolio_export", args=["xlsx"]), {"nosection": "1"})
    cell = load_workbook(io.BytesIO(book.content)).active["B3"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_wrong_method(client, pf):
    client.force_login(pf.world.manager)
    for url in (
        reverse("reports:portfolio"),
        reverse("reports:portfolio_actions"),
        reverse("reports:portfolio_export", args=["csv"]),
    ):
        assert client.post(url).status_code == 405


def test_viewer_sees_the_restricted_plan_in_their_portfolio(client, pf):
    client.force_login(pf.world.viewer)
    body = client.get(reverse("reports:portfolio")).content.decode()
    assert "Barnet Police" in body


# --- Query counts ---------------------------------------------------------------------------


def _plans(admin, count: int) -> None:
    """``count`` public plans in all, each with a section under a board, three actions and
    dated updates."""
    body = Body.objects.filter(name="Counting Board").first()
    body = body or governance.body_create(actor=admin, name="Counting Board")
    force = make_org()
    for n in range(count - Plan.objects.count()):
        plan = make_plan(admin, force, title=f"Extra {n}", visibility=Plan.Visibility.PUBLIC)
        section = plan_services.section_create(actor=admin, plan=plan, title=f"Theme {n % 3}")
        for i in range(3):
            action = make_action(plan, admin, section=section, ref=f"E{n}/{i}")
            _post(admin, action, dt.date(2026, 1, 1 + i), ["red", "amber", "green"][i])
        governance.oversight_set(actor=admin, body=body, plan=plan, section=section)


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name, args, params",
    [
        ("reports:portfolio", [], {"by": "organisation"}),
        ("reports:portfolio", [], {"by": "body"}),
        ("reports:portfolio", [], {"by": "theme"}),
        ("reports:portfolio_actions", [], {}),
        ("reports:portfolio_actions", [], {"rag": "red", "asof": "2026-03-31"}),
        ("reports:portfolio_actions", [], {"body": "none"}),
        ("reports:portfolio_export", ["csv"], {}),
        ("reports:portfolio_export", ["xlsx"], {"theme": "theme 0"}),
    ],
)
def test_query_counts_do_not_grow_with_plans(client, world, name, args, params):
    client.force_login(world.manager)
    url = reverse(name, args=args)
    admin = make_user(is_superuser=True)
    _plans(admin, 2)
    few = _count(client, url, params)
    _plans(admin, 20)
    assert Plan.objects.count() == 20
    assert _count(client, url, params) == few


def test_cached_portfolio_shows_updates_and_access_changes(client, pf, real_cache):
    world = pf.world
    client.force_login(world.outsider)
    url = reverse("reports:portfolio")
    assert "Barnet Police" not in client.get(url).content.decode()
    client.force_login(world.manager)
    before = client.get(url).content.decode()
    assert "Barnet Police" in before
    assert '1<span class="govuk-visually-hidden"> red actions, Other Force' in before
    _post(pf.admin, pf.n1, today(), "red")
    after = client.get(url).content.decode()
    assert '2<span class="govuk-visually-hidden"> red actions, Other Force' in after
    # The outsider shares no entry with the manager: another set of visible plans.
    client.force_login(world.outsider)
    assert "Barnet Police" not in client.get(url).content.decode()
