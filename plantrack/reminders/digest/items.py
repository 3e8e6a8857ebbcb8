"""What a digest lists: the items of each kind and their recipient (gathering.py finds them,
rendering.py writes them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

UPDATE_DUE, OVERDUE, COMMENTARY = "update_due", "overdue", "commentary"
REASONS = {
    UPDATE_DUE: "Update due",
    OVERDUE: "Overdue",
    COMMENTARY: "Commentary missing",
}
TITLE_LIMIT = 140
FOLLOW_UP_DAYS = 7  # open follow-ups due within this many days (or overdue) are listed


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
class ReturnItem:
    """A self-assessment return the recipient answers for, still to submit in an open cycle
    (not started, in draft, or challenged and awaiting their reply)."""

    unit_id: int
    unit_name: str
    cycle_title: str
    framework_title: str
    status_label: str
    day: dt.date  # the cycle's due date
    overdue: bool
    url: str  # the return's page


@dataclass
class Recipient:
    person_id: int
    user_id: int | None
    name: str
    email: str
    items: list[Item] = field(default_factory=list)
    follow_ups: Sequence[FollowUpItem] = ()
    returns: Sequence[ReturnItem] = ()

    @property
    def action_count(self) -> int:
        return len({item.action_id for item in self.items})

    @property
    def follow_up_count(self) -> int:
        return len(self.follow_ups)

    @property
    def return_count(self) -> int:
        return len(self.returns)

    @property
    def item_count(self) -> int:
        return len(self.items) + len(self.follow_ups) + len(self.returns)

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


def short(title: str) -> str:
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"
