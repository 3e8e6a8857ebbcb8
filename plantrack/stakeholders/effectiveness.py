"""How good are our lists? (seed 002: "assess effectiveness of current stakeholder lists").
Per borough, from what the database holds: how many contacts, how many had their details
confirmed in the last year, how many have no lawful basis recorded, whose email bounced, how
many probable duplicates wait, and how many have had no interaction within their retention
period. A contact in several wards counts once per borough; one with no area counts under
"No area recorded".

Read in three queries and a pass over the contacts, so the page is cached under the database's
version (every write to the database moves it): numbers are as of the last change.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from plantrack.core.cache import cached
from plantrack.directory.models import Area
from plantrack.stakeholders import duplicates
from plantrack.stakeholders.models import Basis, Contact, Database

NO_AREA = "No area recorded"
# Pairs counted at most: beyond it the count says "at least".
MAX_PAIRS = 5000


@dataclass
class Row:
    borough: str
    contacts: int = 0
    verified: int = 0
    no_basis: int = 0
    bounced: int = 0
    duplicates: int = 0
    idle: int = 0
    ids: set[int] = field(default_factory=set, repr=False)

    def share(self, part: int) -> int:
        return round(100 * part / self.contacts) if self.contacts else 0

    @property
    def verified_share(self) -> int:
        return self.share(self.verified)


def _boroughs(database: Database) -> dict[int, list[str]]:
    """Each contact's boroughs (the borough above or at each of its areas)."""
    through = Contact.areas.through
    pairs = through.objects.filter(contact__database=database).values_list(
        "contact_id", "area__path"
    )
    paths = list(pairs)
    borough_ids = {int(p.strip("/").split("/")[1]) for _, p in paths if p.count("/") >= 3}
    names = dict(Area.objects.filter(pk__in=borough_ids).values_list("pk", "name"))
    found: dict[int, list[str]] = defaultdict(list)
    for contact_id, path in paths:
        parts = path.strip("/").split("/")
        name = names.get(int(parts[1])) if len(parts) >= 2 else None
        if name and name not in found[contact_id]:
            found[contact_id].append(name)
    return found


def measure(database: Database, *, today: dt.date) -> list[Row]:
    year_ago = today - dt.timedelta(days=365)
    rows: dict[str, Row] = {}
    boroughs = _boroughs(database)
    contacts = (
        Contact.objects.filter(database=database)
        .exclude(state__in=Contact.HIDDEN)
        .annotate(has_basis=Exists(Basis.objects.filter(contact=OuterRef("pk"))))
        .values_list("pk", "verified_on", "email_bounced_on", "state", "review_from", "has_basis")
    )
    total = Row("All boroughs")
    for pk, verified_on, bounced_on, state, review_from, has_basis in contacts.iterator(
        chunk_size=5000
    ):
        idle = state == Contact.State.REVIEW or (review_from is not None and review_from <= today)
        for row in [total, *(rows.setdefault(b, Row(b)) for b in boroughs.get(pk) or [NO_AREA])]:
            row.contacts += 1
            row.verified += bool(verified_on and verified_on >= year_ago)
            row.no_basis += not has_basis
            row.bounced += bool(bounced_on)
            row.idle += idle
            row.ids.add(pk)
    for pair in itertools.islice(duplicates.pending_pairs(database), MAX_PAIRS):
        for row in [total, *rows.values()]:
            if pair.first.pk in row.ids or pair.second.pk in row.ids:
                row.duplicates += 1
    for row in [total, *rows.values()]:
        row.ids = set()  # needed only for the duplicates: not kept in the cache
    return [*sorted(rows.values(), key=lambda r: (r.borough == NO_AREA, r.borough)), total]


def measure_cached(database: Database, *, today: dt.date) -> list[Row]:
    key = ("stakeholders-effectiveness", database.pk, database.version, today.isoformat())
    return cached(key, lambda: measure(database, today=today))
