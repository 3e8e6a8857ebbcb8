"""Every write of the reporting cycle: owners' commentary, chasing it, and board packs.

A pack is prepared by a background task (plantrack/packs/tasks.py, doing jobs.py) that builds
its snapshot and renders its draft files (PDF, Word and Excel, every page marked "Draft"),
reviewed as a draft, and published: a second task renders the final files from the same
snapshot and stores them. From the moment publishing starts, the pack, its snapshot and its
files never change again: every service here refuses. Nothing is rendered while a page
waits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode

from plantrack.accounts.models import User
from plantrack.core import changes
from plantrack.core.cache import progress_clear, progress_of
from plantrack.core.finyears import period_with_name
from plantrack.core.services import attribute_to, require
from plantrack.directory.models import Person
from plantrack.directory.selectors import mail_address
from plantrack.governance.models import Body, Chase, Commentary, Meeting
from plantrack.packs import selectors
from plantrack.packs.jobs import PROGRESS_KEY
from plantrack.packs.models import Pack
from plantrack.packs.render import FORMATS, render
from plantrack.packs.tasks import build_pack, publish_pack
from plantrack.plans.models import Action, Plan
from plantrack.plans.selectors import plan_access
from plantrack.plans.services import require_manager

logger = logging.getLogger(__name__)

# --- Commentary -----------------------------------------------------------------------------


@transaction.atomic
def commentary_save(*, actor: User, action: Action, period: str, text: str) -> Commentary:
    """Write (or rewrite) the commentary on an action for a period. Those who may post its
    updates may (its owners while they hold a contributor role, the plan's managers); the
    earlier text stays in the commentary's history."""
    require(
        plan_access(actor, action.plan).can_post_update(action),
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
    attribute_to(commentary, actor)
    commentary.save()
    # Saved without save_validated (its uniqueness is checked above, by period), so it says so.
    changes.plans_changed([action.plan_id])
    return commentary


def _link(path: str, **query: str | int) -> str:
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
    address = mail_address(person)
    if not address:
        raise ValidationError(
            f"{person.display_name} has no verified email address in the directory: add one "
            "and ask them to confirm it first."
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
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    return chase


# --- Packs ----------------------------------------------------------------------------------


def pack_progress(pack: Pack) -> int | None:
    """How far through preparing or publishing the pack is, in percent; None when unknown."""
    if pack.status not in Pack.WORKING:
        return 100
    return progress_of(PROGRESS_KEY.format(pack.pk))


def pack_prepare(
    *,
    actor: User,
    body: Body,
    period: str,
    meeting: Meeting | None = None,
    engagement: bool = False,
    self_assessment: bool = False,
) -> Pack:
    """Start building a draft pack for a body, period and (optionally) meeting; with
    ``engagement``, its engagement section (packs/engagement.py: the registers the actor may
    read); with ``self_assessment``, its self-assessment section (packs/self_assessment.py:
    the cycles the actor may read)."""
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
            title=f"{body.name}: board pack for {period_with_name(period)}",
            status=Pack.Status.PREPARING,
            created_by=actor,
            engagement=engagement,
            self_assessment=self_assessment,
        )
        pack.plans.set(selectors.body_plan_ids(body))
    build_pack.enqueue(pack.pk)
    pack.refresh_from_db()
    return pack


def _require_can_publish(actor: User, pack: Pack) -> None:
    require(
        selectors.can_publish_pack(actor, pack),
        "Only a manager of one of the plans in this pack can change or publish it.",
    )


def _require_not_published(pack: Pack) -> None:
    if pack.status == Pack.Status.PUBLISHED:
        raise ValidationError("This pack is published: it cannot be changed.")
    if pack.status == Pack.Status.PUBLISHING:
        raise ValidationError("This pack is being published: it cannot be changed.")


def pack_rebuild(*, actor: User, pack: Pack) -> Pack:
    """Build a draft (or failed) pack again from today's data, e.g. after owners commented."""
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


def pack_publish(*, actor: User, pack: Pack, allow_missing: bool = False) -> Pack:
    """Freeze a draft: from now on it cannot change, and a background task renders its three
    final files from the snapshot and keeps them for ever.

    Every exception should have its owner's commentary first; publishing without some of it
    needs ``allow_missing`` (the pack then says which items have none)."""
    _require_can_publish(actor, pack)
    with transaction.atomic():
        pack = Pack.objects.select_for_update().get(pk=pack.pk)
        _require_not_published(pack)
        if pack.status != Pack.Status.DRAFT:
            raise ValidationError("Only a draft pack can be published: wait until it is prepared.")
        missing = pack.snapshot.get("summary", {}).get("missing_commentary", 0)
        if missing and not allow_missing:
            raise ValidationError(
                f"{missing} exception{'s' if missing != 1 else ''} in this pack "
                f"{'have' if missing != 1 else 'has'} no commentary: chase the owners and "
                "prepare the pack again, or confirm that you want to publish without it."
            )
        pack.status = Pack.Status.PUBLISHING
        pack.published_by = actor
        pack.error = ""
        pack.save(update_fields=["status", "published_by", "error"])
    progress_clear(PROGRESS_KEY.format(pack.pk))
    publish_pack.enqueue(pack.pk)
    pack.refresh_from_db()
    return pack


def pack_file(pack: Pack, fmt: str) -> bytes:
    """A pack's file: a published pack's stored bytes, or a draft's stored draft (rendered now
    only if it has none, as packs prepared before drafts were stored)."""
    if fmt not in FORMATS:
        raise ValidationError(f"Unknown format “{fmt}”: choose pdf, docx or xlsx.")
    if pack.status not in (Pack.Status.DRAFT, Pack.Status.PUBLISHED):
        raise ValidationError("This pack is not ready yet.")
    draft = pack.status == Pack.Status.DRAFT
    data = selectors.pack_file_data(pack, fmt, draft=draft)
    if data is not None:
        return data
    if not draft:  # cannot happen: publishing stores all three in one transaction
        raise ValidationError("This pack's file is missing.")
    return render(pack.snapshot, fmt, draft=True)
