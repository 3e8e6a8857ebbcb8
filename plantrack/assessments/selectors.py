"""Every read of frameworks, scoped to the user who asks.

Who sees what: members of the owning organisation (and of those above it) and site admins
read every version, drafts included. A published or retired framework is what units assess
themselves against: everyone signed in reads it. Anyone else gets 404."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.assessments.models import Framework, Item
from plantrack.directory.models import Organisation
from plantrack.directory.selectors import organisation_ids_for

SHARED = (Framework.Status.PUBLISHED, Framework.Status.RETIRED)


def frameworks_visible_to(user: User) -> QuerySet[Framework]:
    if not user.is_authenticated:
        return Framework.objects.none()
    if user.is_superuser:
        return Framework.objects.all()
    return Framework.objects.filter(
        Q(status__in=SHARED) | Q(organisation_id__in=organisation_ids_for(user))
    )


def framework_get_for_user(user: User, pk: int) -> Framework:
    try:
        return frameworks_visible_to(user).select_related("organisation", "previous").get(pk=pk)
    except Framework.DoesNotExist as exc:
        raise Http404("No such framework") from exc


def frameworks_for_list(user: User) -> QuerySet[Framework]:
    return (
        frameworks_visible_to(user)
        .select_related("organisation")
        .annotate(
            item_count=Count("items", distinct=True),
            mandatory_count=Count("items", filter=Q(items__mandatory=True), distinct=True),
        )
        .order_by("organisation__name", "title", "-version_number")
    )


def framework_items(framework: Framework) -> QuerySet[Item]:
    return framework.items.select_related("previous").order_by("position", "id")


def item_get_for_user(user: User, pk: int) -> Item:
    found = (
        Item.objects.filter(pk=pk, framework__in=frameworks_visible_to(user))
        .select_related("framework__organisation", "framework__previous")
        .first()
    )
    if found is None:
        raise Http404("No such item")
    return found


def can_keep_frameworks_of(user: User, organisation: Organisation | None = None) -> bool:
    """Site admins; members of ``organisation`` (or of one above it), or of any, if None."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    ids = organisation_ids_for(user)
    return bool(ids) if organisation is None else organisation.pk in ids


def can_edit_framework(user: User, framework: Framework) -> bool:
    return can_keep_frameworks_of(user, framework.organisation)


def organisations_for_new_framework(user: User) -> QuerySet[Organisation]:
    if user.is_superuser:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=organisation_ids_for(user)).order_by("name")


def previous_items(framework: Framework) -> QuerySet[Item]:
    """The items of the version before, which an item of this one may continue."""
    if framework.previous_id is None:
        return Item.objects.none()
    return Item.objects.filter(framework_id=framework.previous_id).order_by("position", "id")
