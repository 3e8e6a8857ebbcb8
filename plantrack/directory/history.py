from __future__ import annotations

from plantrack.core.history import Entry, entries_for, merged
from plantrack.directory.models import Organisation, Person


def organisation_name(pk) -> str:
    if pk is None:
        return "—"
    found = Organisation.all_objects.filter(pk=pk).values_list("name", flat=True).first()
    return found or "—"


def person_name(pk) -> str:
    if pk is None:
        return "—"
    person = Person.all_objects.filter(pk=pk).first()
    return person.display_name if person else "—"


def person_history(person: Person) -> list[Entry]:
    return merged(
        entries_for(
            Person.history.filter(id=person.pk),
            lambda r: "Entry",
            {
                "organisation_id": organisation_name,
                "user_id": lambda pk: "linked" if pk else "—",
                "merged_into_id": person_name,
            },
        )
    )


def organisation_history(organisation: Organisation) -> list[Entry]:
    return merged(
        entries_for(
            Organisation.history.filter(id=organisation.pk),
            lambda r: "Entry",
            {"parent_id": organisation_name, "merged_into_id": organisation_name},
        )
    )
