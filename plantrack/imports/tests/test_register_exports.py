"""Exporting an engagement register and importing the file gives the same register (built
through the services, and seed 002's as imported); the export is formula-safe, follows the
register page's filters and is given to whoever reads the register."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.accounts.models import User
from plantrack.engagement import services
from plantrack.engagement.models import Activity, Method, Register
from plantrack.engagement.selectors import ActivityFilter, groups_for
from plantrack.engagement.tests.conftest import build_areas
from plantrack.imports.engagement import exports
from plantrack.imports.engagement.parsed import ParsedActivity, ParsedRegister
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.saving import import_parsed
from plantrack.imports.tests.test_engagement_tables import SEED_002, needs_seed_002

pytestmark = pytest.mark.django_db

# Alone in its row, "Barnet Borough: …" would be read as a group's name: it is captioned.
TITLE = "Barnet Borough: engagement register"
HYPERLINK = '=HYPERLINK("http://evil.example","click")'
FORMATS = ["xlsx", "csv"]


@pytest.fixture
def admin(db) -> User:
    return User.objects.create_superuser("admin", password="pw")


@pytest.fixture
def register(world, admin) -> Register:
    """Two groups and an activity in none; costs written, costs only as amounts, text a
    spreadsheet would take for a formula, a title with a colon, every status."""
    _, barnet, ward, _, _ = build_areas(admin, world.force)
    register = services.register_create(actor=world.manager, organisation=world.force, title=TITLE)
    boroughs = services.group_create(
        actor=world.manager, register=register, name="Individual Borough Based Initiatives"
    )
    youth = services.group_create(actor=world.manager, register=register, name="Youth Service")
    create = services.activity_create
    create(
        actor=world.manager,
        register=register,
        group=boroughs,
        title="Research and implement Deaf link scheme",
        owner_text="Diversity Officer & SN teams Barnet BOCU (SX)",
        cost_text="£250 0",
        cost_amount=Decimal(2500),
        cost_period="one-off",
        business_plan_link="Reduction in crime and fear of crime",
        communities_text="Deaf, Deafened and hard of hearing community",
        aim="To increase awareness of services available",
        method_text="Public Meeting Q&A Session with questionnaire",
        methods=[Method.objects.get(name="Public meeting")],
        level="consult",
        areas=[ward, barnet],
        status="running",
        start_text="April 2025",
        end_text="March 2026",
    )
    create(
        actor=world.manager,
        register=register,
        group=boroughs,
        title="Met Volunteer programme",
        cost_amount=Decimal(9000),
        cost_period="year",
        level="involve",
    )
    create(
        actor=world.manager,
        register=register,
        group=youth,
        title="Youth team: litter pick",
        status="cancelled",
    )
    create(
        actor=world.manager,
        register=register,
        group=youth,
        title="Schools talks",
        owner_text="Schools officers",
        cost_amount=Decimal("2500.50"),
        cost_period="one-off",
        level="inform",
        status="completed",
        end_text="Summer term 2025",
    )
    create(
        actor=world.manager,
        register=register,
        title=HYPERLINK,
        owner_text="+44 team",
        cost_text="Nil",
        cost_amount=Decimal(0),
        business_plan_link="'=already quoted",
        communities_text="-residents of the estate",
        aim="@mention the ward panel",
        method_text="Street briefings",
    )
    return register


def _parsed(data: bytes, fmt: str) -> ParsedRegister:
    (parsed,) = parse_bytes(f"register.{fmt}", data).engagement
    return parsed


def _expected(activity: Activity) -> dict:
    """What the reader should make of an exported activity."""
    amount = activity.cost_amount
    return {
        "group": activity.group.name if activity.group else None,
        "title": activity.title,
        "owner": activity.owner_text,
        "cost_text": exports.cost_cell(activity),
        "cost_gbp": amount,
        "cost_period": (activity.cost_period or None) if amount else None,
        "business_plan_link": activity.business_plan_link,
        "communities": activity.communities_text,
        "aim": activity.aim,
        "method": activity.method_text,
        "status": activity.status,
        "level": activity.level,
        "start": activity.start_text,
        "end": activity.end_text,
    }


def _read(activity: ParsedActivity) -> dict:
    return {name: getattr(activity, name) for name in _EXPECTED_NAMES}


_EXPECTED_NAMES = (
    "group",
    "title",
    "owner",
    "cost_text",
    "cost_gbp",
    "cost_period",
    "business_plan_link",
    "communities",
    "aim",
    "method",
    "status",
    "level",
    "start",
    "end",
)


def _in_export_order(register: Register) -> list[Activity]:
    activities = list(register.activities.select_related("group"))
    # Those without a group first, then the register's order (the model's).
    return sorted(activities, key=lambda a: a.group is not None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_gives_the_same_register(world, register, fmt):
    data = getattr(exports, f"to_{fmt}")(register)
    parsed = _parsed(data, fmt)
    assert parsed.title == TITLE
    assert parsed.groups == [g.name for g in groups_for(register)]
    assert [_read(a) for a in parsed.activities] == [
        _expected(a) for a in _in_export_order(register)
    ]
    by_title = {a.title: a for a in parsed.activities}
    # Costs given only as amounts are written so that they read back the same.
    assert (by_title["Met Volunteer programme"].cost_text, by_title["Schools talks"].cost_text) == (
        "£9,000 p.a.",
        "£2,500.50",
    )
    assert by_title[HYPERLINK].group is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_imported_copy_is_saved_as_the_same_register(world, register, admin, fmt):
    data = getattr(exports, f"to_{fmt}")(register)
    parsed = parse_bytes(f"register.{fmt}", data)
    (copy,) = import_parsed(
        actor=admin, parsed=parsed, owner_organisation=world.other_force
    ).registers

    def snapshot(r: Register) -> list[tuple]:
        return [
            (
                a.group.name if a.group else None,
                a.title,
                a.owner_text,
                a.cost_amount,
                a.cost_period,
                a.business_plan_link,
                a.communities_text,
                a.aim,
                a.method_text,
                a.status,
                a.level,
                a.start_text,
                a.start_earliest,
                a.end_text,
                a.end_latest,
            )
            for a in _in_export_order(r)
        ]

    assert copy.title == TITLE
    assert [g.name for g in groups_for(copy)] == [g.name for g in groups_for(register)]
    assert snapshot(copy) == snapshot(register)


def test_workbook_cells_are_text_never_formulas(register):
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(register))).active
    assert sheet["A1"].value == f"Table 1: {TITLE}"
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(isinstance(c.value, str) and c.data_type == "s" for c in cells)
    assert HYPERLINK in [c.value for c in cells]


def test_csv_guards_formula_like_cells(register):
    text = exports.to_csv(register).decode("utf-8-sig")
    assert "'+44 team" in text and "'-residents" in text and "'@mention" in text
    assert "''=already quoted" in text
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in text
    assert '"=HYPERLINK' not in text and ",=HYPERLINK" not in text


def test_a_completed_consultation_comes_back_running_with_a_warning(world, register):
    activity = register.activities.get(title="Met Volunteer programme")
    services.outcome_record(
        actor=world.manager, activity=activity, you_said="More patrols", we_did="Added two"
    )
    services.activity_update(actor=world.manager, activity=activity, status="completed")
    parsed = _parsed(exports.to_csv(register), "csv")
    copy = next(a for a in parsed.activities if a.title == "Met Volunteer programme")
    assert (copy.status, copy.level) == ("running", "involve")
    assert any("imported as running" in w for w in parsed.warnings)


def test_the_export_keeps_the_page_filters(client, world, register):
    client.force_login(world.manager)
    url = reverse("engagement:export_csv", args=[register.pk])
    response = client.get(url, {"status": "cancelled"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="Barnet-Borough-engagement-register.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert "1 of 5 activities (filtered)" in text
    parsed = _parsed(response.content, "csv")
    assert [a.title for a in parsed.activities] == ["Youth team: litter pick"]
    assert parsed.groups == ["Youth Service"]
    everything = _parsed(client.get(url).content, "csv")
    assert len(everything.activities) == 5
    flt = ActivityFilter(status="cancelled")
    assert exports.register_rows(register, flt)[1][1][1] == "1 of 5 activities (filtered)"


def test_the_register_page_links_to_its_exports_with_its_filters(client, world, register):
    client.force_login(world.manager)
    page = client.get(reverse("engagement:register", args=[register.pk]), {"status": "running"})
    body = page.content.decode()
    for name in ("export_xlsx", "export_csv"):
        assert f'{reverse(f"engagement:{name}", args=[register.pk])}?status=running"' in body


def test_exports_are_for_the_register_s_readers(client, world, register):
    for name in ("export_xlsx", "export_csv"):
        url = reverse(f"engagement:{name}", args=[register.pk])
        client.force_login(world.manager)
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405
        client.force_login(world.outsider)
        assert client.get(url).status_code == 404


# --- Seed 002: imported, saved, exported, imported again --------------------------------------

SEED_FIELDS = (
    "group",
    "title",
    "owner",
    "cost_text",
    "cost_gbp",
    "cost_period",
    "business_plan_link",
    "communities",
    "aim",
    "method",
)


@needs_seed_002
@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_002_register_round_trips(world, fmt):
    assert SEED_002 is not None
    first = parse_bytes(SEED_002.name, SEED_002.read_bytes(), is_text=True)
    saved = import_parsed(actor=world.manager, parsed=first, owner_organisation=world.force)
    (register,) = saved.registers
    again = _parsed(getattr(exports, f"to_{fmt}")(register), fmt)
    (original,) = first.engagement
    assert len(original.activities) == len(again.activities) == 18
    assert again.title == original.title
    assert again.groups == original.groups
    for before, after in zip(original.activities, again.activities, strict=True):
        for name in SEED_FIELDS:
            assert getattr(after, name) == getattr(before, name), (before.title, name)
        assert (after.status, after.level, after.start, after.end) == ("planned", "", "", "")


# --- Queries ------------------------------------------------------------------------------------


def _grow(register: Register, total: int) -> None:
    group = register.groups.first()
    area = Activity.areas.through.objects.filter(activity__register=register).first().area
    existing = register.activities.count()
    added = Activity.objects.bulk_create(
        Activity(
            register=register,
            group=group,
            title=f"Activity {n}",
            owner_text="SN team",
            cost_amount=Decimal(100),
            cost_period="year",
            level="consult",
            position=100 + n,
        )
        for n in range(total - existing)
    )
    Activity.areas.through.objects.bulk_create(
        Activity.areas.through(activity=a, area=area) for a in added
    )


@pytest.mark.parametrize("name", ["export_xlsx", "export_csv"])
def test_export_queries_do_not_grow_with_the_activities(client, world, register, name):
    client.force_login(world.manager)
    url = reverse(f"engagement:{name}", args=[register.pk])

    def count() -> int:
        client.get(url, {"status": "planned"})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"status": "planned"}).status_code == 200
        return len(ctx.captured_queries)

    _grow(register, 5)
    few = count()
    _grow(register, 100)
    assert count() == few


def test_a_group_name_as_long_as_a_group_s_can_be_reads_back(world, register):
    name = "Safer Neighbourhoods " + "and partners " * 12 + "across the borough"
    assert 150 < len(name) <= 200
    group = services.group_create(actor=world.manager, register=register, name=name)
    services.activity_create(actor=world.manager, register=register, group=group, title="Walk")
    parsed = _parsed(exports.to_xlsx(register), "xlsx")
    assert parsed.groups[-1] == name
    assert [a.title for a in parsed.activities if a.group == name] == ["Walk"]
