from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from plantrack.core.finyears import period_name
from plantrack.core.tests.factories import make_user
from plantrack.governance.models import Body, Chase, Commentary, Oversight
from plantrack.packs.models import Pack
from plantrack.packs.selectors import current_period, missing_commentary_count
from plantrack.packs.tests.conftest import make_pack

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


# --- Packs ----------------------------------------------------------------------------------


def test_list_shows_packs_and_where_to_prepare(client, pw):
    pack = make_pack(pw)
    body = _as(client, pw.w.manager).get(reverse("packs:list")).content.decode()
    assert pack.title in body and reverse("packs:new", args=[pw.body.pk]) in body
    viewer = _as(client, pw.w.viewer).get(reverse("packs:list")).content.decode()
    assert pack.title in viewer and reverse("packs:new", args=[pw.body.pk]) not in viewer
    outsider = _as(client, pw.w.outsider).get(reverse("packs:list")).content.decode()
    assert pack.title not in outsider
    assert client.post(reverse("packs:list")).status_code == 405


def test_list_queries_do_not_grow(client, pw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_pack(pw)
    _as(client, pw.w.manager)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("packs:list"))
    for _ in range(4):
        make_pack(pw)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("packs:list"))
    assert len(many) == len(few)


def test_prepare_a_pack_then_see_it(client, pw):
    url = reverse("packs:new", args=[pw.body.pk])
    _as(client, pw.w.manager)
    assert "Prepare a pack" in client.get(url).content.decode()
    response = client.post(url, {"period": pw.period, "meeting": pw.meeting.pk})
    pack = Pack.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "packs:detail", args=[pack.pk]
    )
    assert (pack.status, pack.meeting, pack.created_by) == ("draft", pw.meeting, pw.w.manager)
    page = client.get(response["Location"]).content.decode()
    assert "Publish the pack" in page and "Track PYOs" in page
    assert 'id="missing-count">2<' in page
    assert client.post(url, {"period": "Q9 bogus"}).status_code == 200
    assert Pack.objects.count() == 1
    assert client.put(url).status_code == 405


def test_a_monthly_body_reports_by_month(client, pw):
    """A body's own cadence: a monthly group's packs and commentary are for a month."""
    Body.objects.filter(pk=pw.body.pk).update(cadence=Body.Cadence.MONTHLY)
    month = current_period(kind="M")
    url = reverse("packs:new", args=[pw.body.pk])
    _as(client, pw.w.manager)
    form = client.get(url).content.decode()
    assert f'<option value="{month}" selected>{month} ({period_name(month)})</option>' in form
    assert f'<option value="{pw.period}">' in form  # a quarter can still be chosen
    client.post(url, {"period": month})
    pack = Pack.objects.get()
    assert pack.period == month and pack.snapshot["period"] == month
    assert pack.title.endswith(f"board pack for {month} ({period_name(month)})")
    assert pack.snapshot["period_start"][8:] == "01"  # the month, not the quarter
    # The plan's commentary page offers that body's months beside the quarters.
    page = client.get(reverse("packs:commentary", args=[pw.w.plan.pk]), {"period": month})
    text = page.content.decode()
    assert f"Commentary for {month} ({period_name(month)})" in text
    assert f'<option value="{pw.period}">' in text
    # Commentary written for the month is what the month's pack asks for.
    Commentary.objects.create(action=pw.w.other_action, period=month, text="Monthly note.")
    Commentary.objects.create(action=pw.w.action, period=pw.period, text="Quarterly note.")
    assert missing_commentary_count(pack) == 1


def test_prepare_is_refused_to_others(client, pw):
    url = reverse("packs:new", args=[pw.body.pk])
    assert _as(client, pw.w.viewer).get(url).status_code == 403
    assert _as(client, pw.w.owner).post(url, {"period": pw.period}).status_code == 403
    assert _as(client, pw.w.outsider).get(url).status_code == 404
    assert not Pack.objects.exists()


def test_progress_page_while_preparing(client, pw):
    pack = make_pack(pw)
    Pack.objects.filter(pk=pack.pk).update(status=Pack.Status.PREPARING)
    _as(client, pw.w.manager)
    page = client.get(reverse("packs:detail", args=[pack.pk])).content.decode()
    assert "Preparing the pack" in page and 'http-equiv="refresh"' in page
    partial = client.get(reverse("packs:progress", args=[pack.pk]), headers={"HX-Request": "1"})
    assert partial.content.decode().lstrip().startswith('<div id="pack-progress"')
    Pack.objects.filter(pk=pack.pk).update(status=Pack.Status.DRAFT)
    done = client.get(reverse("packs:progress", args=[pack.pk]), headers={"HX-Request": "1"})
    assert done["HX-Redirect"] == reverse("packs:detail", args=[pack.pk])


def test_progress_page_while_publishing(client, pw):
    pack = make_pack(pw)
    Pack.objects.filter(pk=pack.pk).update(status=Pack.Status.PUBLISHING)
    _as(client, pw.w.viewer)
    page = client.get(reverse("packs:detail", args=[pack.pk])).content.decode()
    assert "Publishing the pack" in page and "does not change" in page
    assert client.get(reverse("packs:download", args=[pack.pk, "pdf"])).status_code == 404
    listing = client.get(reverse("packs:list")).content.decode()
    assert 'govuk-tag--blue">Publishing' in listing


def test_publish_and_download(client, pw):
    pack = make_pack(pw)
    _as(client, pw.w.manager)
    publish = reverse("packs:publish", args=[pack.pk])
    assert client.get(publish).status_code == 405
    response = client.post(publish, follow=True)
    assert "no commentary" in response.content.decode()
    client.post(publish, {"allow_missing": "on"})
    assert Pack.objects.get().status == Pack.Status.PUBLISHED
    for fmt, start in (("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")):
        got = _as(client, pw.w.viewer).get(reverse("packs:download", args=[pack.pk, fmt]))
        assert got.status_code == 200 and got.content.startswith(start)
        disposition = got["Content-Disposition"]
        assert disposition.startswith('attachment; filename="yb-') and disposition.endswith(
            f'.{fmt}"'
        )
    assert client.get(reverse("packs:download", args=[pack.pk, "odt"])).status_code == 404


def test_publish_and_rebuild_refused_to_read_only_users(client, pw):
    pack = make_pack(pw)
    _as(client, pw.w.viewer)
    assert (
        client.post(reverse("packs:publish", args=[pack.pk]), {"allow_missing": "on"}).status_code
        == 403
    )
    assert client.post(reverse("packs:rebuild", args=[pack.pk])).status_code == 403
    page = client.get(reverse("packs:detail", args=[pack.pk])).content.decode()
    assert "Publish the pack" not in page
    assert Pack.objects.get().status == Pack.Status.DRAFT


@pytest.mark.parametrize("name", ["detail", "progress", "rebuild", "publish"])
def test_outsider_gets_404_for_packs(client, pw, name):
    pack = make_pack(pw)
    method = client.post if name in ("rebuild", "publish") else client.get
    _as(client, pw.w.outsider)
    assert method(reverse(f"packs:{name}", args=[pack.pk])).status_code == 404
    assert client.get(reverse("packs:download", args=[pack.pk, "pdf"])).status_code == 404


def test_a_pack_mixing_plans_is_hidden_from_those_who_cannot_see_them_all(client, pw):
    from plantrack.core.tests.factories import make_plan

    other_manager = make_user()
    secret = make_plan(other_manager, pw.w.other_force, title="Secret plan")
    Oversight.objects.create(body=pw.body, plan=secret)
    pack = make_pack(pw, actor=make_user(is_superuser=True))
    assert _as(client, pw.w.manager).get(reverse("packs:detail", args=[pack.pk])).status_code == 404
    assert (
        _as(client, other_manager).get(reverse("packs:detail", args=[pack.pk])).status_code == 404
    )


# --- Commentary -----------------------------------------------------------------------------


def _commentary_url(pw) -> str:
    return reverse("packs:commentary", args=[pw.w.plan.pk]) + f"?period={pw.period}"


def test_manager_sees_who_has_responded_and_chases(client, pw, django_capture_on_commit_callbacks):
    _as(client, pw.w.manager)
    page = client.get(_commentary_url(pw)).content.decode()
    assert "Insp. Owen Owner" in page and "2 missing" in page and ">Chase<" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("packs:chase", args=[pw.w.plan.pk]),
            {"person": pw.w.owner_person.pk, "period": pw.period},
        )
    assert response.status_code == 302 and "period=" in response["Location"]
    assert len(mail.outbox) == 1 and Chase.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Asked Insp. Owen Owner for commentary on 2 items." in page
    assert client.get(reverse("packs:chase", args=[pw.w.plan.pk])).status_code == 405


def test_chase_refused_to_owner_and_outsider(client, pw):
    data = {"person": pw.w.owner_person.pk, "period": pw.period}
    url = reverse("packs:chase", args=[pw.w.plan.pk])
    assert _as(client, pw.w.owner).post(url, data).status_code == 403
    assert _as(client, pw.w.outsider).post(url, data).status_code == 404
    assert not Chase.objects.exists() and not mail.outbox


def test_owner_sees_their_items_and_writes_commentary(client, pw):
    _as(client, pw.w.owner)
    page = client.get(_commentary_url(pw)).content.decode()
    assert "Track PYOs" in page and ">Chase<" not in page
    url = reverse("packs:commentary_write", args=[pw.w.other_action.pk]) + f"?period={pw.period}"
    assert "Commentary for" in client.get(url).content.decode()
    response = client.post(url, {"period": pw.period, "text": "Waiting for the data share."})
    assert response.status_code == 302
    assert Commentary.objects.get().text == "Waiting for the data share."
    # Empty text: the form again with an error, nothing saved.
    response = client.post(url, {"period": pw.period, "text": ""})
    assert response.status_code == 200 and Commentary.objects.count() == 1
    assert client.delete(url).status_code == 405


def test_commentary_pages_refused_to_viewer_and_outsider(client, pw):
    write = reverse("packs:commentary_write", args=[pw.w.action.pk])
    assert _as(client, pw.w.viewer).get(_commentary_url(pw)).status_code == 403
    assert client.post(write, {"period": pw.period, "text": "x"}).status_code == 403
    assert _as(client, pw.w.outsider).get(_commentary_url(pw)).status_code == 404
    assert client.get(write).status_code == 404
    assert not Commentary.objects.exists()


def test_a_bad_period_falls_back_with_a_message(client, pw):
    page = (
        _as(client, pw.w.manager)
        .get(reverse("packs:commentary", args=[pw.w.plan.pk]) + "?period=nonsense")
        .content.decode()
    )
    assert "is not a reporting period like 2022/23-Q2" in page
    assert f"Commentary for {pw.period}" in page


def test_body_is_404_when_it_oversees_nothing_visible(client, pw):
    lonely = Body.objects.create(name="Lonely board")
    assert _as(client, pw.w.manager).get(reverse("packs:new", args=[lonely.pk])).status_code == 404
