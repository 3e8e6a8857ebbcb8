"""Every write to organisations, people and memberships."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from plantrack.accounts.models import User
from plantrack.core.services import require, save_validated
from plantrack.directory.models import Membership, Organisation, Person
from plantrack.directory.selectors import can_edit_directory, forget_organisation_ids
from plantrack.plans.services import touch_plans_showing

ORGANISATION_FIELDS = {"name", "short_name", "kind", "parent", "email", "website"}
PERSON_FIELDS = {
    "name",
    "rank",
    "job_title",
    "post",
    "staff_number",
    "organisation",
    "email",
    "phone",
    "spoc",
    "user",
}


def _assign(instance, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _check_organisation(organisation: Organisation) -> None:
    clash = Organisation.objects.filter(
        name__iexact=organisation.name, parent=organisation.parent
    ).exclude(pk=organisation.pk)
    if clash.exists():
        raise ValidationError({"name": "There is already an organisation with that name here."})
    parent = organisation.parent
    while parent is not None:
        if parent.pk == organisation.pk:
            raise ValidationError({"parent": "An organisation cannot sit beneath itself."})
        parent = parent.parent


def _write(actor: User, instance, fields: dict, allowed: set[str], check) -> None:
    require(can_edit_directory(actor), "Only members of an organisation edit the directory.")
    _assign(instance, fields, allowed)
    check(instance)
    save_validated(instance, actor=actor)


@transaction.atomic
def organisation_create(*, actor: User, name: str, **fields) -> Organisation:
    organisation = Organisation(name=name.strip())
    _write(actor, organisation, fields, ORGANISATION_FIELDS, _check_organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **fields) -> Organisation:
    _write(actor, organisation, fields, ORGANISATION_FIELDS, _check_organisation)
    touch_plans_showing(organisation=organisation)
    return organisation


def _check_person(person: Person) -> None:
    # Shared staff numbers are allowed: source documents contain typos, and the person page
    # points the clash out rather than refusing the record.
    if not (person.name.strip() or person.post.strip()):
        raise ValidationError("Give a name or a post.")


@transaction.atomic
def person_create(*, actor: User, **fields) -> Person:
    person = Person()
    _write(actor, person, fields, PERSON_FIELDS, _check_person)
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, **fields) -> Person:
    _write(actor, person, fields, PERSON_FIELDS, _check_person)
    touch_plans_showing(person=person)
    return person


@transaction.atomic
def membership_add(*, actor: User, user: User, organisation: Organisation) -> Membership:
    require(actor.is_superuser, "Only site admins manage organisation membership.")
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation)
    forget_organisation_ids(user)
    return membership
