from __future__ import annotations

import datetime as dt
import email.policy
import io
import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.core.tests.factories import make_action, make_person, make_plan, make_user
from plantrack.directory.models import Person
from plantrack.plans.models import Action, ActionOwner, Plan
from plantrack.reminders import digest
from plantrack.reminders.models import (
    Frequency,
    PersonDigest,
    ReminderPreference,
    is_due,
    scheduled_day,
)
from plantrack.reminders.services import reminders_send
from plantrack.reminders.tasks import send_reminders

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 6, 2)
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)


@pytest.fixture
def due(world, commentary):
    """The owner has all three kinds of item, over two plans; the manager owns nothing due."""
    Person.objects.filter(pk=world.owner_person.pk).update(
        email="owen@example.org", email_verified_at=timezone.now()
    )
    # world.action is overdue (due March 2004), its update not due (as if updated lately:
    # never updated, it would be due one since 2004 too). other_action: an update is due.
    Action.objects.filter(pk=world.action.pk).update(update_due_on=dt.date(2099, 1, 1))
    ActionOwner.objects.create(action=world.other_action, person=world.owner_person)
    Action.objects.filter(pk=world.other_action.pk).update(update_due_on=MONDAY)
    second = make_plan(world.manager, world.force, title="Another plan")
    late = make_action(second, world.manager, ref="AP/1", title="Late one", due_text="May 2025")
    Action.objects.filter(pk=late.pk).update(update_due_on=dt.date(2099, 1, 1))
    ActionOwner.objects.create(action=late, person=world.owner_person)
    # Commentary is missing on world.action for the last quarter.
    commentary.missing = {world.owner_person: [world.action]}
    manager_person = make_person(world.manager, email="mary@example.org")
    fine = make_action(world.plan, world.manager, title="Fine", due_text="March 2099")
    Action.objects.filter(pk=fine.pk).update(update_due_on=dt.date(2099, 1, 1))
    ActionOwner.objects.create(action=fine, person=manager_person)
    return late


def test_one_digest_per_person_grouped_by_plan_and_reason(world, due, commentary):
    summary = reminders_send(on=MONDAY)
    assert summary.sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owen@example.org"]
    assert message.subject == "PlanTrack: 3 actions need your attention"
    text = message.body
    # Plans in title order, each with its reasons.
    assert text.index("Another plan") < text.index("Youth Strategy")
    youth = text[text.index("Youth Strategy") :]
    assert "Update due:" in youth and "Overdue:" in youth
    assert "Commentary missing for 2025/26-Q1:" in youth
    assert youth.index("Update due:") < youth.index("Overdue:") < youth.index("Commentary")
    assert f"https://plantrack.example/plans/actions/{world.action.pk}/" in text
    assert f"https://plantrack.example/plans/{world.plan.pk}/" in text
    assert "https://plantrack.example/reminders/" in text
    assert "AP/1 Late one (due 31 May 2025)" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://plantrack.example/plans/actions/{due.pk}/"' in html
    assert commentary.calls == ["2025/26-Q1"]
    assert summary.items == 4 and summary.with_items == 1


def test_nobody_with_nothing_due_gets_mail(world, due):
    reminders_send(on=MONDAY)
    assert [m.to for m in mail.outbox] == [["owen@example.org"]]


def test_closed_actions_and_closed_plans_are_left_out(world, due, commentary):
    commentary.missing = {}
    Action.objects.filter(pk=world.action.pk).update(status=Action.Status.COMPLETE)
    Plan.objects.filter(pk=due.plan_id).update(status=Plan.Status.CLOSED)
    reminders_send(on=MONDAY)
    body = mail.outbox[0].body
    assert "Overdue" not in body and "Another plan" not in body and "Update due" in body


def test_owner_without_email_or_disabled_gets_nothing(world, due):
    Person.objects.filter(pk=world.owner_person.pk).update(email="")
    summary = reminders_send(on=MONDAY)
    assert summary.no_email == 1 and mail.outbox == []
    Person.objects.filter(pk=world.owner_person.pk).update(
        email="owen@example.org", email_verified_at=timezone.now()
    )
    world.owner.is_active = False
    world.owner.save()
    assert reminders_send(on=MONDAY).sent == 0 and mail.outbox == []


def test_no_digest_to_someone_outside_any_organisation(world, due):
    # Anyone who keeps the directory may write such an entry, so its address is not trusted.
    Person.objects.filter(pk=world.owner_person.pk).update(organisation=None)
    summary = reminders_send(on=MONDAY)
    assert summary.no_email == 1 and mail.outbox == []


def test_an_unverified_address_gets_no_digest(world, due):
    # Anyone who keeps the directory could have typed it in (security issue 10, F2).
    Person.objects.filter(pk=world.owner_person.pk).update(email_verified_at=None)
    summary = reminders_send(on=MONDAY)
    assert summary.no_email == 1 and mail.outbox == []


def test_user_email_wins_over_directory_email(world, due):
    world.owner.email = "owen.owner@force.example"
    world.owner.save()
    reminders_send(on=MONDAY)
    assert mail.outbox[0].to == ["owen.owner@force.example"]


def test_last_sent_on_stops_a_second_digest_the_same_day(world, due):
    assert reminders_send(on=MONDAY).sent == 1
    pref = ReminderPreference.objects.get(user=world.owner)
    assert pref.last_sent_on == MONDAY and pref.frequency == Frequency.WEEKLY
    again = reminders_send(on=MONDAY)
    assert again.sent == 0 and again.not_due == 1 and len(mail.outbox) == 1
    # Weekly on Monday: not on Tuesday, and next Monday again.
    assert reminders_send(on=TUESDAY).sent == 0
    assert reminders_send(on=MONDAY + dt.timedelta(days=7)).sent == 1


@pytest.mark.parametrize(
    ("frequency", "weekday", "last", "on", "expected"),
    [
        ("daily", 0, MONDAY, MONDAY, False),
        ("daily", 0, MONDAY, TUESDAY, True),
        ("weekly", 2, None, MONDAY, True),  # never sent: the next run catches up
        ("weekly", 2, MONDAY - dt.timedelta(days=5), MONDAY, False),  # last Wednesday
        ("weekly", 2, MONDAY - dt.timedelta(days=5), WEDNESDAY, True),
        ("weekly", 2, WEDNESDAY, WEDNESDAY + dt.timedelta(days=6), False),
        ("weekly", 0, MONDAY - dt.timedelta(days=7), TUESDAY, True),  # Monday's run missed
        ("monthly", 0, dt.date(2025, 5, 20), MONDAY, True),
        ("monthly", 0, dt.date(2025, 6, 1), dt.date(2025, 6, 30), False),
        ("never", 0, None, MONDAY, False),
    ],
)
def test_frequency_rules(frequency, weekday, last, on, expected):
    assert is_due(frequency, weekday, last, on) is expected


def test_scheduled_day():
    assert scheduled_day("weekly", 4, MONDAY) == dt.date(2025, 5, 30)  # the Friday before
    assert scheduled_day("monthly", 0, MONDAY) == dt.date(2025, 6, 1)
    assert scheduled_day("never", 0, MONDAY) is None


def test_chosen_weekday_and_never_are_respected(world, due):
    ReminderPreference.objects.create(
        user=world.owner, frequency="weekly", weekday=2, last_sent_on=MONDAY - dt.timedelta(days=5)
    )
    assert reminders_send(on=MONDAY).sent == 0
    assert reminders_send(on=WEDNESDAY).sent == 1
    ReminderPreference.objects.filter(user=world.owner).update(frequency="never", last_sent_on=None)
    assert reminders_send(on=WEDNESDAY + dt.timedelta(days=7)).sent == 0


def test_people_without_an_account_get_the_weekly_default(world, due):
    person = make_person(name="Dee Partner", email="dee@council.example", organisation=world.force)
    ActionOwner.objects.create(action=world.action, person=person)
    reminders_send(on=MONDAY)
    assert sorted(m.to[0] for m in mail.outbox) == ["dee@council.example", "owen@example.org"]
    assert PersonDigest.objects.get(person=person).last_sent_on == MONDAY
    assert reminders_send(on=TUESDAY).sent == 0
    assert reminders_send(on=MONDAY + dt.timedelta(days=7)).sent == 2
    assert PersonDigest.objects.get(person=person).last_sent_on == MONDAY + dt.timedelta(days=7)


def test_dry_run_sends_and_records_nothing(world, due):
    summary = reminders_send(on=MONDAY, dry_run=True)
    assert mail.outbox == []
    assert not ReminderPreference.objects.exists()
    assert summary.due == 1 and summary.sent == 0
    assert [(line.name, line.email, line.items) for line in summary.lines] == [
        ("Insp. Owen Owner", "owen@example.org", 4)
    ]
    assert "would send 1 digest" in str(summary)


def test_missing_packs_app_means_no_commentary_items(world, due, monkeypatch):
    monkeypatch.setattr(digest.gathering, "commentary_source", lambda: None)
    reminders_send(on=MONDAY)
    assert "Commentary missing" not in mail.outbox[0].body


def test_with_the_packs_apps_own_commentary_selector(world, due, monkeypatch):
    monkeypatch.undo()  # the real plantrack.packs.selectors.missing_commentary_by_person
    if digest.gathering.commentary_source() is None:
        pytest.skip("the packs app has no missing_commentary_by_person yet")
    Action.objects.filter(pk=world.other_action.pk).update(rag="red")
    reminders_send(on=MONDAY)
    body = mail.outbox[0].body
    period = digest.commentary_period(MONDAY)
    youth = body[body.index("Youth Strategy") :]
    assert f"Commentary missing for {period}:" in youth
    assert "YC/INT/2 Track PYOs" in youth[youth.index("Commentary missing") :]


def test_commentary_for_someone_with_nothing_else(world, due, commentary):
    person = make_person(name="Cora Comment", email="cora@example.org", organisation=world.force)
    commentary.missing = {person: [Action.objects.get(pk=world.other_action.pk)]}
    with CaptureQueriesContext(connection):
        reminders_send(on=MONDAY)
    cora = next(m for m in mail.outbox if m.to == ["cora@example.org"])
    assert "Commentary missing" in cora.body and "Youth Strategy" in cora.body


def test_commentary_period_is_the_current_quarter():
    assert digest.commentary_period(dt.date(2025, 6, 2)) == "2025/26-Q1"
    assert digest.commentary_period(dt.date(2025, 10, 1)) == "2025/26-Q3"
    assert digest.commentary_period(dt.date(2026, 3, 31)) == "2025/26-Q4"


def test_command_dry_run_lists_people(world, due):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", "--date", "2025-06-02", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Insp. Owen Owner\towen@example.org\t4 items"
    assert "would send 1 digest" in lines[-1]
    assert mail.outbox == []


def test_command_sends(world, due):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2025-06-02", stdout=out)
    assert "sent 1 digest" in out.getvalue() and len(mail.outbox) == 1


def test_command_refuses_a_bad_date(world):
    with pytest.raises(CommandError, match="not a date"):
        call_command("send_reminders", "--date", "2 June")


def test_task_runs_the_digest(world, due):
    result = send_reminders.enqueue()
    assert result.return_value["sent"] == 1
    assert len(mail.outbox) == 1


def _owners(world, n: int, prefix: str) -> None:
    """n owners with two overdue actions each (an update due too); a few have an account."""
    people = Person.objects.bulk_create(
        Person(
            name=f"Owner {prefix}{i}",
            email=f"{prefix}{i}@example.org",
            email_verified_at=timezone.now(),
            organisation=world.force,
        )
        for i in range(n)
    )
    users = [
        make_user(f"{prefix}u{i}", email=f"{prefix}u{i}@example.org") for i in range(max(2, n // 5))
    ]
    for person, user in zip(people, users, strict=False):
        person.user = user
    Person.objects.bulk_update(people, ["user"])
    ReminderPreference.objects.bulk_create(
        ReminderPreference(user=u, frequency="daily") for u in users[::2]
    )
    actions = Action.objects.bulk_create(
        Action(
            plan=world.plan,
            title=f"Action {i}",
            ref=f"Q/{i}",
            position=100 + i,
            due_latest=dt.date(2025, 1, 1),
            update_due_on=dt.date(2025, 1, 1),
        )
        for i in range(2 * n)
    )
    ActionOwner.objects.bulk_create(
        ActionOwner(action=a, person=people[i % n]) for i, a in enumerate(actions)
    )


def _count_queries(on: dt.date) -> tuple[int, int]:
    backend = EmailBackend()
    with CaptureQueriesContext(connection) as ctx:
        summary = reminders_send(on=on, connection=backend)
    return len(ctx.captured_queries), summary.sent


def test_query_count_does_not_grow_with_owners(world, commentary):
    _owners(world, 5, "a")
    small, sent_small = _count_queries(MONDAY)
    # Second run: preferences now exist for everyone (update, not insert).
    small_again, _ = _count_queries(MONDAY + dt.timedelta(days=7))
    _owners(world, 50, "b")
    PersonDigest.objects.all().delete()
    ReminderPreference.objects.update(last_sent_on=None)
    large, sent_large = _count_queries(MONDAY + dt.timedelta(days=14))
    assert sent_small == 5 and sent_large == 55
    assert large == small, (small, large)
    assert small_again <= small


@pytest.mark.parametrize("policy", [email.policy.default, email.policy.SMTP])
def test_fast_digest_message_builds_the_same_mime(policy):
    def build(cls):
        message = cls(
            subject="PlanTrack: 3 actions need your attention – é",
            body="Hello Zoë\n" + "x" * 300,
            from_email="PlanTrack <plantrack@localhost>",
            to=["Owen <owen@example.org>"],
            headers={"Date": "Mon, 02 Jun 2025 07:00:00 +0000", "Message-ID": "<x@y>"},
        )
        message.attach_alternative("<p>Héllo</p>" + "y" * 300, "text/html")
        return re.sub(rb"=+\d+==", b"BOUNDARY", message.message(policy=policy).as_bytes())

    expected = build(EmailMultiAlternatives)
    assert build(digest.DigestMessage) == expected
    assert build(digest.DigestMessage) == expected  # and again, from the kept headers


def test_a_monthly_body_asks_for_its_months_commentary_too(world, due, monkeypatch):
    """A plan overseen by a group that meets monthly: owners are asked for the month's
    commentary as well as the quarter's; plans it does not oversee are asked for neither."""
    from plantrack.governance.models import Body, Commentary, Oversight

    monkeypatch.undo()  # the real packs selector
    Action.objects.filter(pk=world.other_action.pk).update(rag="red")
    group = Body.objects.create(name="Youth Steering Group", cadence=Body.Cadence.MONTHLY)
    Oversight.objects.create(body=group, plan=world.plan)
    assert digest.commentary_periods(MONDAY) == [
        ("2025/26-Q1", None),
        ("2025/26-M03", [world.plan.pk]),
    ]
    Commentary.objects.create(action=world.other_action, period="2025/26-Q1", text="Noted.")
    reminders_send(on=MONDAY)
    body = mail.outbox[0].body
    youth = body[body.index("Youth Strategy") :]  # the last plan, by title
    quarterly = youth.index("Commentary missing for 2025/26-Q1:")
    monthly = youth.index("Commentary missing for 2025/26-M03:")
    assert quarterly < monthly
    # YC/INT/2 has its quarter's commentary, not its month's.
    assert "YC/INT/2 Track PYOs" not in youth[quarterly:monthly]
    assert "YC/INT/2 Track PYOs" in youth[monthly:]
    assert "Another plan" not in body[body.index("Commentary missing for 2025/26-M03") :]


def test_commentary_periods_cost_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert digest.commentary_periods(MONDAY) == [("2025/26-Q1", None)]
