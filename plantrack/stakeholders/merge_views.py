"""Probable duplicates within a database: merge two records of one person, set apart two
people who are not, undo a merge (merges.py)."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core.views import refusal_as_message
from plantrack.stakeholders import duplicates, merges, selectors, services
from plantrack.stakeholders.models import Contact, Merge

SHOWN = 50


def _pair(request: SignedInRequest, database) -> tuple[Contact, Contact]:
    ids = [request.POST.get("first", ""), request.POST.get("second", "")]
    found = {
        c.pk: c
        for c in Contact.objects.filter(
            database=database, pk__in=[int(i) for i in ids if i.isdigit()]
        )
    }
    if len(found) != 2:
        raise ValidationError("Choose two contacts of this database.")
    first, second = (found[int(i)] for i in ids)
    return first, second


@require_GET
def duplicate_pairs(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    services.require_editor(request.user, database)
    pairs = list(itertools.islice(duplicates.pending_pairs(database), SHOWN))
    recent = (
        Merge.objects.filter(database=database)
        .select_related("kept", "merged", "merged_by")
        .order_by("-merged_at")[:20]
    )
    context = {
        "nav_section": "stakeholders",
        "database": database,
        "pairs": pairs,
        "more": len(pairs) == SHOWN,
        "recent": recent,
    }
    return render(request, "stakeholders/duplicates.html", context)


@require_POST
def contacts_merge(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    services.require_editor(request.user, database)
    with refusal_as_message(request):
        kept, other = _pair(request, database)
        merges.contact_merge(actor=request.user, kept=kept, other=other)
        messages.success(request, f"Merged into {kept.name}. You can undo it below.")
    return redirect("stakeholders:duplicates", pk=database.pk)


@require_POST
def contacts_not_duplicate(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    services.require_editor(request.user, database)
    with refusal_as_message(request):
        first, second = _pair(request, database)
        merges.contacts_not_duplicate(actor=request.user, first=first, second=second)
        messages.success(request, "They will not be offered as duplicates again.")
    return redirect("stakeholders:duplicates", pk=database.pk)


@require_POST
def merge_undo(request: SignedInRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(Merge, pk=pk)
    database = selectors.database_get_for_user(request.user, merge.database_id)
    services.require_editor(request.user, database)
    with refusal_as_message(request):
        merges.contact_merge_undo(actor=request.user, merge=merge)
        messages.success(request, "The merge was undone: both records are back as they were.")
    return redirect("stakeholders:duplicates", pk=database.pk)
