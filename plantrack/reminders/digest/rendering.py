"""Writing the digests: one email per recipient, as text and HTML, built fast enough for a
national run (see Renderer and _HeaderClasses)."""

from __future__ import annotations

import datetime as dt
import email.policy
from email.headerregistry import HeaderRegistry

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape

from plantrack.reminders.digest.gathering import base_url, url_pattern
from plantrack.reminders.digest.items import OVERDUE, Item, Recipient


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


def attention(actions: int, follow_ups: int, returns: int = 0) -> tuple[str, str]:
    """("2 actions and 1 follow-up", "need"): what needs the recipient's attention, and the
    verb that agrees with it."""
    parts = []
    if actions or not (follow_ups or returns):
        parts.append(f"{actions} action{'s' if actions != 1 else ''}")
    if follow_ups:
        parts.append(f"{follow_ups} follow-up{'s' if follow_ups != 1 else ''}")
    if returns:
        parts.append(f"{returns} self-assessment return{'s' if returns != 1 else ''}")
    what = " and ".join(parts) if len(parts) < 3 else f"{parts[0]}, {parts[1]} and {parts[2]}"
    return what, "needs" if actions + follow_ups + returns == 1 else "need"


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
        if recipient.returns:
            self._return_listing(recipient, text, html)
        return "".join(text), "".join(html)

    def _return_listing(self, recipient: Recipient, text: list[str], html: list[str]) -> None:
        """The self-assessment returns the recipient answers for, soonest due first, last."""
        text.append(f"\n{RETURNS}\n")
        html.append(f'<h2 style="{H2}">{RETURNS}</h2>\n<ul style="{UL}">\n')
        for item in sorted(recipient.returns, key=lambda r: (r.day, r.unit_name, r.unit_id)):
            when = ("overdue since " if item.overdue else "due ") + _day(item.day)
            label = f"{item.unit_name}: {item.framework_title} – {item.cycle_title}"
            text.append(f"  - {label} ({item.status_label.lower()}, {when})\n    {item.url}\n")
            html.append(
                f'<li><a href="{escape(item.url)}" style="{A}">{escape(label)}</a>'
                f" ({escape(item.status_label.lower())}, {when})</li>\n"
            )
        html.append("</ul>\n")

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
        what, verb = attention(
            recipient.action_count, recipient.follow_up_count, recipient.return_count
        )
        intro = f"{what} {'you answer for' if _only_returns(recipient) else 'you own'} {verb} "
        intro += "your attention."
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


def _only_returns(recipient: Recipient) -> bool:
    return not (recipient.items or recipient.follow_ups)


def _heading_lines(pattern: str, pk: int, title: str) -> tuple[str, str]:
    """A plan's or register's heading, as text and as escaped HTML, linking to its page."""
    url = pattern.format(pk)
    return (
        f"\n{title}\n{url}\n",
        f'<h2 style="{H2}"><a href="{escape(url)}" style="{A}">{escape(title)}</a></h2>\n',
    )


FOLLOW_UPS = "Follow-ups"
RETURNS = "Self-assessment returns"
# Inline styles: many mail programs ignore <style> blocks.
A = "color: #1d70b8;"
H2 = "font-size: 20px; margin: 24px 0 8px;"
H3 = "font-size: 16px; margin: 12px 0 4px;"
UL = "margin: 0 0 8px; padding-left: 20px;"
