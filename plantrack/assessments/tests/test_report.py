"""The cycle's PDF report: read by whoever reads the cycle, 404 for others; each unit's score,
the heat map in words with "≠ data", the movement since the last cycle, the items; a fixed
number of queries whatever the number of units."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.assessments import cycles, services
from plantrack.assessments.report import _column_groups, report_html
from plantrack.assessments.tests.test_cycle_views import _units
from plantrack.core.tests.factories import make_org, make_user
from plantrack.directory.models import Membership

pytestmark = pytest.mark.django_db

COMMENT = "Our SPOC is PC Confidential Name"


def _answer_barnet(cw, levels=("in_place", "partly", "not_applicable")) -> None:
    """Barnet: the SPOC in place (the directory has none: the data disagrees), publicity
    partly in place, the custody item not applicable."""
    items = list(cw.cycle.framework.items.order_by("position"))
    for item, level in zip(items, levels, strict=True):
        cycles.answer_save(
            actor=cw.barnet_assessor,
            unit=cw.barnet,
            item=item,
            level=level,
            reason="No custody suite" if level == "not_applicable" else "",
            comment=COMMENT,
        )


def _text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_a_reader_downloads_the_report(client, world, cw):
    _answer_barnet(cw)
    client.force_login(cw.brent_assessor)  # another unit's assessor reads the cycle too
    r = client.get(reverse("assessments:cycle_report", args=[cw.cycle.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="202627-self-assessment-report.pdf"'
    assert r.content.startswith(b"%PDF")
    text = _text(r.content)
    assert "2026/27 self-assessment" in text and "Good practice check list" in text
    assert "Open: 1 Apr 2026 to 30 Jun 2026" in text
    assert "Barnet BOCU" in text and "Brent BOCU" in text
    # Barnet: the SPOC in place of the two items that apply; publicity is only partly.
    assert "1 of 2 50% Below the target" in text
    assert "≠ data" in text and "The data disagrees with 1 answer" in text
    assert "0 SPOCs" in text  # what the data says, beside the answer
    assert "Partly in place" in text and "Not answered" in text
    assert "Publicity material in front offices" in text  # the items' texts
    assert "No unit has an earlier cycle of this framework to compare with." in text
    assert COMMENT not in text and "No custody suite" not in text


@pytest.mark.parametrize("who", ["manager", "reviewer", "barnet_assessor"])
def test_every_reader_of_the_cycle_gets_it(client, world, cw, who):
    user = world.manager if who == "manager" else getattr(cw, who)
    client.force_login(user)
    r = client.get(reverse("assessments:cycle_report", args=[cw.cycle.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_an_outsider_gets_404_and_posting_is_refused(client, world, cw):
    url = reverse("assessments:cycle_report", args=[cw.cycle.pk])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.manager)
    assert client.post(url).status_code == 405


def test_the_cycle_page_links_to_the_report(client, world, cw):
    client.force_login(world.manager)
    html = client.get(reverse("assessments:cycle", args=[cw.cycle.pk])).content.decode()
    assert reverse("assessments:cycle_report", args=[cw.cycle.pk]) in html
    assert "Download the report (PDF)" in html


def test_the_report_compares_with_each_units_last_cycle(client, world, cw):
    earlier = cycles.cycle_create(
        actor=world.manager,
        framework=cw.cycle.framework,
        title="2025/26 self-assessment",
        opens_on=dt.date(2025, 4, 1),
        due_on=dt.date(2025, 6, 30),
        units=[cw.barnet.organisation, cw.brent.organisation],
    )
    unit = earlier.units.get(organisation=cw.barnet.organisation)
    cycles.unit_assessors_set(actor=world.manager, unit=unit, assessors=[cw.barnet_assessor])
    items = list(cw.cycle.framework.items.order_by("position"))
    for item, level in zip(items, ("planned", "embedded", "not_applicable"), strict=True):
        cycles.answer_save(
            actor=cw.barnet_assessor,
            unit=unit,
            item=item,
            level=level,
            reason="No custody suite" if level == "not_applicable" else "",
        )
    _answer_barnet(cw)
    html = report_html(cw.cycle, world.manager)
    assert "Movement of each unit's answers since its last cycle" in html
    # Barnet: the SPOC better (planned → in place), publicity worse (embedded → partly).
    assert '<th scope="row">Barnet BOCU</th><td class="num">1</td><td class="num">1</td>' in html


def test_the_heat_map_is_landscape_and_split_when_there_are_many_items(world):
    framework = services.framework_import(
        actor=world.manager,
        organisation=world.force,
        title="A long checklist",
        items=[services.ImportedItem(f"Practice {n}") for n in range(1, 26)],
    )
    services.framework_status_set(actor=world.manager, framework=framework, status="published")
    unit = make_org("Barnet BOCU", parent=world.force)
    cycle = cycles.cycle_create(
        actor=world.manager,
        framework=framework,
        title="Long",
        opens_on=dt.date(2026, 4, 1),
        due_on=dt.date(2026, 6, 30),
        units=[unit],
    )
    html = report_html(cycle, world.manager)
    assert "Heat map, items 1 to 9 of 25" in html and "Heat map, items 19 to 25 of 25" in html
    assert [len(group) for group in _column_groups(25)] == [9, 9, 7]
    assert [len(group) for group in _column_groups(12)] == [12]
    from plantrack.assessments.report import cycle_report_pdf

    with pdfplumber.open(io.BytesIO(cycle_report_pdf(cycle, world.manager))) as pdf:
        shapes = [(page.width > page.height, page.extract_text() or "") for page in pdf.pages]
    assert not shapes[0][0]  # the summary is portrait
    assert all(wide for wide, text in shapes if "Heat map" in text)


def test_the_report_reads_the_same_for_3_and_40_units(client, world, fw, monkeypatch):
    # The queries are what matter here, not WeasyPrint's time.
    monkeypatch.setattr("plantrack.assessments.report.write_pdf", lambda html: b"%PDF-1.7")
    counts = []
    for n in (3, 40):
        cycle = _units(world, fw, n)
        client.force_login(world.manager)
        url = reverse("assessments:cycle_report", args=[cycle.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_reviewer_of_another_cycle_reads_nothing(client, world, cw):
    stranger = make_user("stranger")
    Membership.objects.create(user=stranger, organisation=world.other_force)
    client.force_login(stranger)
    assert client.get(reverse("assessments:cycle_report", args=[cw.cycle.pk])).status_code == 404
