from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plantrack.budgets import services
from plantrack.budgets.models import BudgetLine, Funding, Spend
from plantrack.budgets.tests.helpers import make_line
from plantrack.core.tests.factories import make_org
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db
D = Decimal
SEED = Path(__file__).resolve().parents[2] / "demo" / "seeds" / "004_9c707c14883fcd10.txt"


def _client(client, user):
    client.force_login(user)
    return client


def test_budget_page_shows_lines_totals_flags_and_history(client, world):
    line = make_line(world, assumption="Half a post")
    services.spend_record(actor=world.manager, line=line, amount=D("30000"), financial_year=2014)
    body = _client(client, world.viewer).get(reverse("budgets:plan", args=[world.plan.pk]))
    assert body.status_code == 200
    html = body.content.decode()
    assert "Coordinator" in html and "£11,250" in html and "2014/15" in html
    assert "Half a post" in html
    assert "Over budget" in html and "spent £30,000" in html
    assert "spend of £30,000 in 2014/15 is over the budget of £22,500" in html
    assert "−£7,500" in html  # the 2014/15 variance
    assert "History of budget changes" in html and "Budget line “Coordinator”" in html
    assert "Add a budget line" not in html  # read-only


def test_budget_page_manager_sees_forms_links(client, world):
    html = _client(client, world.manager).get(reverse("budgets:plan", args=[world.plan.pk]))
    assert "Add a budget line" in html.content.decode()


@pytest.mark.parametrize(
    "name", ["budgets:plan", "budgets:line_create", "budgets:import", "budgets:export"]
)
def test_outsider_gets_404(client, world, name):
    response = _client(client, world.outsider).get(reverse(name, args=[world.plan.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["budgets:line_create", "budgets:spend_create", "budgets:funding_create", "budgets:import"],
)
def test_read_only_user_gets_403(client, world, name):
    url = reverse(name, args=[world.plan.pk])
    assert _client(client, world.viewer).get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    assert _client(client, world.owner).get(url).status_code == 403


def test_wrong_method(client, world):
    c = _client(client, world.manager)
    assert c.post(reverse("budgets:plan", args=[world.plan.pk])).status_code == 405
    assert c.post(reverse("budgets:export", args=[world.plan.pk])).status_code == 405
    assert c.put(reverse("budgets:line_create", args=[world.plan.pk])).status_code == 405
    line = make_line(world)
    assert c.get(reverse("budgets:line_delete", args=[line.pk])).status_code == 405


def test_add_line_with_amounts(client, world):
    c = _client(client, world.manager)
    url = reverse("budgets:line_create", args=[world.plan.pk])
    form = c.get(url).content.decode()
    assert "amount_" in form
    response = c.post(
        url,
        {
            "name": "Launch events",
            "category": "set_up",
            "section": world.section.pk,
            "assumption": "3 @ 500",
            "extra_year": "2013/14",
            "extra_amount": "1500",
        },
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get(name="Launch events")
    assert dict(line.amounts.values_list("financial_year", "amount")) == {2013: D("1500")}


def test_add_line_refuses_negative_with_clear_message(client, world):
    c = _client(client, world.manager)
    url = reverse("budgets:line_create", args=[world.plan.pk])
    response = c.post(
        url, {"name": "X", "category": "other", "extra_year": "2013/14", "extra_amount": "-5"}
    )
    assert response.status_code == 200
    assert "zero or more" in response.content.decode()
    assert not BudgetLine.objects.exists()
    response = c.post(url, {"name": "X", "category": "other", "extra_year": "2013/15"})
    assert "not a financial year" in response.content.decode()


def test_edit_and_delete_line(client, world):
    line = make_line(world)
    c = _client(client, world.manager)
    url = reverse("budgets:line_edit", args=[line.pk])
    assert "11250" in c.get(url).content.decode()
    response = c.post(
        url, {"name": "Coordinator", "category": "staff", "amount_2013": "10", "amount_2014": ""}
    )
    assert response.status_code == 302
    assert dict(line.amounts.values_list("financial_year", "amount")) == {2013: D("10")}
    assert c.post(reverse("budgets:line_delete", args=[line.pk])).status_code == 302
    assert not BudgetLine.objects.exists()


def test_edit_line_outsider_and_viewer(client, world):
    line = make_line(world)
    url = reverse("budgets:line_edit", args=[line.pk])
    assert _client(client, world.outsider).get(url).status_code == 404
    assert _client(client, world.viewer).get(url).status_code == 403


def test_record_spend(client, world):
    line = make_line(world)
    c = _client(client, world.manager)
    url = reverse("budgets:spend_create", args=[world.plan.pk])
    assert c.get(url).status_code == 200
    response = c.post(
        url,
        {"line": line.pk, "amount": "250", "date_recorded": "2024-05-01", "financial_year": ""},
    )
    assert response.status_code == 302
    assert Spend.objects.get().financial_year == 2024
    bad = c.post(url, {"line": line.pk, "amount": "-1", "date_recorded": "2024-05-01"})
    assert bad.status_code == 200 and "zero or more" in bad.content.decode()
    assert Spend.objects.count() == 1


def test_funding_bid_through_its_life(client, world):
    funder = make_org("MOPAC")
    c = _client(client, world.manager)
    response = c.post(
        reverse("budgets:funding_create", args=[world.plan.pk]),
        {
            "funder": funder.pk,
            "title": "Panels",
            "amount": "90150",
            "status": "submitted",
            "date": "2024-01-10",
        },
    )
    assert response.status_code == 302
    bid = Funding.objects.get()
    url = reverse("budgets:funding_move", args=[bid.pk])
    assert "Decision pending" in c.get(url).content.decode()
    refused = c.post(url, {"status": "approved", "date": today().isoformat()})
    assert refused.status_code == 200 and "Record the decision" in refused.content.decode()
    response = c.post(
        url,
        {
            "status": "approved",
            "date": today().isoformat(),
            "decision_record": "Approved in full",
            "decided_by": "Board",
        },
    )
    assert response.status_code == 302
    assert Funding.objects.get().status == "approved"
    final = c.post(url, {"status": "withdrawn", "date": today().isoformat()})
    assert "cannot be withdrawn" in final.content.decode()
    assert _client(client, world.viewer).get(url).status_code == 403
    assert _client(client, world.outsider).get(url).status_code == 404
    page = _client(client, world.viewer).get(reverse("budgets:plan", args=[world.plan.pk]))
    assert "Approved in full" in page.content.decode()


def test_import_preview_confirm(client, world):
    from plantrack.plans.services import section_create

    njp = section_create(actor=world.manager, plan=world.plan, title="Neighbourhood Justice Panels")
    c = _client(client, world.manager)
    url = reverse("budgets:import", args=[world.plan.pk])
    assert c.get(url).status_code == 200
    response = c.post(url, {"text": SEED.read_text(encoding="utf-8")})
    assert response.status_code == 302
    preview_url = reverse("budgets:import_preview", args=[world.plan.pk])
    preview = c.get(preview_url).content.decode()
    assert "NJP" in preview and "Conditional Cautions" in preview and "“20”" in preview
    assert not BudgetLine.objects.exists()  # nothing saved before confirming
    response = c.post(preview_url, {"section_0": njp.pk, "section_1": "", "section_2": ""})
    assert response.status_code == 302
    assert BudgetLine.objects.filter(section=njp).count() == 8
    assert BudgetLine.objects.filter(section=None).count() == 18
    # The preview is gone once saved.
    assert c.get(preview_url).status_code == 302


def test_import_garbage_shows_a_clean_error(client, world):
    c = _client(client, world.manager)
    url = reverse("budgets:import", args=[world.plan.pk])
    response = c.post(url, {"text": "nothing like a budget"})
    assert response.status_code == 200
    assert "No budget tables were found" in response.content.decode()
    response = c.post(url, {})
    assert "Upload a file or paste a table" in response.content.decode()
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n garbage")
    upload.name = "budget.xlsx"
    response = c.post(url, {"file": upload})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()


def test_export_xlsx_neutralises_formulas(client, world):
    make_line(world, name='=HYPERLINK("http://x")', assumption="+1")
    response = _client(client, world.viewer).get(reverse("budgets:export", args=[world.plan.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Budget"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("Initiative", "Line", "Category", "2013/14", "2014/15")
    assert rows[2][1] == '=HYPERLINK("http://x")'
    assert sheet.cell(row=3, column=2).data_type == "s"
    assert rows[2][3] == 11250 and rows[2][5] == 33750


def test_delete_refused_when_spend_recorded(client, world):
    line = make_line(world)
    services.spend_record(actor=world.manager, line=line, amount=D("5"), financial_year=2013)
    c = _client(client, world.manager)
    response = c.post(reverse("budgets:line_delete", args=[line.pk]), follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    assert (
        _client(client, world.viewer)
        .post(reverse("budgets:line_delete", args=[line.pk]))
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    ("typed", "stored"), [("1,500.50", "1500.50"), ("£2,000", "2000"), ("£2k", "2000")]
)
def test_amounts_with_thousands_separators_are_read_as_everywhere_else(
    client, world, typed, stored
):
    """Issue 15, defect 13: "1,500.50" was refused for spend and budgets, though readings and
    the budget importer read it."""
    line = make_line(world)
    c = _client(client, world.manager)
    url = reverse("budgets:spend_create", args=[world.plan.pk])
    response = c.post(url, {"line": line.pk, "amount": typed, "date_recorded": "2024-05-01"})
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Spend.objects.get().amount == Decimal(stored)


def test_an_amount_that_is_not_money_gets_one_line_and_nothing_is_saved(client, world):
    line = make_line(world)
    c = _client(client, world.manager)
    url = reverse("budgets:spend_create", args=[world.plan.pk])
    for typed, message in [
        ("lots", "is not an amount"),
        ("1,500.505", "pounds and pence"),
    ]:
        response = c.post(url, {"line": line.pk, "amount": typed, "date_recorded": "2024-05-01"})
        assert response.status_code == 200 and message in response.content.decode()
    assert not Spend.objects.exists()
