"""Every write to organisations, people, memberships and areas."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.accounts.services import user_activate, user_create_inactive
from plantrack.core.concurrency import claim
from plantrack.core.services import (
    UNSET,
    apply_fields,
    attribute_to,
    require,
    save_validated,
    supplied,
)
from plantrack.directory import merging
from plantrack.directory.models import (
    Area,
    DuplicateDismissal,
    Invitation,
    Membership,
    MergeRecord,
    Organisation,
    Person,
)
from plantrack.directory.selectors import (
    can_add_area,
    can_change_email,
    can_edit_area,
    can_edit_directory,
    can_edit_organisation,
    can_edit_person,
    can_invite,
    can_merge,
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
def membership_add(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    role: str = Membership.Role.MEMBER,
) -> Membership:
    """Site admins add members directly; managers invite them (invitation_create)."""
    require(actor.is_superuser, "Only site admins manage organisation membership.")
    return _membership_grant(actor=actor, user=user, organisation=organisation, role=role)


def membership_from_sign_in(*, actor: User, organisation: Organisation) -> Membership:
    """A user signed in through the organisation's identity provider joins the organisation
    its claims name (directory/sso.py: the deployment's rule), as a member; a manager stays
    one. ``actor`` is the user signing in."""
    return _membership_grant(
        actor=actor, user=actor, organisation=organisation, role=Membership.Role.MEMBER
    )


def _membership_grant(
    *, actor: User, user: User, organisation: Organisation, role: str
) -> Membership:
    """Make ``user`` a member with ``role``; a member already keeps the higher of the two."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose member or manager."})
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
        save_validated(membership, actor=actor)
    elif role == Membership.Role.MANAGER and membership.role != role:
        membership.role = role
        save_validated(membership, actor=actor)
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


# --- Invitations ----------------------------------------------------------------------------

INVITATION_SALT = "plantrack.directory.invitation"
INVITATION_DAYS = 14


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    organisation: Organisation,
    role: str,
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Invite someone by email into an organisation with a role. A new address gets an
    inactive user with no password (accounts.services.user_create_inactive); an address with
    an account already is invited as that user. The link mailed works once, for
    INVITATION_DAYS days (invitation_accept)."""
    require(
        can_invite(actor, organisation),
        "Only site admins and the organisation's managers invite people into it.",
    )
    email = User.objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an email address like name@example.org."}) from None
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose member or manager."})
    found = list(User.objects.filter(email__iexact=email)[:2])
    if len(found) > 1:
        raise ValidationError({"email": "Several accounts use that address: ask a site admin."})
    if found:
        user = found[0]
        if not user.is_active and user.has_usable_password():
            raise ValidationError(
                {"email": "That account has been switched off: ask a site admin."}
            )
        member = Membership.objects.filter(user=user, organisation=organisation).first()
        if member is not None and (member.role == role or role == Membership.Role.MEMBER):
            raise ValidationError(
                {"email": f"{user.display_name} is already a {member.role} of {organisation}."}
            )
    else:
        user = user_create_inactive(
            actor=actor, email=email, first_name=first_name, last_name=last_name
        )
    invitation = Invitation(
        email=email,
        user=user,
        organisation=organisation,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    save_validated(invitation, actor=actor)
    _send_invitation(invitation)
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def _send_invitation(invitation: Invitation) -> None:
    url = settings.PLANTRACK_BASE_URL + reverse(
        "directory:invitation_accept", args=[invitation_token(invitation)]
    )
    inviter = invitation.invited_by.display_name if invitation.invited_by else "PlanTrack"
    subject = f"You are invited to {invitation.organisation} on PlanTrack"
    body = (
        f"Hello {invitation.user.get_full_name() or invitation.email},\n\n"
        f"{inviter} has invited you to join {invitation.organisation} on PlanTrack as a "
        f"{invitation.role}. PlanTrack is where its plans and actions are tracked.\n\n"
        f"To accept, open this link within {INVITATION_DAYS} days; it works once:\n\n{url}\n\n"
        "If you were not expecting this, ignore this message.\n\nPlanTrack"
    )
    address = invitation.email
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation a mailed link names, while it can still be accepted; otherwise a
    ValidationError saying why not (not valid, used, expired)."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        raise ValidationError(
            "This invitation link is not valid: check that the whole link was copied."
        ) from None
    invitations = Invitation.objects.select_related("user", "organisation", "invited_by")
    if for_update:
        # Locks the invitation only: its user and inviter are joined nullable (PostgreSQL
        # refuses FOR UPDATE on the nullable side of an outer join).
        invitations = invitations.select_for_update(of=("self",))
    pk = data.get("i") if isinstance(data, dict) else None
    invitation = invitations.filter(pk=pk).first() if isinstance(pk, int) else None
    if invitation is None:
        raise ValidationError("This invitation has been withdrawn.")
    if invitation.accepted_at is not None:
        raise ValidationError(
            "This invitation has been used already. Sign in with your password, or reset it "
            "if you have forgotten it."
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            f"This invitation expired on {invitation.expires_at:%d %B %Y}: ask whoever "
            "invited you to send a new one."
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str | None = None) -> Invitation:
    """The holder of the mailed link accepts: they set their password (a new account), the
    account becomes active and they join the organisation with the role. Once only."""
    invitation = invitation_for_token(token, for_update=True)
    user = user_activate(actor=invitation.user, password=password)
    _membership_grant(
        actor=user, user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    save_validated(invitation, actor=user)
    return invitation


# --- Clean-up: merging entries, duplicates, placing organisations (docs/directory.md) --------

MERGE_REFUSED = (
    "You can merge only entries you may edit: people and organisations of the organisations "
    "you belong to."
)


def _forget_members(record: MergeRecord, actor: User) -> None:
    """Memberships moved with an organisation: its members' reach changed."""
    forget_organisation_ids(actor)
    for user in User.objects.filter(pk__in=merging.user_ids_touched(record)):
        forget_organisation_ids(user)


@transaction.atomic
def person_merge(*, actor: User, keep: Person, merged: Person) -> MergeRecord:
    """Move every link of ``merged`` (actions owned, bodies, activities...) to ``keep``; the
    merged entry stays, with its history, marked as merged. Undone by merge_undo."""
    require(can_merge(actor, keep, merged), MERGE_REFUSED)
    keep = Person.all_objects.select_for_update().get(pk=keep.pk)
    merged = Person.all_objects.select_for_update().get(pk=merged.pk)
    plan = merging.merge_plan(keep, merged)
    if plan.move_user:
        require(
            actor.is_superuser,
            f"“{merged}” is linked to a user account: only a site admin can merge it.",
        )
    return merging.merge_apply(plan, actor, MergeRecord.Kind.PERSON)


@transaction.atomic
def organisation_merge(*, actor: User, keep: Organisation, merged: Organisation) -> MergeRecord:
    """Move every link of ``merged`` (its people, units, members, plans, the actions it leads)
    to ``keep``; the merged entry stays, with its history, marked as merged."""
    require(can_merge(actor, keep, merged), MERGE_REFUSED)
    keep = Organisation.all_objects.select_for_update().get(pk=keep.pk)
    merged = Organisation.all_objects.select_for_update().get(pk=merged.pk)
    record = merging.merge_apply(
        merging.merge_plan(keep, merged), actor, MergeRecord.Kind.ORGANISATION
    )
    # Members and plans moved: who sees what changed. Say so where operators look.
    security_log.info(
        "organisation %s merged into %s by user %s (record %s)",
        merged.pk,
        keep.pk,
        actor.pk,
        record.pk,
    )
    _forget_members(record, actor)
    return record


@transaction.atomic
def merge_undo(*, actor: User, record: MergeRecord) -> MergeRecord:
    """Put every moved link back on the merged entry, restore the duplicates the merge
    dropped, and list the merged entry again."""
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    kept, merged = record.kept, record.merged
    assert kept is not None and merged is not None
    require(can_merge(actor, kept, merged), MERGE_REFUSED)
    if record.undone_at is not None:
        raise ValidationError("This merge has already been undone.")
    if kept.merged_into_id is not None:
        raise ValidationError(
            f"“{kept}” has since been merged into another entry: undo that merge first."
        )
    merging.merge_reverse(record, actor)
    record.undone_at, record.undone_by = timezone.now(), actor
    save_validated(record, actor=actor)
    if record.kind == MergeRecord.Kind.ORGANISATION:
        security_log.info("merge %s undone by user %s", record.pk, actor.pk)
        _forget_members(record, actor)
    return record


@transaction.atomic
def duplicate_dismiss(
    *, actor: User, kind: str, first_id: int, second_id: int
) -> DuplicateDismissal:
    """Two entries are not the same: the duplicates finder stops offering them."""
    require(can_edit_directory(actor), "Only members of an organisation edit the directory.")
    model = Person if kind == MergeRecord.Kind.PERSON else Organisation
    if kind not in MergeRecord.Kind.values or first_id == second_id:
        raise ValidationError("Choose two different entries.")
    if model.all_objects.filter(pk__in=[first_id, second_id]).count() != 2:
        raise ValidationError("One of those entries no longer exists.")
    low, high = sorted((first_id, second_id))
    found = DuplicateDismissal.objects.filter(kind=kind, first_id=low, second_id=high).first()
    if found is not None:
        return found
    dismissal = DuplicateDismissal(kind=kind, first_id=low, second_id=high, dismissed_by=actor)
    save_validated(dismissal, actor=actor)
    return dismissal


@transaction.atomic
def organisation_parent_set(
    *, actor: User, organisation: Organisation, parent: Organisation
) -> Organisation:
    """Place an organisation beneath another (an imported "Police (CJPO)" under its force):
    the same checks as moving it on its edit page."""
    if parent.pk == organisation.pk:
        raise ValidationError("An organisation cannot sit beneath itself.")
    return organisation_update(actor=actor, organisation=organisation, parent=parent)
