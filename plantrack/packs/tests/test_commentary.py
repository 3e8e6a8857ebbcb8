from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from plantrack.core.tests.factories import make_action, make_person
from plantrack.governance.models import Chase, Commentary
from plantrack.packs import selectors, services
from plantrack.packs.tests.conftest import add_actions, add_off_track_measure
from plantrack.plans import services as plans
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db


def _refs(items) -> list[str]:
    return [i.action.ref for i in items]


def test_items_needing_commentary_are_red_amber_overdue_or_off_track(pw):
    w = pw.w
    green = make_action(w.plan, w.manager, ref="G/1", title="Fine")
    plans.update_post(actor=w.manager, action=green, narrative="ok", rag="green")
    off = make_action(w.plan, w.manager, ref="M/1", title="Behind on panels")
    add_off_track_measure(pw, action=off)
    closed = make_action(w.plan, w.manager, ref="C/1", title="Done", due_text="March 2004")
    plans.update_post(actor=w.manager, action=closed, narrative="done", status="complete")

    items = selectors.items_needing_commentary(w.plan, pw.period)
    assert sorted(_refs(items)) == ["M/1", "YC/INT/1", "YC/INT/2"]
    reasons = {i.action.ref: i.reasons for i in items}
    assert reasons["YC/INT/1"] == ["Overdue"]
    assert reasons["YC/INT/2"] == ["Red"]
    assert reasons["M/1"] == ["Measure off track: Panels held"]


def test_missing_commentary_by_person_groups_by_owner_and_skips_answered(pw):
    w = pw.w
    other = make_person(name="Alice Analyst", email="alice@example.org")
    plans.action_update(actor=w.manager, action=w.action, owners=[w.owner_person, other])

    missing = selectors.missing_commentary_by_person(pw.period)
    assert list(missing) == [other, w.owner_person]  # sorted by name
    assert [a.ref for a in missing[w.owner_person]] == ["YC/INT/1", "YC/INT/2"]
    assert [a.ref for a in missing[other]] == ["YC/INT/1"]

    services.commentary_save(actor=w.owner, action=w.action, period=pw.period, text="Late.")
    missing = selectors.missing_commentary_by_person(pw.period, plans=[w.plan])
    assert list(missing) == [w.owner_person]
    assert [a.ref for a in missing[w.owner_person]] == ["YC/INT/2"]
    # Another period still misses both.
    assert len(selectors.missing_commentary_by_person("2001/02-Q1")[w.owner_person]) == 2


def test_missing_commentary_leaves_out_inactive_plans_by_default(pw):
    Plan.objects.filter(pk=pw.w.plan.pk).update(status=Plan.Status.CLOSED)
    assert selectors.missing_commentary_by_person(pw.period) == {}
    assert selectors.missing_commentary_by_person(pw.period, Plan.objects.all())


def test_missing_commentary_queries_do_not_grow(pw, django_assert_num_queries):
    add_off_track_measure(pw, action=pw.w.action)
    with django_assert_num_queries(5):
        selectors.missing_commentary_by_person(pw.period)
    add_actions(pw.w, 12)
    add_off_track_measure(pw, action=pw.w.other_action)
    with django_assert_num_queries(5):
        missing = selectors.missing_commentary_by_person(pw.period)
    assert len(missing[pw.w.owner_person]) == 14


def test_owner_and_manager_may_write_commentary_others_may_not(pw):
    w = pw.w
    saved = services.commentary_save(
        actor=w.owner, action=w.action, period="Q3 2026/27", text="  On it.  "
    )
    assert (saved.period, saved.text, saved.author_name) == ("2026/27-Q3", "On it.", "Owen Owner")
    again = services.commentary_save(
        actor=w.manager, action=w.action, period="2026/27-Q3", text="Revised."
    )
    assert again.pk == saved.pk
    assert Commentary.objects.get().text == "Revised."
    assert saved.history.count() == 2
    for user in (w.viewer, w.outsider):
        with pytest.raises(PermissionDenied):
            services.commentary_save(actor=user, action=w.action, period=pw.period, text="x")
    # An owner of another action of the same plan may not.
    with pytest.raises(PermissionDenied):
        services.commentary_save(
            actor=w.owner, action=make_action(w.plan, w.manager), period=pw.period, text="x"
        )


def test_commentary_needs_text_and_a_real_quarter(pw):
    w = pw.w
    with pytest.raises(ValidationError) as exc:
        services.commentary_save(actor=w.owner, action=w.action, period=pw.period, text="  ")
    assert "text" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.commentary_save(actor=w.owner, action=w.action, period="Q5", text="x")
    assert "period" in exc.value.message_dict
    assert not Commentary.objects.exists()


def test_commentary_bumps_the_plan_version(pw):
    before = Plan.objects.get(pk=pw.w.plan.pk).version
    services.commentary_save(actor=pw.w.owner, action=pw.w.action, period=pw.period, text="x")
    assert Plan.objects.get(pk=pw.w.plan.pk).version == before + 1


def test_chase_sends_one_email_listing_the_items(pw, django_capture_on_commit_callbacks):
    w = pw.w
    with django_capture_on_commit_callbacks(execute=True):
        chase = services.chase_send(
            actor=w.manager, plan=w.plan, person=w.owner_person, period=pw.period
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owen@example.org"]
    assert pw.period in message.subject and "Youth Strategy" in message.subject
    assert "YC/INT/1 Create a policy" in message.body and "YC/INT/2 Track PYOs" in message.body
    assert f"/packs/actions/{w.action.pk}/commentary/?period=" in message.body
    assert (chase.items, chase.person, chase.sent_by) == (2, w.owner_person, w.manager)
    assert Chase.objects.count() == 1


def test_chase_refuses_without_email_without_items_or_for_non_managers(pw):
    w = pw.w
    with pytest.raises(PermissionDenied):
        services.chase_send(actor=w.owner, plan=w.plan, person=w.owner_person, period=pw.period)
    nobody = make_person(name="No Items", email="n@example.org")
    with pytest.raises(ValidationError, match="no items missing commentary"):
        services.chase_send(actor=w.manager, plan=w.plan, person=nobody, period=pw.period)
    # An address nobody confirmed gets no mail: anyone could have typed it in.
    w.owner_person.email_verified_at = None
    w.owner_person.save()
    with pytest.raises(ValidationError, match="no verified email address"):
        services.chase_send(actor=w.manager, plan=w.plan, person=w.owner_person, period=pw.period)
    w.owner_person.email = ""
    w.owner_person.save()
    with pytest.raises(ValidationError, match="no verified email address"):
        services.chase_send(actor=w.manager, plan=w.plan, person=w.owner_person, period=pw.period)
    assert not Chase.objects.exists() and not mail.outbox


def test_owner_demoted_to_viewer_can_no_longer_write_commentary(pw, client):
    w = pw.w
    plans.plan_role_set(actor=w.manager, plan=w.plan, user=w.owner, role="viewer")
    with pytest.raises(PermissionDenied):
        services.commentary_save(actor=w.owner, action=w.action, period=pw.period, text="Still?")
    client.force_login(w.owner)
    url = reverse("packs:commentary_write", args=[w.action.pk])
    assert client.get(url, {"period": pw.period}).status_code == 403
    response = client.post(url, {"period": pw.period, "text": "Still?"})
    assert response.status_code == 403
    assert client.get(reverse("packs:commentary", args=[w.plan.pk])).status_code == 403
    assert not Commentary.objects.exists()
