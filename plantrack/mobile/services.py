"""An engagement activity recorded on the move, in one go.

The phone asks five things (what, ward, where, method, people reached) and a photo; this
writes them through the engagement and evidence services, in one transaction, so an entry
the phone sends again after losing signal is either all saved or not at all (and, with its
Idempotency-Key, saved once: accounts/idempotency.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from plantrack.accounts.models import User
from plantrack.directory.models import Area
from plantrack.directory.selectors import person_for_user
from plantrack.engagement.models import Activity, Method, Output, Register
from plantrack.engagement.services import activity_create, output_record
from plantrack.evidence.files import CheckedUpload, check_upload
from plantrack.evidence.services import evidence_attach_file
from plantrack.plans.selectors import today


def _checked_photo(photo: UploadedFile[bytes] | None) -> CheckedUpload | None:
    if photo is None:
        return None
    # Any file evidence takes (the phone's picker offers the camera; an update's evidence is
    # not limited to images either).
    try:
        return check_upload(photo)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from None


def activity_capture(
    *,
    actor: User,
    register: Register,
    title: str,
    ward: Area | None = None,
    place: str = "",
    method: Method | None = None,
    people_reached: int | None = None,
    photo: UploadedFile[bytes] | None = None,
    on: dt.date | None = None,
) -> Activity:
    """A completed activity held today (or ``on``), owned by the actor's directory entry,
    with its ward, method, a count of people reached and a photo as evidence."""
    checked = _checked_photo(photo)  # read before the transaction, as update_post does
    if on is not None and on > today():
        raise ValidationError({"date": "The activity's date cannot be in the future."})
    on = on or today()
    person = person_for_user(actor)
    with transaction.atomic():
        activity = activity_create(
            actor=actor,
            register=register,
            title=title,
            description=f"Where: {place.strip()}" if place.strip() else "",
            areas=[ward] if ward else [],
            methods=[method] if method else [],
            owners=[person] if person else [],
            start_text=on.strftime("%-d %B %Y"),
            status=Activity.Status.COMPLETED,
        )
        if people_reached is not None:
            output_record(
                actor=actor,
                activity=activity,
                kind=Output.Kind.PEOPLE_REACHED,
                count=people_reached,
                date=on,
                area=ward,
            )
        if checked is not None:
            evidence_attach_file(actor=actor, target=activity, upload=checked, title="Photo")
    return activity
