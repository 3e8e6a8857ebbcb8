"""Who gets a reminder digest and what it says, gathered for everyone at once.

Built for the national case (100k actions, 20k people): one query for the owners of every
action needing attention, one for the open engagement follow-ups due within FOLLOW_UP_DAYS or
overdue (with their owners), one for the preferences, one for the people without accounts, plus
whatever the packs app needs for missing commentary. Everything is then grouped in Python.
Nothing here queries per person, per action or per follow-up.
"""

from __future__ import annotations

import datetime as dt
import email.policy
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.headerregistry import HeaderRegistry

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape

from plantrack.core.finyears import fy_quarter, quarter_label
from plantrack.directory.models import Person
from plantrack.engagement.models import FollowUp
from plantrack.governance.models import Body, Oversight
from plantrack.packs.selectors import cadence_kind, current_period, missing_commentary_by_person
from plantrack.plans.models import ActionOwner, Plan
from plantrack.plans.selectors import CLOSED
from plantrack.reminders.models import (
    DEFAULT_FREQUENCY,
    DEFAULT_WEEKDAY,
    PersonDigest,
    ReminderPreference,
    is_due,
)

UPDATE_DUE, OVERDUE, COMMENTARY = "update_due", "overdue", "commentary"
REASONS = {
    UPDATE_DUE: "Update due",
    OVERDUE: "Overdue",
    COMMENTARY: "Commentary missing",
}
TITLE_LIMIT = 140
FOLLOW_UP_DAYS = 7  # open follow-ups due within this many days (or overdue) are listed
_PK = 987654321  # a stand-in id: URLs are reversed once, then formatted for every row


def base_url() -> str:
    return getattr(settings, "PLANTRACK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def url_pattern(name: str) -> str:
    """An absolute URL with "{}" where the id goes, so 100k links cost one reverse()."""
    return base_url() + reverse(name, args=[_PK]).replace(str(_PK), "{}")


def commentary_period(on: dt.date) -> str:
    """The reporting period whose missing commentary owners are asked for: the quarter ``on``
    falls in, as plantrack.packs.selectors.current_period has it, so that the digest and the
    packs' commentary page ask for the same thing. (Bodies with their own cadence add their
    periods: see commentary_periods.) (The last finished quarter was the other
    candidate; the packs app chose the current one and the two must agree.)"""
    return quarter_label(*fy_quarter(on))


def commentary_periods(on: dt.date) -> list[tuple[str, list[int] | None]]:
    """(period, plan ids or None for every plan) whose missing commentary owners are asked for:
    the quarter for every plan, and for the plans overseen by a body with its own cadence
    (monthly, every two months, twice a year) that body's current period too. One query."""
    periods: list[tuple[str, list[int] | None]] = [(commentary_period(on), None)]
    by_kind: dict[str, set[int]] = defaultdict(set)
    own_cadence = [c for c in Body.Cadence.values if cadence_kind(c) != "Q"]
    oversights = Oversight.objects.filter(
        plan__status=Plan.Status.ACTIVE, body__cadence__in=own_cadence
    )
    for plan_id, cadence in oversights.values_list("plan_id", "body__cadence").distinct():
        by_kind[cadence_kind(cadence)].add(plan_id)
    for kind in sorted(by_kind):
        periods.append((current_period(on, kind), sorted(by_kind[kind])))
    return periods


def _commentary_source() -> Callable[..., dict] | None:
    """Where the commentary items come from (the packs app); tests put None here to leave
    them out. A missing function is an error, not a silent loss of every commentary item."""
    return missing_commentary_by_person


@dataclass
class Item:
    action_id: int
    ref: str
    title: str
    plan_id: int
    plan_title: str
    reason: str
    day: dt.date | None
    url: str
    period: str = ""  # what commentary is missing for

    @property
    def reason_label(self) -> str:
        return REASONS[self.reason]


@dataclass
class FollowUpItem:
    """An open engagement follow-up the recipient owns, due soon (or overdue: ``overdue``)."""

    follow_up_id: int
    title: str
    activity_title: str
    register_id: int
    register_title: str
    day: dt.date
    overdue: bool
    url: str  # the activity's page


@dataclass
class Recipient:
    person_id: int
    user_id: int | None
    name: str
    email: str
    items: list[Item] = field(default_factory=list)
    follow_ups: Sequence[FollowUpItem] = ()

    @property
    def action_count(self) -> int:
        return len({item.action_id for item in self.items})

    @property
    def follow_up_count(self) -> int:
        return len(self.follow_ups)

    @property
    def item_count(self) -> int:
        return len(self.items) + len(self.follow_ups)

    def registers(self) -> list[dict]:
        """Follow-ups by register (by title), then by day, title and id."""
        registers: dict[int, dict] = {}
        for item in self.follow_ups:
            registers.setdefault(
                item.register_id,
                {"title": item.register_title, "id": item.register_id, "items": []},
            )["items"].append(item)
        out = sorted(registers.values(), key=lambda r: (r["title"].lower(), r["id"]))
        for register in out:
            register["items"].sort(key=lambda i: (i.day, i.title.lower(), i.follow_up_id))
        return out

    def groups(self) -> list[dict]:
        """Items by plan (by title), then by reason (in REASONS order; commentary by period),
        then by ref."""
        plans: dict[int, dict] = {}
        for item in self.items:
            plan = plans.setdefault(
                item.plan_id, {"title": item.plan_title, "id": item.plan_id, "reasons": {}}
            )
            plan["reasons"].setdefault((item.reason, item.period), []).append(item)
        order = {key: n for n, key in enumerate(REASONS)}
        out = []
        for plan in sorted(plans.values(), key=lambda p: (p["title"].lower(), p["id"])):
            reasons = [
                {
                    "label": REASONS[key] + (f" for {period}" if period else ""),
                    "key": key,
                    "period": period,
                    "items": sorted(found, key=_item_order),
                }
                # Stable: commentary periods stay in the order they were asked for (the
                # quarter first, then bodies' own cadences).
                for (key, period), found in sorted(
                    plan["reasons"].items(), key=lambda kv: order[kv[0][0]]
                )
            ]
            out.append({"title": plan["title"], "id": plan["id"], "reasons": reasons})
        return out


def _item_order(item: Item) -> tuple:
    return (item.ref, item.action_id)


@dataclass
class Gathered:
    recipients: list[Recipient]  # everyone with something to hear about and an address
    no_email: int
    prefs: dict[int, tuple[str, int, dt.date | None]]  # user id → frequency, weekday, last
    person_last: dict[int, dt.date]  # person (no account) id → last digest
    period: str


def _short(title: str) -> str:
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def _name(name: str, rank: str, post: str, first: str | None, last: str | None) -> str:
    if name or not (first or last):
        return Person.format_name(name, rank, post)
    return f"{first or ''} {last or ''}".strip()


_PERSON_FIELDS = (
    "id",
    "name",
    "rank",
    "post",
    "email",
    "user_id",
    "user__email",
    "user__first_name",
    "user__last_name",
    "email_verified_at",
    "organisation_id",
)


def gather(on: dt.date) -> Gathered:
    action_url = url_pattern("plans:action")
    people: dict[int, tuple] = {}
    items: dict[int, list[Item]] = defaultdict(list)

    rows = (
        ActionOwner.objects.filter(action__plan__status=Plan.Status.ACTIVE)
        .filter(Q(action__update_due_on__lte=on) | Q(action__due_latest__lt=on))
        .exclude(action__status__in=CLOSED)
        .filter(Q(person__user__isnull=True) | Q(person__user__is_active=True))
        .values_list(
            *(f"person__{f}" if f != "id" else "person_id" for f in _PERSON_FIELDS),
            "action_id",
            "action__ref",
            "action__title",
            "action__plan_id",
            "action__plan__title",
            "action__due_latest",
            "action__update_due_on",
        )
        .order_by()
    )
    for row in rows.iterator(chunk_size=5000):
        person, action = row[: len(_PERSON_FIELDS)], row[len(_PERSON_FIELDS) :]
        action_id, ref, title, plan_id, plan_title, due, update_due = action
        people.setdefault(person[0], person)
        title = title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"
        url = action_url.format(action_id)
        bucket = items[person[0]]
        if update_due is not None and update_due <= on:
            bucket.append(
                Item(action_id, ref, title, plan_id, plan_title, UPDATE_DUE, update_due, url)
            )
        if due is not None and due < on:
            bucket.append(Item(action_id, ref, title, plan_id, plan_title, OVERDUE, due, url))

    periods = commentary_periods(on)
    for period, plan_ids in periods:
        _add_commentary(period, plan_ids, items, people, action_url)
    follow_ups = _follow_ups(on, people)

    no_email, recipients = 0, []
    for person_id in items.keys() | follow_ups.keys():
        _, name, rank, post, email, user_id, user_email, first, last, verified, org = people[
            person_id
        ]
        # Only a confirmed address of someone in an organisation: Person.verified_email.
        address = user_email or (email if verified and org is not None else "")
        if not address:
            no_email += 1
            continue
        recipients.append(
            Recipient(
                person_id,
                user_id,
                _name(name, rank, post, first, last),
                address,
                # No new empty list per recipient: at national scale 20,000 more long-lived
                # containers bring on an extra full garbage collection (seconds).
                items[person_id],
                follow_ups.get(person_id, ()),
            )
        )
    recipients.sort(key=lambda r: (r.name.lower(), r.person_id))

    prefs = {
        user_id: (frequency, weekday, last)
        for user_id, frequency, weekday, last in ReminderPreference.objects.values_list(
            "user_id", "frequency", "weekday", "last_sent_on"
        )
    }
    person_last = dict(PersonDigest.objects.values_list("person_id", "last_sent_on"))
    return Gathered(recipients, no_email, prefs, person_last, periods[0][0])


def _follow_ups(on: dt.date, people: dict[int, tuple]) -> dict[int, list[FollowUpItem]]:
    """Open follow-ups due by FOLLOW_UP_DAYS from ``on`` (or overdue) by owner, with the owners
    added to ``people``: one query, whatever the number of follow-ups and owners. Every
    register's follow-ups (registers have no status); owners with a disabled account are left
    out, as for actions."""
    activity_url = url_pattern("engagement:activity")
    rows = (
        FollowUp.objects.filter(
            done=False, owner__isnull=False, due_on__lte=on + dt.timedelta(days=FOLLOW_UP_DAYS)
        )
        .filter(Q(owner__user__isnull=True) | Q(owner__user__is_active=True))
        .values_list(
            *(f"owner__{f}" if f != "id" else "owner_id" for f in _PERSON_FIELDS),
            "pk",
            "title",
            "due_on",
            "activity_id",
            "activity__title",
            "activity__register_id",
            "activity__register__title",
        )
        .order_by()
    )
    found: dict[int, list[FollowUpItem]] = defaultdict(list)
    for row in rows.iterator(chunk_size=5000):
        person, follow_up = row[: len(_PERSON_FIELDS)], row[len(_PERSON_FIELDS) :]
        pk, title, due_on, activity_id, activity_title, register_id, register_title = follow_up
        people.setdefault(person[0], person)
        found[person[0]].append(
            FollowUpItem(
                pk,
                _short(title),
                _short(activity_title),
                register_id,
                register_title,
                due_on,
                due_on < on,
                activity_url.format(activity_id),
            )
        )
    return found


def _add_commentary(
    period: str,
    plan_ids: list[int] | None,
    items: dict[int, list[Item]],
    people: dict[int, tuple],
    action_url: str,
) -> None:
    """Add the items missing commentary for a period (in some plans, or all) from the packs
    app, fetching in one query each the people and plan titles it did not load."""
    source = _commentary_source()
    if source is None:
        return
    missing = source(period) if plan_ids is None else source(period, plan_ids)
    if not missing:
        return
    plan_titles: dict[int, str] = {}
    for actions in missing.values():
        for action in actions:
            if type(action).plan.is_cached(action):
                plan_titles[action.plan_id] = action.plan.title
    wanted_plans = {a.plan_id for acts in missing.values() for a in acts} - set(plan_titles)
    if wanted_plans:
        plan_titles.update(Plan.objects.filter(pk__in=wanted_plans).values_list("pk", "title"))
    wanted_people = {p.pk for p in missing} - set(people)
    if wanted_people:
        active = Q(user__isnull=True) | Q(user__is_active=True)
        found = Person.objects.filter(active, pk__in=wanted_people).values_list(*_PERSON_FIELDS)
        for row in found:
            people[row[0]] = row
    for person, actions in missing.items():
        if person.pk not in people:
            continue
        bucket = items[person.pk]
        for action in actions:
            title = action.title
            if len(title) > TITLE_LIMIT:
                title = title[: TITLE_LIMIT - 1] + "…"
            bucket.append(
                Item(
                    action.pk,
                    action.ref,
                    title,
                    action.plan_id,
                    plan_titles.get(action.plan_id, ""),
                    COMMENTARY,
                    None,
                    action_url.format(action.pk),
                    period,
                )
            )


def due_today(gathered: Gathered, on: dt.date) -> tuple[list[Recipient], int]:
    """The recipients whose frequency says a digest is due, and how many are not due."""
    due, not_due = [], 0
    default = (DEFAULT_FREQUENCY, DEFAULT_WEEKDAY, None)
    for r in gathered.recipients:
        if r.user_id is not None:
            frequency, weekday, last = gathered.prefs.get(r.user_id, default)
        else:
            frequency, weekday = DEFAULT_FREQUENCY, DEFAULT_WEEKDAY
            last = gathered.person_last.get(r.person_id)
        if is_due(frequency, weekday, last, on):
            due.append(r)
        else:
            not_due += 1
    return due, not_due


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, made fast for thousands of similar messages.

    The standard one builds a new class with type() for every header of every message and
    parses every value afresh; at 20,000 digests that was half the time spent building MIME.
    This one keeps the class made for each header name, and the parsed header for values that
    repeat from message to message (From, MIME-Version, Content-Type…). Parsed headers are
    immutable strings, so sharing them between messages is safe."""

    UNIQUE = frozenset({"to", "cc", "bcc", "message-id", "reply-to"})
    MAX_KEPT = 1000

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}
        self._parsed: dict[tuple[str, str], object] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value):
        key = name.lower()
        if key in self.UNIQUE or not isinstance(value, str):
            return self[name](name, value)
        parsed = self._parsed.get((key, value))
        if parsed is None:
            if len(self._parsed) >= self.MAX_KEPT:
                self._parsed.clear()
            parsed = self._parsed[(key, value)] = self[name](name, value)
        return parsed


_HEADERS = _HeaderClasses()
_FAST_POLICIES: dict = {}


class DigestMessage(EmailMultiAlternatives):
    """A digest; the same MIME as EmailMultiAlternatives, built faster (see _HeaderClasses)."""

    def message(self, *, policy=email.policy.default):
        fast = _FAST_POLICIES.get(policy)
        if fast is None:
            fast = _FAST_POLICIES[policy] = policy.clone(header_factory=_HEADERS)
        return super().message(policy=fast)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def attention(actions: int, follow_ups: int) -> tuple[str, str]:
    """("2 actions and 1 follow-up", "need"): what needs the recipient's attention, and the
    verb that agrees with it."""
    parts = []
    if actions or not follow_ups:
        parts.append(f"{actions} action{'s' if actions != 1 else ''}")
    if follow_ups:
        parts.append(f"{follow_ups} follow-up{'s' if follow_ups != 1 else ''}")
    return " and ".join(parts), "needs" if actions + follow_ups == 1 else "need"


class Renderer:
    """Renders digests: the templates hold each email's wording and layout; the list of items,
    the only part that is long, is built here as text and as escaped HTML.

    Why: at national scale (20,000 digests in a minute) rendering templates per digest cost
    over 2 ms each. So each template is rendered once per run, with markers where the name,
    the opening sentence and the list go, and the markers are replaced for each digest (escaped
    for HTML); each item's lines are built once even when the action has several owners.
    """

    MARKERS = {"name": "@@NAME@@", "intro": "@@INTRO@@", "listing": "@@LISTING@@"}

    def __init__(self, on: dt.date, period: str) -> None:
        self.text = get_template("reminders/email/digest.txt")
        self.html = get_template("reminders/email/digest.html")
        base = base_url()
        self.period = period
        self.context = {
            "on": on,
            "period": period,
            "my_actions_url": base + reverse("plans:my_actions"),
            "settings_url": base + reverse("reminders:settings"),
        }
        context = {**self.context, **self.MARKERS}
        self.text_frame = self.text.render(context)
        self.html_frame = self.html.render(context)
        self.plan_url = url_pattern("plans:detail")
        self.register_url = url_pattern("engagement:register")
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self._lines: dict[tuple[int, str, str], tuple[str, str]] = {}
        self._headings: dict[tuple[int, str], tuple[str, str]] = {}
        self._register_headings: dict[tuple[int, str], tuple[str, str]] = {}

    def _heading(self, plan_id: int, title: str) -> tuple[str, str]:
        found = self._headings.get((plan_id, title))
        if found is None:
            found = self._headings[(plan_id, title)] = _heading_lines(self.plan_url, plan_id, title)
        return found

    def _register_heading(self, register_id: int, title: str) -> tuple[str, str]:
        found = self._register_headings.get((register_id, title))
        if found is None:
            found = self._register_headings[(register_id, title)] = _heading_lines(
                self.register_url, register_id, title
            )
        return found

    def _line(self, item: Item) -> tuple[str, str]:
        found = self._lines.get((item.action_id, item.reason, item.period))
        if found is None:
            label = f"{item.ref} {item.title}" if item.ref else item.title
            when = ""
            if item.day is not None:
                when = (
                    f" (due {_day(item.day)})"
                    if item.reason == OVERDUE
                    else f" (since {_day(item.day)})"
                )
            found = self._lines[(item.action_id, item.reason, item.period)] = (
                f"  - {label}{when}\n    {item.url}\n",
                f'<li><a href="{escape(item.url)}" style="{A}">{escape(label)}</a>{when}</li>\n',
            )
        return found

    def listing(self, recipient: Recipient) -> tuple[str, str]:
        text, html = [], []
        for group in recipient.groups():
            heading = self._heading(group["id"], group["title"])
            text.append(heading[0])
            html.append(heading[1])
            for reason in group["reasons"]:
                label = reason["label"]
                text.append(f"\n  {label}:\n")
                html.append(f'<h3 style="{H3}">{escape(label)}</h3>\n<ul style="{UL}">\n')
                for item in reason["items"]:
                    line = self._line(item)
                    text.append(line[0])
                    html.append(line[1])
                html.append("</ul>\n")
        if recipient.follow_ups:
            self._follow_up_listing(recipient, text, html)
        return "".join(text), "".join(html)

    def _follow_up_listing(self, recipient: Recipient, text: list[str], html: list[str]) -> None:
        """The recipient's follow-ups under their registers, after the plans. A follow-up has
        one owner, so its lines are not kept for other digests."""
        for register in recipient.registers():
            heading = self._register_heading(register["id"], register["title"])
            text.append(heading[0])
            html.append(heading[1])
            text.append(f"\n  {FOLLOW_UPS}:\n")
            html.append(f'<h3 style="{H3}">{FOLLOW_UPS}</h3>\n<ul style="{UL}">\n')
            for item in register["items"]:
                when = ("overdue since " if item.overdue else "due ") + _day(item.day)
                text.append(f"  - {item.title} – {item.activity_title} ({when})\n    {item.url}\n")
                html.append(
                    f'<li><a href="{escape(item.url)}" style="{A}">{escape(item.title)}</a>'
                    f" – {escape(item.activity_title)} ({when})</li>\n"
                )
            html.append("</ul>\n")

    @staticmethod
    def _fill(frame: str, name: str, intro: str, listing: str) -> str:
        return (
            frame.replace("@@NAME@@", name)
            .replace("@@INTRO@@", intro)
            .replace("@@LISTING@@", listing)
        )

    def message(self, recipient: Recipient) -> EmailMultiAlternatives:
        text, html = self.listing(recipient)
        what, verb = attention(recipient.action_count, recipient.follow_up_count)
        intro = f"{what} you own {verb} your attention."
        subject = f"PlanTrack: {what} {verb} your attention"
        message = DigestMessage(
            subject=subject,
            body=self._fill(self.text_frame, recipient.name, intro, text),
            from_email=self.from_email,
            to=[recipient.email],
        )
        # Every piece of the HTML listing is escaped in listing().
        html = self._fill(self.html_frame, escape(recipient.name), escape(intro), html)
        message.attach_alternative(html, "text/html")
        return message


def _heading_lines(pattern: str, pk: int, title: str) -> tuple[str, str]:
    """A plan's or register's heading, as text and as escaped HTML, linking to its page."""
    url = pattern.format(pk)
    return (
        f"\n{title}\n{url}\n",
        f'<h2 style="{H2}"><a href="{escape(url)}" style="{A}">{escape(title)}</a></h2>\n',
    )


FOLLOW_UPS = "Follow-ups"
# Inline styles: many mail programs ignore <style> blocks.
A = "color: #1d70b8;"
H2 = "font-size: 20px; margin: 24px 0 8px;"
H3 = "font-size: 16px; margin: 12px 0 4px;"
UL = "margin: 0 0 8px; padding-left: 20px;"
