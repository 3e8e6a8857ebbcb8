from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from plantrack.accounts.models import User
from plantrack.directory.models import (
    Area,
    Invitation,
    Membership,
    MergeRecord,
    Organisation,
    Person,
)

ORGANISATION_IDS_SECONDS = 60


def organisation_ids_for(user: User) -> set[int]:
    """The organisations a user belongs to, with every unit beneath them.

    Asked on every page, so kept for a minute: a new membership takes at most that long to
    open its organisation's plans.
    """
    if not user.is_authenticated:
        return set()
    found = getattr(user, "_plantrack_org_ids", None)
    if found is None:
        key = f"plantrack:org-ids:{user.pk}"
        found = cache.get(key)
        if found is None:
            found = _walk_organisations(user)
            cache.set(key, found, ORGANISATION_IDS_SECONDS)
        # A memo for the rest of this request, on the user object itself.
        user._plantrack_org_ids = found  # type: ignore[attr-defined]
    return found


def forget_organisation_ids(user: User) -> None:
    cache.delete(f"plantrack:org-ids:{user.pk}")
    user.__dict__.pop("_plantrack_org_ids", None)


def _walk_organisations(user: User) -> set[int]:
    return with_units(
        Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    )


def with_units(organisation_ids: Iterable[int]) -> set[int]:
    """The organisations given and every unit beneath them."""
    frontier = set(organisation_ids)
    found: set[int] = set()
    # The tree is shallow (force → command → unit), so a few queries walk it.
    while frontier:
        found |= frontier
        frontier = (
            set(Organisation.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
            - found
        )
    return found


def organisations_visible_to(user: User, q: str = "") -> QuerySet[Organisation]:
    """The directory is shared by everyone signed in: partners need to find each other."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    organisations = Organisation.objects.select_related("parent").annotate(
        people_count=Count("people", distinct=True, filter=Q(people__merged_into__isnull=True))
    )
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    return organisations.order_by("name")


def organisation_get_for_user(user: User, pk: int) -> Organisation:
    """Also one merged into another: its page says so and keeps its history."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Organisation.all_objects.select_related("parent", "merged_into"), pk=pk
    )


def people_visible_to(user: User, q: str = "") -> QuerySet[Person]:
    if not user.is_authenticated:
        return Person.objects.none()
    people = Person.objects.select_related("organisation", "user")
    if q:
        people = people.filter(
            Q(name__icontains=q)
            | Q(post__icontains=q)
            | Q(staff_number__icontains=q)
            | Q(job_title__icontains=q)
        )
    return people.order_by("name", "post")


def person_get_for_user(user: User, pk: int) -> Person:
    """Also one merged into another: their page says so and keeps their history."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Person.all_objects.select_related("organisation", "user", "merged_into"), pk=pk
    )


def merges_into(entry: Person | Organisation) -> QuerySet[MergeRecord]:
    """The merges into ``entry`` still in force, newest first (undone from its page)."""
    kind = MergeRecord.Kind.PERSON if isinstance(entry, Person) else MergeRecord.Kind.ORGANISATION
    return MergeRecord.objects.filter(
        kind=kind, undone_at__isnull=True, **{f"kept_{kind}": entry}
    ).select_related(f"merged_{kind}", "merged_by")


def merge_record_get_for_user(user: User, pk: int) -> MergeRecord:
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        MergeRecord.objects.select_related(
            "kept_person", "merged_person", "kept_organisation", "merged_organisation"
        ),
        pk=pk,
    )


def person_for_user(user: User) -> Person | None:
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def mail_address(person: Person) -> str:
    """Where mail for a person may go: their user's address (never a deactivated user's),
    else their own once verified (Person.verified_email)."""
    if person.user_id is not None and person.user:
        if not person.user.is_active:
            return ""
        if person.user.email:
            return person.user.email
    return person.verified_email


def can_edit_directory(user: User) -> bool:
    """Site admins, plan managers and organisation members keep the shared directory."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.plan_roles.filter(role="manager").exists() or user.memberships.exists()


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    """Site admins, and members of the organisation or of one above it.

    Editing someone else's organisation is refused: its name and place are what other
    partnerships rely on to find it.
    """
    if not user.is_authenticated:
        return False
    return user.is_superuser or organisation.pk in organisation_ids_for(user)


def can_place_organisation(
    user: User, organisation: Organisation | None, old_parent_id: int | None, parent_id: int | None
) -> bool:
    """May ``user`` put ``organisation`` (None: a new one) beneath ``parent_id``?

    Members see every plan beneath their organisations, so placing an organisation beneath
    another is a grant of access to its plans: only site admins, or someone who belongs to both
    the old place and the new one. A top-level organisation's old place is itself.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    mine = organisation_ids_for(user)
    if organisation is None or organisation.pk is None:
        return parent_id is None or parent_id in mine
    old_place = old_parent_id if old_parent_id is not None else organisation.pk
    new_place = parent_id if parent_id is not None else old_place
    return old_place in mine and new_place in mine


def person_owns_actions(person: Person) -> bool:
    return person.pk is not None and person.ownerships.exists()


def can_edit_person(user: User, person: Person) -> bool:
    """Site admins; the person's own user; members of the person's organisation.

    A person with no organisation is kept by the managers of the plans whose actions they own,
    or, while they own none, by anyone who keeps the directory.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser or (person.user_id is not None and person.user_id == user.pk):
        return True
    if not can_edit_directory(user):
        return False
    if person.organisation_id is not None:
        return person.organisation_id in organisation_ids_for(user)
    owned = person.ownerships.all()
    if not owned.exists():
        return True
    # A lookup across the relation, not an import: plans sits above directory.
    return owned.filter(
        action__plan__roles__user=user, action__plan__roles__role="manager"
    ).exists()


def can_merge(user: User, keep: Person | Organisation, merged: Person | Organisation) -> bool:
    """Merging moves every link of one entry to the other (ownerships, memberships, plans):
    directory keepers who may edit both entries."""
    if not can_edit_directory(user):
        return False
    if isinstance(keep, Person) and isinstance(merged, Person):
        return can_edit_person(user, keep) and can_edit_person(user, merged)
    if isinstance(keep, Organisation) and isinstance(merged, Organisation):
        return can_edit_organisation(user, keep) and can_edit_organisation(user, merged)
    return False


def can_change_email(user: User, person: Person) -> bool:
    """Digests and chase mails go to a person's address: once they own actions, only a site
    admin or the person's own user may change it."""
    if user.is_superuser or (person.user_id is not None and person.user_id == user.pk):
        return True
    return not person_owns_actions(person)


def people_sharing_staff_number(person: Person) -> QuerySet[Person]:
    if not person.staff_number:
        return Person.objects.none()
    return Person.objects.filter(staff_number=person.staff_number).exclude(pk=person.pk)


# --- Areas ----------------------------------------------------------------------------------


def areas_visible_to(user: User, q: str = "") -> QuerySet[Area]:
    """Places are shared by everyone signed in, as organisations are."""
    if not user.is_authenticated:
        return Area.objects.none()
    areas = Area.objects.select_related("parent")
    if q:
        areas = areas.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(ons_code__iexact=q))
    return areas.order_by("path")


def area_get_for_user(user: User, pk: int) -> Area:
    return get_object_or_404(areas_visible_to(user), pk=pk)


def can_edit_area(user: User, area: Area) -> bool:
    """Site admins, and members of the organisation keeping the area (or of one above it).
    Wards and boroughs are what every register and report counts by: not anyone's to move."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return area.organisation_id is not None and area.organisation_id in organisation_ids_for(user)


def can_add_area(user: User, parent: Area | None) -> bool:
    """A force area (no parent) is added by a site admin; a place beneath one by those who
    may edit the place above."""
    if not user.is_authenticated:
        return False
    if parent is None:
        return user.is_superuser
    return can_edit_area(user, parent)


def areas_stamp() -> tuple[int, str | None]:
    """How many areas there are and when one last changed, for cache keys of pages that list
    or filter by places: an area added, renamed or moved changes it (one query)."""
    found = Area.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    return found["n"], found["latest"].isoformat() if found["latest"] else None


def organisations_stamp() -> tuple[int, str | None]:
    """How many organisations there are and when one last changed, for cache keys of pages
    that name them: one added, renamed or moved changes it (one query)."""
    found = Organisation.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    return found["n"], found["latest"].isoformat() if found["latest"] else None


def area_children(area: Area) -> QuerySet[Area]:
    return Area.objects.filter(parent=area).annotate(child_count=Count("children")).order_by("name")


def area_ancestors(area: Area) -> list[Area]:
    ids = [int(pk) for pk in area.path.strip("/").split("/") if pk][:-1]
    found = {a.pk: a for a in Area.objects.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def area_roots(user: User) -> QuerySet[Area]:
    return (
        areas_visible_to(user)
        .filter(parent__isnull=True)
        .annotate(child_count=Count("children"))
        .order_by("name")
    )


# --- Invitations ----------------------------------------------------------------------------


def organisations_managed_by(user: User) -> set[int]:
    """The organisations a user manages (Membership.Role.MANAGER), with every unit beneath."""
    if not user.is_authenticated:
        return set()
    return with_units(
        Membership.objects.filter(user=user, role=Membership.Role.MANAGER).values_list(
            "organisation_id", flat=True
        )
    )


def can_invite(user: User, organisation: Organisation | None = None) -> bool:
    """Site admins invite into any organisation; its managers into theirs (and its units).
    Without an organisation: may the user invite anyone at all?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    managed = organisations_managed_by(user)
    return bool(managed) if organisation is None else organisation.pk in managed


def organisations_to_invite_into(user: User) -> QuerySet[Organisation]:
    organisations = Organisation.objects.order_by("name")
    if user.is_superuser:
        return organisations
    return organisations.filter(pk__in=organisations_managed_by(user))


def invitations_sent_by(user: User) -> QuerySet[Invitation]:
    """The invitations a user sent (a site admin sees everyone's), newest first."""
    invitations = Invitation.objects.select_related("organisation", "invited_by")
    if not user.is_superuser:
        invitations = invitations.filter(invited_by=user)
    return invitations.order_by("-created_at", "-id")


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
