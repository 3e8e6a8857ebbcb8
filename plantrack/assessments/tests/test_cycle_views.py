"""The cycle's pages as each persona uses them: the keeper sends and closes, assessors answer
for their unit, the reviewer reviews; a fixed number of queries for 3 and for 40 units."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.assessments import cycles
from plantrack.assessments.models import Answer, Cycle, Unit
from plantrack.core.tests.factories import make_org, make_user
from plantrack.directory.models import Membership

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def _answer_url(unit, item) -> str:
    return reverse("assessments:item_answer", args=[unit.pk, item.pk])


def test_the_keeper_sends_the_framework_to_units(client, world, fw):
    units = [make_org(f"Borough {n}", parent=world.force) for n in range(3)]
    c = _as(client, world.manager)
    url = reverse("assessments:cycle_create", args=[fw.checklist.pk])
    form = c.get(url).content.decode()
    assert "Borough 0" in form and "Barnet Police" not in form.split("Units")[-1][:2000]
    r = c.post(
        url,
        {
            "title": "2026/27",
            "opens_on": "2026-04-01",
            "due_on": "2026-06-30",
            "units": [u.pk for u in units[:2]],
        },
    )
    cycle = Cycle.objects.get()
    assert r.status_code == 302 and cycle.units.count() == 2
    page = c.get(cycle.get_absolute_url()).content.decode()
    assert "Borough 0" in page and "Heat map" in page and "Not answered" in page
    r = c.post(url, {"title": "Bad", "opens_on": "2026-06-01", "due_on": "2026-04-01"})
    assert r.status_code == 200 and Cycle.objects.count() == 1


def test_an_assessor_answers_item_by_item_and_submits(client, world, cw):
    items = list(cw.cycle.framework.items.order_by("position"))
    c = _as(client, cw.barnet_assessor)
    url = reverse("assessments:unit", args=[cw.barnet.pk])
    page = c.get(url).content.decode()
    assert "0 of 3 items answered" in page and "1. Appointment of a SPOC" in page
    assert "Answer the next item not answered" in page
    form = c.get(_answer_url(cw.barnet, items[0])).content.decode()
    assert "item 1 of 3" in form and "Save and go to item 2" in form
    r = c.post(_answer_url(cw.barnet, items[0]), {"level": "in_place", "next": "1"})
    assert r.status_code == 302 and r["Location"] == _answer_url(cw.barnet, items[1])
    cw.barnet.refresh_from_db()
    assert cw.barnet.status == Unit.Status.DRAFT and cw.barnet.answers.count() == 1
    r = c.post(_answer_url(cw.barnet, items[1]), {"level": "partly", "save": "1"})
    assert r.status_code == 302 and r["Location"] == f"{url}#item-{items[1].pk}"
    r = c.post(url, {"submit": "1"}, follow=True)
    assert "Item 3 is not answered" in r.content.decode()
    cw.barnet.refresh_from_db()
    assert cw.barnet.status == Unit.Status.DRAFT  # nothing changed
    last = c.get(_answer_url(cw.barnet, items[2])).content.decode()
    assert "Save and go to item" not in last and "Save and go back to the return" in last
    data = {"level": "not_applicable", "reason": "No custody suite", "next": "1"}
    r = c.post(_answer_url(cw.barnet, items[2]), data)
    assert r["Location"] == f"{url}#item-{items[2].pk}"  # the last item goes back
    r = c.post(url, {"submit": "1"})
    assert r.status_code == 302
    cw.barnet.refresh_from_db()
    assert cw.barnet.status == Unit.Status.SUBMITTED
    assert "Submit for review" not in c.get(url).content.decode()
    assert "Save and go back" not in c.get(_answer_url(cw.barnet, items[0])).content.decode()
    r = c.post(_answer_url(cw.barnet, items[0]), {"level": "planned"})
    assert r.status_code == 200 and "submitted" in r.content.decode()
    assert cw.barnet.answers.get(item=items[0]).level == "in_place"


def test_saving_an_unchanged_answer_writes_nothing(client, world, cw):
    item = cw.cycle.framework.items.order_by("position").first()
    c = _as(client, cw.barnet_assessor)
    c.post(_answer_url(cw.barnet, item), {"level": "partly", "comment": " Slides drafted "})
    cw.cycle.refresh_from_db()
    version = cw.cycle.version
    r = c.post(_answer_url(cw.barnet, item), {"level": "partly", "comment": "Slides drafted"})
    assert r.status_code == 302
    cw.cycle.refresh_from_db()
    assert cw.cycle.version == version


def test_an_item_outside_the_return_is_not_found(client, world, cw, fw):
    c = _as(client, cw.barnet_assessor)
    other = fw.draft.items.get()  # an item of another framework
    assert c.get(_answer_url(cw.barnet, other)).status_code == 404
    missing = reverse("assessments:item_answer", args=[cw.barnet.pk, 999999])
    assert c.get(missing).status_code == 404


def test_not_applicable_needs_a_reason_on_the_form(client, world, cw):
    item = cw.cycle.framework.items.order_by("position").first()
    c = _as(client, cw.barnet_assessor)
    r = c.post(_answer_url(cw.barnet, item), {"level": "not_applicable", "reason": " "})
    assert r.status_code == 200 and "Say why it does not apply" in r.content.decode()
    r = c.post(_answer_url(cw.barnet, item), {"comment": "No level"})
    assert "Choose how far it is in place" in r.content.decode()
    assert not Answer.objects.exists()


def test_others_read_but_do_not_answer(client, world, cw):
    url = reverse("assessments:unit", args=[cw.barnet.pk])
    item = _answer_url(cw.barnet, cw.cycle.framework.items.order_by("position").first())
    for user in (cw.brent_assessor, cw.reviewer, world.manager):
        page = _as(client, user).get(url)
        assert page.status_code == 200 and "Submit for review" not in page.content.decode()
        assert "Save and go" not in _as(client, user).get(item).content.decode()
        assert _as(client, user).post(url, {"submit": "1"}).status_code == 403
        assert _as(client, user).post(item, {"level": "in_place"}).status_code == 403
    assert not Answer.objects.exists()
    assert _as(client, world.outsider).get(url).status_code == 404
    cycle_url = reverse("assessments:cycle", args=[cw.cycle.pk])
    assert _as(client, world.outsider).get(cycle_url).status_code == 404


def test_the_reviewer_challenges_the_unit_replies(client, world, cw):
    items = list(cw.cycle.framework.items.order_by("position"))
    for item in items:
        cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=item, level="in_place")
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    answer = cw.barnet.answers.get(item=items[0])
    c = _as(client, cw.reviewer)
    page = c.get(reverse("assessments:unit", args=[cw.barnet.pk])).content.decode()
    assert "Record the review" in page and "Finalise the return" in page
    review = reverse("assessments:answer_review", args=[answer.pk])
    r = c.post(review, {"decision": "challenge", "text": ""}, follow=True)
    assert "Say what is challenged" in r.content.decode()
    c.post(review, {"decision": "challenge", "text": "Who is the SPOC?"})
    cw.barnet.refresh_from_db()
    assert cw.barnet.status == Unit.Status.CHALLENGED
    c = _as(client, cw.barnet_assessor)
    page = c.get(reverse("assessments:unit", args=[cw.barnet.pk])).content.decode()
    assert "Challenged:" in page and "Who is the SPOC?" in page
    item_page = c.get(_answer_url(cw.barnet, items[0])).content.decode()
    assert "Reply to the challenge" in item_page and "Who is the SPOC?" in item_page
    reply = reverse("assessments:answer_reply", args=[answer.pk])
    assert c.post(reply, {"text": "PC Jones, since May"}).status_code == 302
    answer.refresh_from_db()
    assert answer.review == Answer.Review.REPLIED
    assert _as(client, cw.brent_assessor).post(reply, {"text": "x"}).status_code == 403


def test_closing_freezes_the_cycle(client, world, cw):
    c = _as(client, world.manager)
    r = c.post(reverse("assessments:cycle_close", args=[cw.cycle.pk]))
    assert r.status_code == 302
    cw.cycle.refresh_from_db()
    assert cw.cycle.status == Cycle.Status.CLOSED
    c = _as(client, cw.barnet_assessor)
    page = c.get(reverse("assessments:unit", args=[cw.barnet.pk])).content.decode()
    assert "Submit for review" not in page and "frozen" in page
    item = cw.cycle.framework.items.order_by("position").first()
    assert "Save and go" not in c.get(_answer_url(cw.barnet, item)).content.decode()
    r = c.post(_answer_url(cw.barnet, item), {"level": "planned"})
    assert r.status_code == 200 and not Answer.objects.exists()
    r = _as(client, cw.reviewer).post(reverse("assessments:cycle_close", args=[cw.cycle.pk]))
    assert r.status_code == 302  # refused with a message, nothing changed


def test_assessors_are_chosen_from_the_units_members(client, world, cw):
    c = _as(client, world.manager)
    url = reverse("assessments:unit_assessors", args=[cw.barnet.pk])
    page = c.get(url).content.decode()
    assert "Bea Spoc" in page and "brent-spoc" not in page
    assert c.post(url, {"assessors": []}).status_code == 302
    assert not cw.barnet.assessors.exists()
    assert _as(client, cw.brent_assessor).get(url).status_code == 403


def _units(world, fw, n: int) -> Cycle:
    import datetime as dt

    organisations = [make_org(f"Unit {i}", parent=world.force) for i in range(n)]
    cycle = cycles.cycle_create(
        actor=world.manager,
        framework=fw.checklist,
        title=f"{n} units",
        opens_on=dt.date(2026, 4, 1),
        due_on=dt.date(2026, 6, 1),
        units=organisations,
    )
    for unit in cycle.units.all():
        assessor = make_user()
        Membership.objects.create(user=assessor, organisation=unit.organisation)
        cycles.unit_assessors_set(actor=world.manager, unit=unit, assessors=[assessor])
        for item in fw.checklist.items.all():
            cycles.answer_save(actor=assessor, unit=unit, item=item, level="partly")
    return cycle


@pytest.mark.parametrize("page", ["cycle", "unit"])
def test_the_same_number_of_queries_for_3_and_40_units(client, world, fw, page):
    counts = []
    for n in (3, 40):
        cycle = _units(world, fw, n)
        url = (
            reverse("assessments:cycle", args=[cycle.pk])
            if page == "cycle"
            else reverse("assessments:unit", args=[cycle.units.first().pk])
        )
        c = _as(client, world.manager)
        c.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_gap_becomes_an_action_from_the_return(client, world, cw):
    from plantrack.core.tests.factories import make_person

    spoc = make_person(cw.barnet_assessor, name="Bea Spoc", organisation=cw.barnet.organisation)
    items = list(cw.cycle.framework.items.order_by("position"))
    for item, level in zip(items, ("in_place", "partly", "planned"), strict=True):
        cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=item, level=level)
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    c = _as(client, cw.barnet_assessor)
    page = c.get(reverse("assessments:unit", args=[cw.barnet.pk])).content.decode()
    assert page.count("Turn this gap into an action") == 2
    partly = cw.barnet.answers.get(item=items[1])
    url = reverse("assessments:gap_action", args=[partly.pk])
    form = c.get(url)
    assert form.status_code == 200 and form.context["form"]["owner"].value() == spoc.pk
    r = c.post(url, {"owner": spoc.pk, "due_text": "By Mar 27", "help_offered": "Slides"})
    assert r.status_code == 302
    partly.refresh_from_db()
    page = c.get(reverse("assessments:unit", args=[cw.barnet.pk])).content.decode()
    assert reverse("plans:action", args=[partly.action_id]) in page
    assert page.count("Turn this gap") == 1
    assert _as(client, cw.brent_assessor).get(url).status_code == 403


def test_the_heat_map_downloads_as_a_workbook(client, world, cw):
    import io

    import openpyxl

    items = list(cw.cycle.framework.items.order_by("position"))
    for item, level in zip(items, ("in_place", "partly", "not_applicable"), strict=True):
        cycles.answer_save(
            actor=cw.barnet_assessor,
            unit=cw.barnet,
            item=item,
            level=level,
            reason="No custody suite" if level == "not_applicable" else "",
            comment="=HYPERLINK('http://evil')" if level == "partly" else "",
        )
    r = _as(client, cw.brent_assessor).get(reverse("assessments:cycle_export", args=[cw.cycle.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].endswith('-heat-map.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    heat = book["Heat map"]
    rows = {row[0]: row for row in heat.iter_rows(values_only=True) if row[0]}
    # Column 8: the data disagrees with "In place" for the SPOC (nobody in the directory).
    assert rows["Barnet BOCU"][7] == 1
    assert rows["Barnet BOCU"][2] == 50 and rows["Barnet BOCU"][8:11] == (
        "In place",
        "Partly in place",
        "Not applicable",
    )
    assert heat.cell(row=4, column=9).fill.fgColor.rgb.endswith("CCE2D8")
    answers = list(book["Answers"].iter_rows(values_only=True))
    assert answers[2][5] == "=HYPERLINK('http://evil')"  # kept as text
    assert book["Answers"].cell(row=3, column=6).data_type == "s"
    assert (
        _as(client, world.outsider)
        .get(reverse("assessments:cycle_export", args=[cw.cycle.pk]))
        .status_code
        == 404
    )


def test_the_heat_map_filters_by_kind_of_unit_and_area(client, world, cw):
    from plantrack.directory import services as directory
    from plantrack.directory.models import Organisation

    Organisation.objects.filter(pk=cw.brent.organisation_id).update(kind="council")
    admin = make_user("site-admin", is_superuser=True)
    force_area = directory.area_create(
        actor=admin, name="Force area", level="force", organisation=world.force
    )
    barnet_area = directory.area_create(
        actor=admin, name="Barnet", level="borough", code="SX", parent=force_area
    )
    Unit.objects.filter(pk=cw.barnet.pk).update(area=barnet_area)
    c = _as(client, world.manager)
    url = reverse("assessments:cycle", args=[cw.cycle.pk])

    def rows(**query) -> str:
        html = c.get(url, query).content.decode()
        return html[html.index('class="govuk-table app-table--compact app-heat-map"') :]

    assert "Barnet BOCU" in rows() and "Brent BOCU" in rows()
    council = rows(kind="council")
    assert "Brent BOCU" in council and "Barnet BOCU" not in council
    inside = rows(area=force_area.pk)
    assert "Barnet BOCU" in inside and "Brent BOCU" not in inside
    assert "Brent BOCU" in rows(kind="nonsense")  # an unknown choice shows every unit


def test_another_borough_reads_that_a_gap_is_an_action_but_not_the_action(client, world, cw):
    items = list(cw.cycle.framework.items.order_by("position"))
    for item, level in zip(items, ("in_place", "partly", "planned"), strict=True):
        cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=item, level=level)
    partly = cw.barnet.answers.get(item=items[1])
    action = cycles.gap_to_action(actor=cw.barnet_assessor, answer=partly)
    url = reverse("assessments:unit", args=[cw.barnet.pk])
    link = reverse("plans:action", args=[action.pk])
    own = _as(client, cw.barnet_assessor).get(url).content.decode()
    assert link in own and action.ref in own
    other = _as(client, cw.brent_assessor).get(url).content.decode()
    assert link not in other and action.ref not in other
    assert "An action of the unit's improvement plan" in other


@pytest.mark.parametrize("page", ["return", "item"])
def test_the_return_page_reads_the_same_for_3_and_20_items(client, world, page):
    import datetime as dt

    from plantrack.assessments import services

    counts = []
    for n in (3, 20):
        framework = services.framework_import(
            actor=world.manager,
            organisation=world.force,
            title=f"Checklist of {n}",
            items=[services.ImportedItem(f"Practice {i} appointment of a SPOC") for i in range(n)],
        )
        services.framework_status_set(actor=world.manager, framework=framework, status="published")
        unit_org = make_org(f"Unit for {n}", parent=world.force)
        cycle = cycles.cycle_create(
            actor=world.manager,
            framework=framework,
            title=f"{n} items",
            opens_on=dt.date(2026, 4, 1),
            due_on=dt.date(2026, 6, 1),
            units=[unit_org],
        )
        unit = cycle.units.get()
        assessor = make_user()
        Membership.objects.create(user=assessor, organisation=unit_org)
        cycles.unit_assessors_set(actor=world.manager, unit=unit, assessors=[assessor])
        for item in framework.items.all():
            cycles.answer_save(actor=assessor, unit=unit, item=item, level="partly")
        c = _as(client, assessor)
        url = reverse("assessments:unit", args=[unit.pk])
        if page == "item":
            url = _answer_url(unit, framework.items.order_by("position")[1])
        c.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_heat_map_marks_where_the_data_disagrees_and_links_each_answer(client, world, cw):
    """Barnet says its SPOC is in place, but the directory has nobody marked as one: the cell
    says so in words, the unit's row counts it; every cell links to its answer."""
    items = list(cw.cycle.framework.items.order_by("position"))
    for item, level in zip(items, ("in_place", "partly", "planned"), strict=True):
        cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=item, level=level)
    page = _as(client, world.manager).get(reverse("assessments:cycle", args=[cw.cycle.pk]))
    html = page.content.decode()
    assert html.count('data<span class="govuk-visually-hidden"> disagrees</span>') == 1
    assert "<strong>1</strong> disagrees with the data" in html
    assert "The data disagrees with 1 answer, marked" in html
    for item in items:
        assert f'href="{_answer_url(cw.barnet, item)}"' in html
    answer_page = _as(client, world.manager).get(_answer_url(cw.barnet, items[0])).content.decode()
    assert "In place" in answer_page and "Disagrees with the answer" in answer_page
    api = _as(client, world.manager).get(f"/api/v1/assessments/cycles/{cw.cycle.pk}/heat-map")
    rows = {row["organisation"]: row for row in api.json()["rows"]}
    assert rows["Barnet BOCU"]["disagrees"] == [items[0].pk]
    assert rows["Brent BOCU"]["disagrees"] == []
