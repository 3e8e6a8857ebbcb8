"""Every write to organisations, people, memberships and areas."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.concurrency import claim
from plantrack.core.services import (
    UNSET,
    apply_fields,
    attribute_to,
    require,
    save_validated,
    supplied,
)
from plantrack.directory.models import Area, Membership, Organisation, Person
from plantrack.directory.selectors import (
    can_add_area,
    can_change_email,
    can_edit_area,
    can_edit_directory,
    can_edit_organisation,
    can_edit_person,
    can_place_organisation,
    forget_organisation_ids,
    organisation_ids_for,
)

EMAIL_TOKEN_SALT = "plantrack.directory.email-verification"
EMAIL_TOKEN_DAYS = 14

security_log = logging.getLogger("plantrack.security")


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


def _check_placement(actor: User, organisation: Organisation, old_parent_id: int | None) -> None:
    if organisation.parent_id == old_parent_id and organisation.pk is not None:
        return
    require(
        can_place_organisation(actor, organisation, old_parent_id, organisation.parent_id),
        "Only site admins, or members of both the old and the new parent organisation, "
        "can move an organisation.",
    )


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    short_name: str = UNSET,
    kind: str = UNSET,
    parent: Organisation | None = UNSET,
    email: str = UNSET,
    website: str = UNSET,
) -> Organisation:
    """Anyone who keeps the directory adds partners; beneath another organisation only if they
    belong to it (see can_place_organisation)."""
    fields = supplied(locals(), "actor", "name")
    require(can_edit_directory(actor), "Only members of an organisation edit the directory.")
    organisation = Organisation(name=name.strip())
    apply_fields(organisation, fields)
    _check_placement(actor, organisation, None)
    _check_organisation(organisation)
    save_validated(organisation, actor=actor)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    edit_version: str | None = None,
    name: str = UNSET,
    short_name: str = UNSET,
    kind: str = UNSET,
    parent: Organisation | None = UNSET,
    email: str = UNSET,
    website: str = UNSET,
) -> Organisation:
    """Change the fields given; the others keep their values."""
    fields = supplied(locals(), "actor", "organisation", "edit_version")
    # Read the stored place: a ModelForm has already changed the instance in memory.
    stored = Organisation.objects.select_for_update().filter(pk=organisation.pk)
    old_parent_id = stored.values_list("parent_id", flat=True).get()
    require(
        can_edit_organisation(actor, Organisation(pk=organisation.pk)),
        "Only site admins and members of an organisation can change it.",
    )
    claim(organisation, edit_version)
    apply_fields(organisation, fields)
    _check_placement(actor, organisation, old_parent_id)
    _check_organisation(organisation)
    save_validated(organisation, actor=actor)
    if organisation.parent_id != old_parent_id:
        # Moving an organisation changes who sees its plans: say so where operators look.
        security_log.info(
            "organisation %s moved from parent %s to %s by user %s",
            organisation.pk,
            old_parent_id,
            organisation.parent_id,
            actor.pk,
        )
        forget_organisation_ids(actor)
    return organisation


def _check_person(person: Person) -> None:
    # Shared staff numbers are allowed: source documents contain typos, and the person page
    # points the clash out rather than refusing the record.
    if not (person.name.strip() or person.post.strip()):
        raise ValidationError("Give a name or a post.")


def _check_person_placement(actor: User, person: Person, old_organisation_id: int | None) -> None:
    if person.organisation_id == old_organisation_id or person.organisation_id is None:
        return
    require(
        actor.is_superuser or person.organisation_id in organisation_ids_for(actor),
        "You can only place people in an organisation you belong to.",
    )


def _email_changed(actor: User, person: Person, old_email: str) -> bool:
    """Note a new address as verified (set by a site admin or the person's own user) or not;
    True when a verification mail should go to it."""
    if person.email == old_email:
        return False
    trusted = actor.is_superuser or (person.user_id is not None and person.user_id == actor.pk)
    person.email_verified_at = timezone.now() if trusted and person.email else None
    return bool(person.email) and not trusted


@transaction.atomic
def person_create(
    *,
    actor: User,
    name: str = UNSET,
    rank: str = UNSET,
    job_title: str = UNSET,
    post: str = UNSET,
    staff_number: str = UNSET,
    organisation: Organisation | None = UNSET,
    email: str = UNSET,
    phone: str = UNSET,
    spoc: bool = UNSET,
    user: User | None = UNSET,
) -> Person:
    """A directory entry: a name or a post at least."""
    fields = supplied(locals(), "actor")
    person = Person()
    require(can_edit_directory(actor), "Only members of an organisation edit the directory.")
    if "user" in fields:
        require(actor.is_superuser, "Only site admins link people to user accounts.")
    apply_fields(person, fields)
    _check_person_placement(actor, person, None)
    _check_person(person)
    to_verify = _email_changed(actor, person, "")
    save_validated(person, actor=actor)
    if to_verify:
        _send_verification(person)
    return person


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    edit_version: str | None = None,
    name: str = UNSET,
    rank: str = UNSET,
    job_title: str = UNSET,
    post: str = UNSET,
    staff_number: str = UNSET,
    organisation: Organisation | None = UNSET,
    email: str = UNSET,
    phone: str = UNSET,
    spoc: bool = UNSET,
    user: User | None = UNSET,
) -> Person:
    """Change the fields given; the others keep their values."""
    fields = supplied(locals(), "actor", "person", "edit_version")
    # Read what is stored: a ModelForm has already changed the instance in memory.
    stored = Person.objects.select_for_update().filter(pk=person.pk)
    old_organisation_id, old_email, old_user_id = stored.values_list(
        "organisation_id", "email", "user_id"
    ).get()
    before = Person(pk=person.pk, organisation_id=old_organisation_id, user_id=old_user_id)
    require(
        can_edit_person(actor, before),
        "Only site admins and members of the person's organisation can change their entry.",
    )
    claim(person, edit_version)
    if "user" in fields and getattr(fields["user"], "pk", None) != old_user_id:
        require(actor.is_superuser, "Only site admins link people to user accounts.")
    apply_fields(person, fields)
    if person.email != old_email:
        require(
            can_change_email(actor, before),
            "Only a site admin or the person themselves can change the email address of "
            "someone who owns actions.",
        )
    _check_person_placement(actor, person, old_organisation_id)
    _check_person(person)
    to_verify = _email_changed(actor, person, old_email)
    save_validated(person, actor=actor)
    if to_verify:
        _send_verification(person)
    return person


def email_verification_token(person: Person) -> str:
    return signing.dumps({"p": person.pk, "e": person.email}, salt=EMAIL_TOKEN_SALT)


def _send_verification(person: Person) -> None:
    url = settings.PLANTRACK_BASE_URL + reverse(
        "directory:email_verify", args=[email_verification_token(person)]
    )
    subject = "Confirm your email address for PlanTrack"
    body = (
        f"Hello {person.name or person.display_name},\n\n"
        "Your email address was added to PlanTrack's directory. PlanTrack will send reminders "
        "and requests for commentary about the actions you own to this address once you "
        f"confirm it. To confirm, open this link within {EMAIL_TOKEN_DAYS} days:\n\n{url}\n\n"
        "If this is not you, ignore this message: nothing will be sent to you.\n\nPlanTrack"
    )
    address = person.email
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


@transaction.atomic
def person_email_verification_send(*, actor: User, person: Person) -> None:
    """Send (again) the mail that asks the person to confirm their address."""
    require(can_edit_person(actor, person), "You cannot change this person's entry.")
    if not person.email:
        raise ValidationError("This person has no email address.")
    if person.verified_email:
        raise ValidationError("This email address is already verified.")
    _send_verification(person)


def email_verification_person(token: str) -> Person:
    """The person a verification link names, while their address is still the one it names."""
    try:
        data = signing.loads(token, salt=EMAIL_TOKEN_SALT, max_age=EMAIL_TOKEN_DAYS * 86400)
    except signing.SignatureExpired:
        raise ValidationError("This link has expired: ask for a new one.") from None
    except signing.BadSignature:
        raise ValidationError("This link is not valid.") from None
    person = Person.objects.filter(pk=data.get("p")).first()
    if person is None or not person.email or person.email != data.get("e"):
        raise ValidationError("This link is for an address that is no longer recorded.")
    return person


@transaction.atomic
def person_email_verify(*, token: str) -> Person:
    """The holder of the address confirms it by following the link mailed to it."""
    person = email_verification_person(token)
    if not person.email_verified_at:
        person.email_verified_at = timezone.now()
        attribute_to(person, person.user)
        person.save(update_fields=["email_verified_at", "updated_at"])
    return person


@transaction.atomic
def membership_add(*, actor: User, user: User, organisation: Organisation) -> Membership:
    require(actor.is_superuser, "Only site admins manage organisation membership.")
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation)
    forget_organisation_ids(user)
    return membership


# --- Areas ----------------------------------------------------------------------------------

AREA_ADD_REFUSED = (
    "Only a site admin adds a force area; a place beneath one is added by members of the "
    "organisation keeping the place above."
)


def _check_area(area: Area) -> None:
    parent = area.parent
    if parent is not None and Area.LEVEL_ORDER[Area.Level(parent.level)] >= area.depth:
        raise ValidationError(
            {
                "parent": f"A {area.get_level_display().lower()} cannot sit inside a "
                f"{parent.get_level_display().lower()}."
            }
        )
    while parent is not None:
        if parent.pk == area.pk:
            raise ValidationError({"parent": "An area cannot sit inside itself."})
        parent = parent.parent
    clash = Area.objects.filter(name__iexact=area.name, parent=area.parent).exclude(pk=area.pk)
    if clash.exists():
        raise ValidationError({"name": "There is already an area with that name here."})


def _set_path(area: Area) -> None:
    """Write the area's path, and its descendants' when it has moved (models.Area)."""
    old = area.path
    new = f"{area.parent.path if area.parent else '/'}{area.pk}/"
    if old == new:
        return
    Area.objects.filter(pk=area.pk).update(path=new)
    area.path = new
    if old:
        for child in Area.objects.filter(path__startswith=old).exclude(pk=area.pk):
            Area.objects.filter(pk=child.pk).update(path=new + child.path[len(old) :])


@transaction.atomic
def area_create(
    *,
    actor: User,
    name: str,
    level: str,
    parent: Area | None = None,
    code: str = "",
    ons_code: str = "",
    organisation: Organisation | None = UNSET,
) -> Area:
    require(can_add_area(actor, parent), AREA_ADD_REFUSED)
    if organisation is UNSET:
        organisation = parent.organisation if parent is not None else None
    area = Area(
        name=name.strip(),
        level=level,
        parent=parent,
        code=code.strip(),
        ons_code=ons_code.strip().upper(),
        organisation=organisation,
    )
    _check_area(area)
    save_validated(area, actor=actor, exclude=["path"])
    _set_path(area)
    return area


@transaction.atomic
def area_update(
    *,
    actor: User,
    area: Area,
    edit_version: str | None = None,
    name: str = UNSET,
    level: str = UNSET,
    parent: Area | None = UNSET,
    code: str = UNSET,
    ons_code: str = UNSET,
    organisation: Organisation | None = UNSET,
) -> Area:
    fields = supplied(locals(), "actor", "area", "edit_version")
    require(
        can_edit_area(actor, area),
        "Only members of the organisation keeping this area can change it.",
    )
    claim(area, edit_version)
    old_parent_id = Area.objects.values_list("parent_id", flat=True).get(pk=area.pk)
    apply_fields(area, fields)
    if area.parent_id != old_parent_id:
        require(can_add_area(actor, area.parent), AREA_ADD_REFUSED)
    area.ons_code = area.ons_code.strip().upper()
    _check_area(area)
    save_validated(area, actor=actor, exclude=["path"])
    _set_path(area)
    return area


@transaction.atomic
def areas_import(*, actor: User, rows: list[dict[str, str]]) -> tuple[int, int]:
    """Add or correct areas from rows of name, level, code, ons_code and parent (the parent's
    ONS code, code or name). Rows are taken in order, so a parent comes before its children.
    All or nothing: the first bad row raises a ValidationError naming its line. Returns the
    numbers added and changed."""
    added = changed = 0
    for line, row in enumerate(rows, start=2):
        try:
            was_added = _import_area_row(actor, row)
        except ValidationError as exc:
            raise ValidationError(f"Line {line}: {'; '.join(exc.messages)}") from exc
        added += was_added
        changed += not was_added
    return added, changed


def _find_area(key: str) -> Area | None:
    key = key.strip()
    if not key:
        return None
    for lookup in ({"ons_code__iexact": key}, {"code__iexact": key}, {"name__iexact": key}):
        found = list(Area.objects.filter(**lookup)[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValidationError(f"“{key}” names more than one area: give its ONS code.")
    raise ValidationError(f"No area “{key}” (its parent) is known: list the parent first.")


def _import_area_row(actor: User, row: dict[str, str]) -> bool:
    name = (row.get("name") or "").strip()
    level = (row.get("level") or "").strip().lower()
    if not name:
        raise ValidationError("the name is missing.")
    levels = (
        {v: v for v in Area.Level.values}
        | {label.lower(): value for value, label in Area.Level.choices}
        | {"bocu": "borough", "force": "force", "borough": "borough"}
    )
    if level not in levels:
        raise ValidationError(f"“{level or '(blank)'}” is not a level: use force, borough or ward.")
    parent = _find_area(row.get("parent") or "")
    ons = (row.get("ons_code") or "").strip().upper()
    existing = (
        Area.objects.filter(ons_code=ons).first()
        if ons
        else Area.objects.filter(parent=parent, name__iexact=name).first()
    )
    code = (row.get("code") or "").strip()
    if existing is None:
        area_create(
            actor=actor, parent=parent, name=name, level=levels[level], code=code, ons_code=ons
        )
        return True
    area_update(
        actor=actor,
        area=existing,
        parent=parent,
        name=name,
        level=levels[level],
        code=code,
        ons_code=ons,
    )
    return False
