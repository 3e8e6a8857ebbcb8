"""The engagement part of the national dataset (issue 12): places, registers and activities.

A force area (organisation 1's), 40 boroughs with codes and 650 wards, their ``path`` written
as ``Area.save`` writes it ("/1/5/23/": the ids from the top down; ids are assigned here, as
the generator does for every table). Six registers: the big one of organisation 1 holding
``BIG_REGISTER_ACTIVITIES`` activities in 12 business groups, a small one of the same
organisation (10 activities, for the "same queries on less data" checks) and four of other
organisations. Activities cover 1–3 places, mostly wards of one borough; have methods,
communities, an IAP2 level, a status from their dates (some completed), costs, ~1 output each
on average (some recorded for a ward), "you said, we did" outcomes for most completed
activities from *consult* up, progress updates, owners, and evidence rows (links: no file on
disk). The bench manager manages the big and the small register; both bench users are members
of organisation 1, which keeps them, so both read them.

Mixed into ``generate.Generator``: uses its ``rng``, ``today``, ``ins``, ``dt_text`` and the
people and actions it generated before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

ACTIVITIES = 50_000
BIG_REGISTER_ACTIVITIES = 46_000
SMALL_REGISTER_ACTIVITIES = 10
OTHER_REGISTERS = 4  # share the rest
BOROUGHS = 40
WARDS = 650
FORCE_AREA_ID = 1
BIG_REGISTER_ID, SMALL_REGISTER_ID = 1, 2
BIG_REGISTER_GROUPS = 12

BOROUGH_NAMES = [
    "Barnet", "Brent", "Bromley", "Camden", "Croydon", "Ealing", "Enfield", "Greenwich",
    "Hackney", "Hammersmith", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow",
    "Islington", "Kensington", "Kingston", "Lambeth", "Lewisham", "Merton", "Newham",
    "Redbridge", "Richmond", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest",
    "Wandsworth", "Westminster", "Bexley", "Dagenham", "Chelsea", "Fulham", "Woolwich",
    "Walthamstow", "Wimbledon", "Stratford", "Tottenham", "Edmonton",
]  # fmt: skip
WARD_WORDS = [
    "Central", "North", "South", "East", "West", "Park", "Green", "Hill", "Vale", "Common",
    "Village", "Bridge", "Riverside", "Castle", "Abbey", "Church", "Fields", "Heath", "Manor",
]  # fmt: skip
GROUP_NAMES = [
    "Serious Crime Directorate (SCD)", "Diversity & Citizen Focus Directorate",
    "Safer Neighbourhood Central Unit Initiatives", "Individual Borough Based Initiatives",
    "Territorial Policing", "Specialist Operations", "Youth Engagement Unit",
    "Roads and Transport Policing", "Public Order", "Counter Terrorism Command",
    "Criminal Justice", "Corporate Communications",
]  # fmt: skip
COMMUNITIES = [
    "Young people 14-25", "Older residents", "South Asian community", "Black community",
    "Turkish and Kurdish communities", "Somali community", "Polish community",
    "Gypsy, Roma and Traveller communities", "LGBT+ community", "Faith groups",
    "Deaf, deafened and hard of hearing community", "Disabled people", "Business owners",
    "Students", "Parents and carers", "Victims of domestic abuse", "Rough sleepers",
    "Night-time economy workers", "Refugees and asylum seekers", "Rural residents",
    "Neighbourhood Watch members", "Schools", "Tenants and residents associations",
    "Latin American community",
]  # fmt: skip
VERBS = [
    "Street briefing on", "Public meeting about", "Survey of residents on", "Workshop on",
    "Drop-in session about", "Youth forum on", "Community walkabout focused on",
    "Online consultation on", "Presentation to schools about", "Stall at the summer fair on",
]  # fmt: skip
TOPICS = [
    "anti-social behaviour in the town centre", "knife crime and young people",
    "burglary prevention", "hate crime reporting", "safety in parks after dark",
    "drug dealing near the estate", "road safety outside schools", "domestic abuse support",
    "neighbourhood priorities for the coming year", "trust and confidence in local policing",
    "scams targeting older people", "moped-enabled crime", "violence in the night-time economy",
    "stop and search", "cycle theft at the station", "graffiti and fly-tipping",
]  # fmt: skip
AIMS = [
    "To understand local concerns and agree neighbourhood priorities.",
    "To build trust and confidence with the community.",
    "To raise awareness of how to report crime safely.",
    "To agree an action plan with residents and partners.",
    "To hear from those who are 'hard to reach' and rarely engage.",
    "To measure public satisfaction and fear of crime over time.",
]
METHODS_TEXT = [
    "Leaflet drop followed by a street briefing at a pre-arranged time.",
    "Open meeting with a Q&A session and a follow-up meeting 6 to 8 weeks later.",
    "Questionnaire on paper and online, with interviews at the library.",
    "Presentation with audio/visual aids and distribution of literature.",
    "Stall with officers and partners; conversations recorded on a tablet.",
]
COMMUNITIES_TEXT = [
    "Residents of the priority wards, where reports have risen this year.",
    "Young people excluded from school and their families.",
    "Businesses in the high street affected by shoplifting.",
    "Communities that report least and are most affected.",
    "All who live, work or study in the borough.",
]
BUSINESS_PLAN_LINKS = [
    "SN Gold Plan Activity no.85", "Borough business plan 2025/26 priority 2",
    "Part of the Age Diversity business plan", "Policing plan: confidence",
]  # fmt: skip
RECURRENCES = ["fortnightly", "every month", "each term", "quarterly", "weekly"]
YOU_SAID = [
    "Street lighting on the estate is poor and people feel unsafe walking home.",
    "Young people have nowhere to go in the evenings.",
    "Drug dealing near the primary school is not being dealt with.",
    "Officers are rarely seen on foot in the high street.",
    "Reporting hate crime online is too complicated.",
]
WE_DID = [
    "We worked with the council to repair 14 street lights and added patrols.",
    "We funded an evening youth club with partners, open three nights a week.",
    "We carried out a warrant and increased patrols at school times.",
    "We added two weekly foot patrols and publish them on social media.",
    "We set up two third-party reporting sites with the local mosque and library.",
]
UPDATE_TEXT = [
    "The session took place as planned; notes are with the neighbourhood team.",
    "Turnout was lower than hoped; the next one will be advertised in schools.",
    "Partners attended and agreed three actions for the coming month.",
    "Postponed by a week because of an operation; rearranged with the venue.",
]
OUTPUT_KINDS = (
    ["people_reached"] * 35 + ["sessions"] * 20 + ["wards"] * 5 + ["volunteers"] * 8
    + ["referrals"] * 7 + ["responses"] * 12 + ["partners"] * 8 + ["other"] * 5
)  # fmt: skip
LEVELS = (
    ["inform"] * 25 + ["consult"] * 30 + ["involve"] * 20 + ["collaborate"] * 12
    + ["empower"] * 5 + [""] * 8
)  # fmt: skip
NEEDS_OUTCOME = {"consult", "involve", "collaborate", "empower"}
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month_start(day: dt.date, months: int) -> dt.date:
    m = day.year * 12 + day.month - 1 + months
    return dt.date(m // 12, m % 12 + 1, 1)


class EngagementSteps:
    """Steps of ``generate.Generator`` for the engagement register (see the module doc)."""

    def engagement_steps(self) -> None:
        self.step("areas", self.areas)
        self.step("registers", self.registers)
        self.step("activities", self.activities)
        self.step("activity links", self.activity_links)
        self.step("outputs", self.outputs)
        self.step("outcomes and updates", self.outcomes_and_updates)
        self.step("evidence", self.evidence)

    # --- Places ------------------------------------------------------------------------
    def areas(self) -> int:
        from plantrack.directory.models import Area

        rows = []
        created = self.dt_text(self.today - dt.timedelta(days=900))
        rows.append(
            (FORCE_AREA_ID, "Avon Force Area", "force", "AV", "", None, 1, "/1/", created, created)
        )
        codes: set[str] = set()
        self.borough_ids: list[int] = []
        self.borough_wards: dict[int, list[int]] = {}
        self.area_path: dict[int, str] = {FORCE_AREA_ID: "/1/"}
        per_borough = [WARDS // BOROUGHS + (1 if b < WARDS % BOROUGHS else 0) for b in range(40)]
        next_id = FORCE_AREA_ID + 1
        for b, name in enumerate(BOROUGH_NAMES[:BOROUGHS]):
            letters = name.replace(" ", "").upper()
            code = next(
                c for c in (letters[0] + x for x in letters[1:] + "XYZQWV") if c not in codes
            )
            codes.add(code)
            bid = next_id
            next_id += 1
            path = f"/1/{bid}/"
            rows.append(
                (bid, name, "borough", code, f"E09{b + 1:06d}", FORCE_AREA_ID, None, path,
                 created, created)
            )  # fmt: skip
            self.borough_ids.append(bid)
            self.area_path[bid] = path
            self.borough_wards[bid] = []
        ward_number = 0
        for b, bid in enumerate(self.borough_ids):
            for k in range(per_borough[b]):
                wid = next_id
                next_id += 1
                ward_number += 1
                path = f"{self.area_path[bid]}{wid}/"
                name = f"{BOROUGH_NAMES[b]} {WARD_WORDS[k]}"
                rows.append(
                    (wid, name, "ward", "", f"E05{ward_number:06d}", bid, None, path,
                     created, created)
                )  # fmt: skip
                self.borough_wards[bid].append(wid)
                self.area_path[wid] = path
        assert ward_number == WARDS
        ins = self.ins(
            Area, "id name level code ons_code parent organisation path created_at updated_at"
        )
        ins.write(rows)
        self.special.update(
            force_area_id=FORCE_AREA_ID,
            bench_borough_id=self.borough_ids[0],
            big_register_id=BIG_REGISTER_ID,
            small_register_id=SMALL_REGISTER_ID,
        )
        return ins.rows

    # --- Registers, roles, groups, communities ----------------------------------------------
    def registers(self) -> int:
        from plantrack.engagement.models import Community, Group, Method, Register, RegisterRole

        created = self.dt_text(self.today - dt.timedelta(days=800))
        others = [o for o in range(2, 40) if self.org_parent[o] is None][:OTHER_REGISTERS]
        registers = [
            (BIG_REGISTER_ID, "Avon Police Community Engagement Register", 1),
            (SMALL_REGISTER_ID, "Avon Police Neighbourhood Engagement Pilot", 1),
            *(
                (3 + n, f"{self.org_name[org]} Engagement Register", org)
                for n, org in enumerate(others)
            ),
        ]
        self.ins(Register, "id title organisation created_at updated_at").write(
            (rid, title, org, created, created) for rid, title, org in registers
        )
        # The bench manager manages the big and the small register; a random user the others.
        roles = [(1, BIG_REGISTER_ID, 2, "manager"), (2, SMALL_REGISTER_ID, 2, "manager")]
        for rid, _, _ in registers[2:]:
            roles.append((len(roles) + 1, rid, self.rng.randint(3, len(self.user_name)), "manager"))
        self.ins(RegisterRole, "id register user role").write(roles)
        groups, self.register_groups = [], {}
        for rid, _, _ in registers:
            n = BIG_REGISTER_GROUPS if rid == BIG_REGISTER_ID else 2 if rid == 2 else 4
            self.register_groups[rid] = []
            for position, name in enumerate(GROUP_NAMES[:n]):
                groups.append((len(groups) + 1, rid, name, position))
                self.register_groups[rid].append(len(groups))
        self.ins(Group, "id register name position").write(groups)
        # Communities and methods seeded by migrations are kept; ours are added after them.
        existing = dict(Community.objects.values_list("name", "pk"))
        first = max(existing.values(), default=0) + 1
        added = [name for name in COMMUNITIES if name not in existing]
        self.ins(Community, "id name").write((n, name) for n, name in enumerate(added, start=first))
        self.community_ids = sorted(Community.objects.values_list("pk", flat=True))
        self.method_ids = sorted(Method.objects.values_list("pk", flat=True))
        rest = ACTIVITIES - BIG_REGISTER_ACTIVITIES - SMALL_REGISTER_ACTIVITIES
        self.register_sizes = {BIG_REGISTER_ID: BIG_REGISTER_ACTIVITIES}
        self.register_sizes[SMALL_REGISTER_ID] = SMALL_REGISTER_ACTIVITIES
        for n, (rid, _, _) in enumerate(registers[2:]):
            self.register_sizes[rid] = rest // OTHER_REGISTERS + (
                1 if n < rest % OTHER_REGISTERS else 0
            )
        self.special["register_titles"] = {rid: title for rid, title, _ in registers}
        return len(registers) + len(roles) + len(groups) + len(added)

    # --- Activities --------------------------------------------------------------------------
    def _date_text(self, day: dt.date) -> str:
        """A day as registers write it: a date, a month or a quarter."""
        r = self.rng.random()
        if r < 0.5:
            return f"{day.day:02d}/{day.month:02d}/{day.year}"
        if r < 0.85:
            return f"{MONTH_ABBR[day.month - 1]} {day.year}"
        fy = day.year if day.month >= 4 else day.year - 1
        quarter = ((day.month - 4) % 12) // 3 + 1
        return f"Q{quarter} {fy}/{(fy + 1) % 100:02d}"

    def _parsed(self, text: str) -> tuple:
        from plantrack.core import fuzzydates

        found = self._parse_cache.get(text)
        if found is None:
            p = fuzzydates.parse(text, today=self.today)
            found = self._parse_cache[text] = (
                text,
                p.earliest.isoformat() if p.earliest else None,
                p.latest.isoformat() if p.latest else None,
                p.kind.value if text.strip() else "",
                p.earliest,
                p.latest,
            )
        return found

    def activities(self) -> int:
        from plantrack.core.finyears import fy_of
        from plantrack.engagement.models import Activity

        rng, today = self.rng, self.today
        self._parse_cache: dict[str, tuple] = {}
        blank = ("", None, None, "", None, None)
        n_people = len(self.person_label)
        org1_people = [p for p, org in self.person_org.items() if self.top_of[org] == 1]
        # What later steps need of each activity.
        self.act_status: list = [None]
        self.act_level: list = [None]
        self.act_span: list = [None]  # (earliest start, latest end) as dates or None
        self.act_register: list = [None]
        self.act_home: list = [None]  # the borough the activity is in

        def rows():
            aid = 0
            for rid, size in self.register_sizes.items():
                groups = self.register_groups[rid]
                for position in range(1, size + 1):
                    aid += 1
                    group = groups[rng.randrange(len(groups))] if rng.random() < 0.95 else None
                    home = (
                        self.borough_ids[0]
                        if rid == SMALL_REGISTER_ID
                        else self.borough_ids[rng.randrange(BOROUGHS)]
                    )
                    if rng.random() < 0.08:
                        start, end = blank, blank
                    else:
                        day = _month_start(today, rng.randint(-36, 6)) + dt.timedelta(
                            days=rng.randint(0, 27)
                        )
                        start = self._parsed(self._date_text(day))
                        r = rng.random()
                        if r < 0.3:
                            end = start  # a one-off event
                        elif r < 0.65:
                            length = rng.choice((30, 60, 90, 180, 270, 365))
                            end = self._parsed(self._date_text(day + dt.timedelta(days=length)))
                        else:
                            end = blank if rng.random() < 0.7 else self._parsed("Ongoing")
                    first, last = start[4], end[5]
                    r = rng.random()
                    if r < 0.04:
                        status = "cancelled"
                    elif first is not None and first > today:
                        status = "planned"
                    elif last is not None and last < today:
                        status = "completed" if r < 0.85 else "running"
                    elif first is None:
                        status = "running" if r < 0.7 else "completed" if r < 0.85 else "planned"
                    else:
                        status = "running" if r < 0.88 else "planned"
                    level = rng.choice(LEVELS)
                    rag = {
                        "completed": "blue",
                        "running": rng.choice(("red", "amber", "amber", "green", "green")),
                    }.get(status, "")
                    cost_text, amount, per, cost_year = "", None, "", None
                    r = rng.random()
                    if r < 0.55:
                        amount = Decimal(rng.choice((150, 250, 500, 900, 1500, 2500, 6000, 9000)))
                        per = "year" if rng.random() < 0.35 else "one-off"
                        cost_text = f"£{amount:,.0f}" + (" p.a." if per == "year" else "")
                        if per == "year":
                            cost_year = fy_of(first or today)
                    elif r < 0.62:
                        cost_text = "Officer time only"
                    person = rng.choice(org1_people) if rid <= 2 else rng.randint(3, n_people)
                    self.act_owner_append(aid, person)
                    self.act_status.append(status)
                    self.act_level.append(level)
                    self.act_span.append((first, last))
                    self.act_register.append(rid)
                    self.act_home.append(home)
                    created = self.dt_text(
                        min(first or today, today) - dt.timedelta(days=rng.randint(5, 60))
                    )
                    yield (
                        aid,
                        rid,
                        group,
                        position,
                        f"{rng.choice(VERBS)} {rng.choice(TOPICS)}",
                        self.person_label[person],
                        cost_text,
                        amount,
                        per,
                        cost_year,
                        rng.choice(BUSINESS_PLAN_LINKS) if rng.random() < 0.5 else "",
                        rng.choice(COMMUNITIES_TEXT) if rng.random() < 0.7 else "",
                        rng.choice(AIMS) if rng.random() < 0.85 else "",
                        rng.choice(METHODS_TEXT) if rng.random() < 0.6 else "",
                        level,
                        *start[:4],
                        *end[:4],
                        rng.choice(RECURRENCES) if rng.random() < 0.2 else "",
                        status,
                        rag,
                        created,
                        created,
                    )

        self.activity_owner_rows: list[tuple] = []
        ins = self.ins(
            Activity,
            """
                id register group position title owner_text cost_text cost_amount cost_period
                cost_financial_year business_plan_link communities_text aim method_text level
                start_text start_earliest start_latest start_kind end_text end_earliest
                end_latest end_kind recurrence status rag created_at updated_at
            """,
        )
        ins.write(rows())
        assert ins.rows == ACTIVITIES, ins.rows
        return ins.rows

    def act_owner_append(self, aid: int, person: int) -> None:
        self.activity_owner_rows.append(
            (len(self.activity_owner_rows) + 1, aid, person, 0, self.person_post[person])
        )

    def activity_links(self) -> int:
        """Owners, places (1–3, mostly wards of the activity's borough), methods,
        communities, and a few plan actions (not the bench owner's, whose pages are cases)."""
        from plantrack.engagement.models import Activity, ActivityOwner

        rng = self.rng
        self.ins(ActivityOwner, "id activity person position post").write(self.activity_owner_rows)
        area_rows, method_rows, community_rows, action_rows = [], [], [], []
        self.act_wards: list = [None]
        linkable = [a for a in range(1, self.first_action[1] + 1) if a not in self.owner_actions]
        for aid in range(1, ACTIVITIES + 1):
            home = self.act_home[aid]
            r = rng.random()
            if r < 0.8:
                wards = self.borough_wards[home]
                chosen = rng.sample(wards, rng.choice((1, 1, 1, 2, 2, 3)))
            elif r < 0.95:
                chosen = [home] + ([rng.choice(self.borough_wards[home])] if r < 0.88 else [])
            else:
                chosen = [FORCE_AREA_ID]
            self.act_wards.append([a for a in chosen if a not in (home, FORCE_AREA_ID)])
            for area in chosen:
                area_rows.append((len(area_rows) + 1, aid, area))
            if rng.random() < 0.75:
                for m in rng.sample(self.method_ids, rng.choice((1, 1, 2))):
                    method_rows.append((len(method_rows) + 1, aid, m))
            if rng.random() < 0.6:
                for c in rng.sample(self.community_ids, rng.choice((1, 1, 2))):
                    community_rows.append((len(community_rows) + 1, aid, c))
            register = self.act_register[aid]
            # A few of the big register's activities deliver plan actions, and all of the
            # small register's, so that its evaluation reads the same tables (the measures).
            if (
                register == BIG_REGISTER_ID and rng.random() < 0.03
            ) or register == SMALL_REGISTER_ID:
                action_rows.append((len(action_rows) + 1, aid, rng.choice(linkable)))
        self.ins(Activity.areas.through, "id activity area").write(area_rows)
        self.ins(Activity.methods.through, "id activity method").write(method_rows)
        self.ins(Activity.communities.through, "id activity community").write(community_rows)
        self.ins(Activity.actions.through, "id activity action").write(action_rows)
        return (
            len(self.activity_owner_rows)
            + len(area_rows)
            + len(method_rows)
            + len(community_rows)
            + len(action_rows)
        )

    def _day_in(self, aid: int) -> dt.date | None:
        first, last = self.act_span[aid]
        if first is None:
            return None
        last = min(last or self.today, self.today)
        if last < first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def outputs(self) -> int:
        """~1 output per activity on average (none for planned or cancelled ones)."""
        from plantrack.engagement.models import Output

        rng = self.rng

        def rows():
            oid = 0
            for aid in range(1, ACTIVITIES + 1):
                if self.act_status[aid] in ("planned", "cancelled"):
                    continue
                for _ in range(rng.choice((0, 1, 1, 1, 1, 2, 2, 2))):
                    oid += 1
                    kind = rng.choice(OUTPUT_KINDS)
                    count = {
                        "people_reached": rng.randint(5, 400),
                        "sessions": rng.randint(1, 12),
                        "wards": rng.randint(1, 6),
                        "responses": rng.randint(10, 900),
                    }.get(kind, rng.randint(1, 30))
                    day = self._day_in(aid) if rng.random() < 0.85 else None
                    wards = self.act_wards[aid]
                    area = rng.choice(wards) if wards and rng.random() < 0.35 else None
                    yield (
                        oid,
                        aid,
                        kind,
                        "Leaflets delivered" if kind == "other" else "",
                        count,
                        day.isoformat() if day else None,
                        area,
                    )

        ins = self.ins(Output, "id activity kind label count date area")
        ins.write(rows())
        return ins.rows

    def outcomes_and_updates(self) -> int:
        """Outcomes for most completed activities from consult up; progress updates on half
        of those under way or done; the activity's last update date and RAG to match."""
        from plantrack.engagement.models import ActivityUpdate, Outcome

        rng = self.rng
        outcomes, updates = [], []
        for aid in range(1, ACTIVITIES + 1):
            status = self.act_status[aid]
            if status == "completed" and self.act_level[aid] in NEEDS_OUTCOME:
                for _ in range(0 if rng.random() < 0.15 else 2 if rng.random() < 0.1 else 1):
                    day = self._day_in(aid)
                    outcomes.append(
                        (len(outcomes) + 1, aid, rng.choice(YOU_SAID), rng.choice(WE_DID),
                         day.isoformat() if day else None)
                    )  # fmt: skip
            if status in ("running", "completed") and rng.random() < 0.5:
                day = self._day_in(aid) or self.today - dt.timedelta(days=rng.randint(1, 300))
                updates.append(
                    (len(updates) + 1, aid, day.isoformat(),
                     "blue" if status == "completed" else rng.choice(("amber", "green")),
                     rng.choice(UPDATE_TEXT), None, self.dt_text(day))
                )  # fmt: skip
        self.ins(Outcome, "id activity you_said we_did date").write(outcomes)
        self.ins(ActivityUpdate, "id activity date rag narrative author created_at").write(updates)
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE engagement_activity SET last_update_on = %s WHERE id = %s",
                [(day, aid) for _, aid, day, *_ in updates],
            )
        return len(outcomes) + len(updates)

    def evidence(self) -> int:
        """Links (no files on disk) on ~40 % of the activities under way or done."""
        from django.contrib.contenttypes.models import ContentType

        from plantrack.engagement.models import Activity
        from plantrack.evidence.models import Evidence

        rng = self.rng
        content_type = ContentType.objects.get_for_model(Activity).pk

        def rows():
            eid = 0
            for aid in range(1, ACTIVITIES + 1):
                if self.act_status[aid] not in ("running", "completed") or rng.random() > 0.4:
                    continue
                for n in range(rng.choice((1, 1, 1, 2))):
                    eid += 1
                    day = self._day_in(aid) or self.today
                    yield (
                        eid,
                        content_type,
                        aid,
                        "link",
                        rng.choice(("Photos of the event", "Feedback summary", "Slides")),
                        f"https://evidence.example.org/activities/{aid}/{n + 1}",
                        "",
                        self.dt_text(day),
                    )

        ins = self.ins(Evidence, "id content_type object_id kind title url file created_at")
        ins.write(rows())
        return ins.rows
