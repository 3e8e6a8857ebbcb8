"""Every write of the reporting cycle: owners' commentary, chasing it, and board packs.

A pack is prepared by a background task (plantrack/packs/tasks.py) that builds its snapshot,
reviewed as a draft (files rendered on demand, marked "Draft"), and published: publishing
renders the PDF, Word and Excel files from the snapshot and stores them. A published pack,
its snapshot and its files never change again: every service here refuses."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from plantrack.accounts.models import User
from plantrack.core.cache import progress_clear, progress_of, progress_reporter
from plantrack.core.services import require
from plantrack.directory.models import Person
from plantrack.governance.models import Body, Chase, Commentary, Meeting
from plantrack.packs import selectors
from plantrack.packs.models import Pack, PackFile
from plantrack.packs.render import FORMATS, render
from plantrack.packs.snapshot import build_snapshot
from plantrack.plans.models import Action, Plan
from plantrack.plans.selectors import plan_access
from plantrack.plans.services import require_manager, touch_plans

logger = logging.getLogger(__name__)

# --- Commentary -----------------------------------------------------------------------------


@transaction.atomic
def commentary_save(*, actor: User, action: Action, period: str, text: str) -> Commentary:
    """Write (or rewrite) the commentary on an action for a period. Owners of the action and
    managers of its plan may; the earlier text stays in the commentary's history."""
    require(
        plan_access(actor, action.plan).can_manage or selectors.owns_action(actor, action),
        "Only the action's owners and the plan's managers can write its commentary.",
    )
    period = selectors.period_normalise(period)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the commentary."})
    commentary = Commentary.objects.filter(action=action, period=period).first()
    if commentary is None:
        commentary = Commentary(action=action, period=period)
    commentary.text = text
    commentary.author = actor
    commentary.author_name = actor.display_name
    commentary.full_clean(exclude=["action", "author"], validate_unique=False)
    commentary._history_user = actor
    commentary.save()
    touch_plans([action.plan_id])
    return commentary


def _link(path: str, **query) -> str:
    return f"{settings.PLANTRACK_BASE_URL}{path}" + (f"?{urlencode(query)}" if query else "")


@transaction.atomic
def chase_send(*, actor: User, plan: Plan, person: Person, period: str) -> Chase:
    """Email one owner the items of the plan still missing their commentary, with links,
    and record the chase. The email goes once the transaction commits."""
    require_manager(actor, plan)
    period = selectors.period_normalise(period)
    missing = selectors.missing_commentary_by_person(period, [plan]).get(person, [])
    if not missing:
        raise ValidationError(
            f"{person.display_name} has no items missing commentary for {period}."
        )
    if not person.email:
        raise ValidationError(
            f"{person.display_name} has no email address in the directory: add one first."
        )
    chase = Chase.objects.create(
        plan=plan, person=person, period=period, items=len(missing), sent_by=actor
    )
    lines = [
        f"Hello {person.name or person.display_name},",
        "",
        f"{actor.display_name} asks for your commentary on {len(missing)} "
        f"item{'s' if len(missing) != 1 else ''} of {plan.title} for {period}, "
        "before the board pack is published:",
        "",
    ]
    for action in missing:
        url = _link(reverse("packs:commentary_write", args=[action.pk]), period=period)
        lines.append(f"- {action.ref + ' ' if action.ref else ''}{action.title[:120]}")
        lines.append(f"  {url}")
    lines += [
        "",
        "All your items for this period:",
        _link(reverse("packs:commentary", args=[plan.pk]), period=period),
        "",
        "PlanTrack",
    ]
    subject = f"Commentary needed: {plan.title} ({period})"
    body = "\n".join(lines)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    )
    return chase


# --- Packs ----------------------------------------------------------------------------------

PROGRESS_KEY = "packs:progress:{}"


def pack_progress(pack: Pack) -> int | None:
    """How far through building the pack is, in percent; None when unknown."""
    if pack.status != Pack.Status.PREPARING:
        return 100
    return progress_of(PROGRESS_KEY.format(pack.pk))


def pack_prepare(*, actor: User, body: Body, period: str, meeting: Meeting | None = None) -> Pack:
    """Start building a draft pack for a body, period and (optionally) meeting."""
    from plantrack.packs.tasks import build_pack

    require(
        selectors.can_prepare_pack(actor, body),
        "Only a manager of one of the plans this body oversees can prepare its packs.",
    )
    period = selectors.period_normalise(period)
    if meeting is not None and meeting.body_id != body.pk:
        raise ValidationError({"meeting": "That meeting is not one of this body's."})
    with transaction.atomic():
        pack = Pack.objects.create(
            body=body,
            meeting=meeting,
            period=period,
            title=f"{body.name}: board pack for {period}",
            status=Pack.Status.PREPARING,
            created_by=actor,
        )
        pack.plans.set(selectors.body_plan_ids(body))
    build_pack.enqueue(pack.pk)
    pack.refresh_from_db()
    return pack


def pack_build(pack_pk: int) -> None:
    """The task: build the snapshot of a pack being prepared; failed, with why, on error."""
    pack = (
        Pack.objects.select_related("body", "meeting", "created_by")
        .filter(pk=pack_pk, status=Pack.Status.PREPARING)
        .first()
    )
    if pack is None:
        return
    try:
        snapshot, plan_ids = build_snapshot(
            pack.body,
            pack.period,
            pack.meeting,
            prepared_by=pack.created_by.display_name if pack.created_by else "",
            progress=progress_reporter(PROGRESS_KEY.format(pack.pk)),
        )
    except Exception:  # a bug must not leave the pack "preparing" for ever
        logger.exception("Building pack %s failed", pack.pk)
        Pack.objects.filter(pk=pack.pk, status=Pack.Status.PREPARING).update(
            status=Pack.Status.FAILED,
            error="The pack could not be built because of an error in PlanTrack.",
        )
        return
    with transaction.atomic():
        # Conditional: a pack published meanwhile (it cannot be, but a second worker might
        # run the same task) is never overwritten.
        updated = Pack.objects.filter(pk=pack.pk, status=Pack.Status.PREPARING).update(
            snapshot=snapshot,
            title=snapshot["title"],
            status=Pack.Status.DRAFT,
            built_at=timezone.now(),
            progress=100,
            error="",
        )
        if updated:
            pack.plans.set(plan_ids)


def _require_can_publish(actor: User, pack: Pack) -> None:
    require(
        selectors.can_publish_pack(actor, pack),
        "Only a manager of one of the plans in this pack can change or publish it.",
    )


def _require_not_published(pack: Pack) -> None:
    if pack.status == Pack.Status.PUBLISHED:
        raise ValidationError("This pack is published: it cannot be changed.")


def pack_rebuild(*, actor: User, pack: Pack) -> Pack:
    """Build a draft (or failed) pack again from today's data, e.g. after owners commented."""
    from plantrack.packs.tasks import build_pack

    _require_can_publish(actor, pack)
    _require_not_published(pack)
    claimed = Pack.objects.filter(
        pk=pack.pk, status__in=[Pack.Status.DRAFT, Pack.Status.FAILED]
    ).update(status=Pack.Status.PREPARING, progress=0, error="")
    if not claimed:
        pack.refresh_from_db()
        _require_not_published(pack)
        raise ValidationError("This pack is being prepared already.")
    progress_clear(PROGRESS_KEY.format(pack.pk))
    build_pack.enqueue(pack.pk)
    pack.refresh_from_db()
    return pack


def _store(pack: Pack, fmt: str, data: bytes) -> PackFile:
    return PackFile.objects.create(
        pack=pack,
        format=fmt,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


@transaction.atomic
def pack_publish(*, actor: User, pack: Pack, allow_missing: bool = False) -> Pack:
    """Freeze a draft: render its three files from the snapshot and keep them for ever.

    Every exception should have its owner's commentary first; publishing without some of it
    needs ``allow_missing`` (the pack then says which items have none)."""
    _require_can_publish(actor, pack)
    pack = Pack.objects.select_for_update().get(pk=pack.pk)
    _require_not_published(pack)
    if pack.status != Pack.Status.DRAFT:
        raise ValidationError("Only a draft pack can be published: wait until it is prepared.")
    missing = pack.snapshot.get("summary", {}).get("missing_commentary", 0)
    if missing and not allow_missing:
        raise ValidationError(
            f"{missing} exception{'s' if missing != 1 else ''} in this pack "
            f"{'have' if missing != 1 else 'has'} no commentary: chase the owners and prepare "
            "the pack again, or confirm that you want to publish without it."
        )
    for fmt in FORMATS:
        _store(pack, fmt, render(pack.snapshot, fmt, draft=False))
    pack.status = Pack.Status.PUBLISHED
    pack.published_at = timezone.now()
    pack.published_by = actor
    pack.save(update_fields=["status", "published_at", "published_by"])
    return pack


def pack_file(pack: Pack, fmt: str) -> bytes:
    """A pack's file: a published pack's stored bytes, or a draft rendered now (marked draft)."""
    if fmt not in FORMATS:
        raise ValidationError(f"Unknown format “{fmt}”: choose pdf, docx or xlsx.")
    if pack.status == Pack.Status.PUBLISHED:
        data = selectors.pack_file_data(pack, fmt)
        if data is None:  # cannot happen: publishing stores all three in one transaction
            raise ValidationError("This pack's file is missing.")
        return data
    if pack.status != Pack.Status.DRAFT:
        raise ValidationError("This pack is not ready yet.")
    return render(pack.snapshot, fmt, draft=True)
