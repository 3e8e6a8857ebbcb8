"""The public part of the national dataset (issue 16): published plans and public events.

* The big plan is published (``/public/plans/<slug>/``) with ``BIG_PLAN_PUBLIC_UPDATES``
  approved updates: the latest update of every action that has one, their narrative as the
  public text, and the one before it for the first actions until the count is reached. A
  10-action plan (not restricted) is published too, with ``SMALL_PLAN_PUBLIC_UPDATES``: the
  "same queries on less data" check of the plan page and its feed.
* Public events: ``BOROUGH_EVENTS`` in the bench borough (the one the engagement cases filter
  by) over a year centred on today, 85 % in its wards, the rest in the borough itself;
  ``SMALL_BOROUGH_EVENTS`` coming in the wards of a second borough (the small check of the
  events page); ``OTHER_EVENTS`` over the other boroughs. Each is published 0–30 days before
  it starts (an event further ahead than that was published in the last month: nothing is
  published in the future) and 4 % are cancelled. Mostly the force's, some its councils'.

Mixed into ``generate.Generator`` after the engagement steps: uses its ``rng``, ``today``,
``ins``, ``dt_text``, the plans, actions and updates it planned and the areas it made.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from itertools import accumulate

BIG_PLAN_PUBLIC_UPDATES = 250
SMALL_PLAN_PUBLIC_UPDATES = 5
PUBLICATIONS = 2  # the big plan and a small one
BOROUGH_EVENTS = 2_000
SMALL_BOROUGH_EVENTS = 20
OTHER_EVENTS = 300
EVENTS = BOROUGH_EVENTS + SMALL_BOROUGH_EVENTS + OTHER_EVENTS
PUBLISHED_DAYS_AGO = 365  # the big plan went public a year ago

EVENT_KINDS = [
    ("engagement", "Engagement van at {}"),
    ("engagement", "Street briefing: {}"),
    ("engagement", "Drop-in surgery at {}"),
    ("engagement", "Community walkabout from {}"),
    ("engagement", "Coffee with a cop at {}"),
    ("meeting", "Ward panel meeting at {}"),
    ("meeting", "Public meeting: {}"),
]
PLACES = [
    "the library", "the community centre", "the market square", "St Mary's church hall",
    "the leisure centre", "the high street", "the railway station forecourt", "the park cafe",
    "the mosque community room", "the youth club", "the primary school hall", "the town hall",
]  # fmt: skip
STREETS = [
    "High Street", "Station Road", "Church Lane", "Park Avenue", "Market Place", "Mill Road",
    "Victoria Road", "London Road", "Queen's Parade", "Green Lane",
]  # fmt: skip
PURPOSES = [
    "Meet your neighbourhood team, raise concerns and hear what has been done since last time.",
    "Advice on keeping your home and bike safe, with free property marking.",
    "Tell us what the priorities for your ward should be for the next three months.",
    "An update on the knife crime action plan, with questions from residents.",
    "Help and advice on scams, with Trading Standards and Victim Support.",
    "A walk through the area with residents to find where lighting and CCTV are needed.",
    "Officers and youth workers talk with young people about feeling safe.",
]
CANCEL_REASONS = [
    "Officers were called to an urgent operation.",
    "The venue is closed; a new date will be published.",
    "Severe weather warning.",
]
INTRODUCTION = (
    "How the partnership is tackling serious violence, action by action, with the progress "
    "each lead has reported. Updates appear here once a manager has approved their wording."
)


class PublicSteps:
    """Steps of ``generate.Generator`` for the public pages (see the module doc)."""

    # What the generator provides (its helpers, and what its earlier steps made).
    rng: random.Random
    today: dt.date
    special: dict
    step: Callable[[str, Callable[[], int]], None]
    dt_text: Callable[..., str]
    ins: Callable
    org_name: dict[int, str]
    user_name: dict[int, str]
    plan_actions: list[int]
    plan_status: dict[int, str]
    plan_visibility: dict[int, str]
    first_action: list[int]
    update_counts: list[int]
    action_updates_plan: list
    borough_ids: list[int]
    borough_wards: dict[int, list[int]]
    act_home: list
    act_register: list

    def public_steps(self) -> None:
        self.step("public plans", self.public_plans)
        self.step("public events", self.public_events)

    def _moment(self, when: dt.datetime) -> str:
        """A naive UTC datetime as the generator writes one."""
        midnight = dt.datetime.combine(when.date(), dt.time())
        return self.dt_text(when.date(), int((when - midnight).total_seconds()))

    # --- Published plans -----------------------------------------------------------------------
    def _public_small_plan(self) -> int:
        """The small plan of the other checks if the public may see it, else the first active
        10-action plan that is not restricted."""
        small = self.special["small_plan_id"]
        if self.plan_visibility[small] != "restricted":
            return small
        return next(
            p
            for p in range(2, len(self.plan_actions) + 1)
            if self.plan_status[p] == "active"
            and self.plan_visibility[p] != "restricted"
            and self.plan_actions[p - 1] == 10
        )

    def _updates_to_publish(self, plan: int, wanted: int) -> list[tuple[int, int, dt.date]]:
        """(update id, action id, date) of ``wanted`` updates of ``plan``: the latest of each
        action that has one, then the one before it, action by action, until enough."""
        # Update ids are given action by action in order, each action's oldest first.
        ends = list(accumulate(self.update_counts))  # ends[a]: the id of action a's latest
        actions = range(self.first_action[plan - 1] + 1, self.first_action[plan] + 1)
        chosen: list[tuple[int, int, dt.date]] = []
        for back in range(2):
            for aid in actions:
                planned = self.action_updates_plan[aid]
                if planned is None or len(planned[0]) <= back or len(chosen) == wanted:
                    continue
                chosen.append((ends[aid] - back, aid, planned[0][-1 - back]))
        if len(chosen) != wanted:
            raise RuntimeError(f"plan {plan} has not {wanted} updates to publish")
        return chosen

    def public_plans(self) -> int:
        from django.utils.text import slugify

        from plantrack.plans.models import Plan, Update
        from plantrack.public.models import Publication, PublicUpdate

        rng = self.rng
        small = self._public_small_plan()
        titles = dict(Plan.objects.filter(pk__in=[1, small]).values_list("pk", "title"))
        published = dt.datetime.combine(
            self.today - dt.timedelta(days=PUBLISHED_DAYS_AGO), dt.time(10)
        )
        publications: list[tuple] = []
        decisions: list[tuple] = []
        for n, (plan, wanted) in enumerate(
            ((1, BIG_PLAN_PUBLIC_UPDATES), (small, SMALL_PLAN_PUBLIC_UPDATES)), start=1
        ):
            slug = slugify(titles[plan].replace("–", "-"))[:80].strip("-")
            when = self._moment(published)
            publications.append((n, plan, slug, INTRODUCTION if plan == 1 else "", when, when, 2))
            self.special["public_plan_slug" if plan == 1 else "public_small_plan_slug"] = slug
            chosen = self._updates_to_publish(plan, wanted)
            found = {
                pk: (action, narrative)
                for pk, action, narrative in Update.objects.filter(
                    pk__in=[pk for pk, _, _ in chosen]
                ).values_list("pk", "action_id", "narrative")
            }
            for pk, aid, day in chosen:
                assert found[pk][0] == aid, (pk, aid, found[pk])
                # Approved a few days after it was written, and not before the plan went public.
                moment = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(
                    days=rng.randint(1, 5), minutes=rng.randint(0, 8 * 60)
                )
                moment = min(max(moment, published), dt.datetime.combine(self.today, dt.time()))
                text = self._moment(moment)
                decisions.append((len(decisions) + 1, pk, "published", found[pk][1], 2, text, text))
        self.special["public_small_plan_id"] = small
        self.ins(
            Publication, "id plan slug introduction published_at first_published_at published_by"
        ).write(publications)
        ins = self.ins(PublicUpdate, "id update state text decided_by decided_at published_at")
        ins.write(decisions)
        return len(publications) + ins.rows

    # --- Public events -------------------------------------------------------------------------
    def public_events(self) -> int:
        from plantrack.public.models import Event

        rng = self.rng
        bench, small, *others = self.borough_ids
        councils = [o for o, name in self.org_name.items() if name.endswith("Council")][:6]
        # The big register's activities by the borough they are in: some events deliver one.
        activities: dict[int, list[int]] = {}
        for aid in range(1, len(self.act_home)):
            if self.act_register[aid] == 1:
                activities.setdefault(self.act_home[aid], []).append(aid)
        now = dt.datetime.combine(self.today, dt.time())  # the day began before the build
        rows: list[tuple] = []

        def event(borough: int, first_day: int, last_day: int, ward_share: float) -> None:
            wards = self.borough_wards[borough]
            area = rng.choice(wards) if rng.random() < ward_share else borough
            kind, pattern = rng.choice(EVENT_KINDS)
            place = rng.choice(PLACES)
            starts = dt.datetime.combine(
                self.today + dt.timedelta(days=rng.randint(first_day, last_day)),
                dt.time(rng.choice(range(9, 20)), rng.choice((0, 15, 30))),
            )
            ends = starts + dt.timedelta(minutes=rng.choice((60, 90, 120, 180)))
            notice = dt.timedelta(days=rng.randint(0, 30), hours=-rng.randint(0, 8))
            published = starts - notice
            if published > now:  # nothing is published in the future
                published = now - dt.timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 8))
            cancelled, reason = None, ""
            if rng.random() < 0.04:
                until = min(starts, now)
                cancelled = self._moment(published + (until - published) * rng.random())
                reason = rng.choice(CANCEL_REASONS)
            linked = activities.get(borough) if kind == "engagement" else None
            rows.append(
                (
                    len(rows) + 1,
                    1 if rng.random() < 0.85 else rng.choice(councils),
                    area,
                    kind,
                    pattern.format(place),
                    rng.choice(PURPOSES),
                    f"{rng.randint(1, 200)} {rng.choice(STREETS)} ({place})",
                    self._moment(starts),
                    self._moment(ends),
                    rng.choice(linked) if linked and rng.random() < 0.3 else None,
                    self._moment(published),
                    2 if rng.random() < 0.5 else rng.randint(3, len(self.user_name)),
                    cancelled,
                    reason,
                )
            )

        for _ in range(BOROUGH_EVENTS):
            event(bench, -182, 182, 0.85)
        for _ in range(SMALL_BOROUGH_EVENTS):
            event(small, 1, 90, 1.0)
        for _ in range(OTHER_EVENTS):
            event(rng.choice(others), -182, 182, 0.85)
        rows.sort(key=lambda row: (row[10], row[0]))  # ids in the order they were published
        rows = [(n, *row[1:]) for n, row in enumerate(rows, start=1)]
        ins = self.ins(
            Event,
            """
                id organisation area kind title purpose place starts_at ends_at activity
                published_at published_by cancelled_at cancelled_reason
            """,
        )
        ins.write(rows)
        self.special.update(public_borough_id=bench, public_small_borough_id=small)
        return ins.rows
