"""What the background tasks do with a pack (plantrack/packs/tasks.py): build its snapshot and
render its draft files, or render and keep its final files when it is published.

services.py starts them (pack_prepare, pack_rebuild, pack_publish) and enqueues the tasks; the
tasks call these functions, never services.py, so the two do not import each other."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from plantrack.core.cache import progress_reporter
from plantrack.core.outages import lost_the_database
from plantrack.packs.models import Pack, PackFile
from plantrack.packs.render import FORMATS, render
from plantrack.packs.snapshot import build_snapshot

logger = logging.getLogger(__name__)

PROGRESS_KEY = "packs:progress:{}"
# Share of the progress bar for the snapshot; rendering the files takes the rest.
SNAPSHOT_SHARE = 30


def _render_all(
    snapshot: dict[str, Any], *, draft: bool, report: Callable[[int, int], None] | None = None
) -> dict[str, bytes]:
    """The three files of a snapshot, PDF first (the slowest), reporting progress."""
    files = {}
    for done, fmt in enumerate(FORMATS):
        files[fmt] = render(snapshot, fmt, draft=draft)
        if report:
            report(done + 1, len(FORMATS))
    return files


def _fail(pack_pk: int, working: str, error: str, **fields: Any) -> None:
    """A task went wrong: say why on the pack, if it is still in the task's hands."""
    Pack.objects.filter(pk=pack_pk, status=working).update(error=error, **fields)


def pack_build(pack_pk: int) -> None:
    """The task: build the snapshot of a pack being prepared and render its draft files;
    failed, with why, on error."""
    pack = (
        Pack.objects.select_related("body", "meeting", "created_by")
        .filter(pk=pack_pk, status=Pack.Status.PREPARING)
        .first()
    )
    if pack is None:
        return
    report = progress_reporter(PROGRESS_KEY.format(pack.pk))
    try:
        snapshot, plan_ids = build_snapshot(
            pack.body,
            pack.period,
            pack.meeting,
            prepared_by=pack.created_by.display_name if pack.created_by else "",
            progress=lambda done, total: report(done * SNAPSHOT_SHARE, total * 100),
            engagement=pack.engagement,
            self_assessment=pack.self_assessment,
            reader=pack.created_by,
        )
        files = _render_all(
            snapshot,
            draft=True,
            report=lambda done, total: report(
                SNAPSHOT_SHARE * total + done * (100 - SNAPSHOT_SHARE), total * 100
            ),
        )
    except Exception as exc:  # a bug must not leave the pack "preparing" for ever
        if lost_the_database(exc):
            raise  # not the job's fault: the task waits for the database and runs again
        logger.exception("Building pack %s failed", pack.pk)
        _fail(
            pack.pk,
            Pack.Status.PREPARING,
            "The pack could not be built because of an error in PlanTrack.",
            status=Pack.Status.FAILED,
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
            PackFile.objects.filter(pack=pack, draft=True).delete()
            for fmt, data in files.items():
                _store(pack, fmt, data, draft=True)


def _store(pack: Pack, fmt: str, data: bytes, *, draft: bool = False) -> PackFile:
    return PackFile.objects.create(
        pack=pack,
        format=fmt,
        draft=draft,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


def pack_publish_finish(pack_pk: int) -> None:
    """The task: render and store a publishing pack's final files, then mark it published.
    On error it goes back to being a draft, with why, and can be published again."""
    pack = Pack.objects.filter(pk=pack_pk, status=Pack.Status.PUBLISHING).first()
    if pack is None:
        return
    try:
        files = _render_all(
            pack.snapshot, draft=False, report=progress_reporter(PROGRESS_KEY.format(pack.pk))
        )
    except Exception as exc:
        if lost_the_database(exc):
            raise  # not the job's fault: the task waits for the database and runs again
        logger.exception("Publishing pack %s failed", pack.pk)
        _fail(
            pack.pk,
            Pack.Status.PUBLISHING,
            "The pack could not be published because of an error in PlanTrack: it is still a "
            "draft.",
            status=Pack.Status.DRAFT,
            published_by=None,
        )
        return
    with transaction.atomic():
        updated = Pack.objects.filter(pk=pack.pk, status=Pack.Status.PUBLISHING).update(
            status=Pack.Status.PUBLISHED, published_at=timezone.now()
        )
        if updated:
            PackFile.objects.filter(pack=pack).delete()
            for fmt, data in files.items():
                _store(pack, fmt, data)


def pack_task_abandon(task_path: str, args: list, kwargs: dict, reason: str) -> None:
    """A preparing or publishing task given up on (core.hooks.TASK_ABANDONED): the pack
    says why, rather than "preparing" or "publishing" for ever. Other tasks are not this
    function's."""
    if task_path.endswith(".build_pack"):
        _fail(
            _pack_pk(args, kwargs),
            Pack.Status.PREPARING,
            f"The pack was not prepared: {reason}",
            status=Pack.Status.FAILED,
        )
    elif task_path.endswith(".publish_pack"):
        _fail(
            _pack_pk(args, kwargs),
            Pack.Status.PUBLISHING,
            f"The pack was not published (it is still a draft): {reason}",
            status=Pack.Status.DRAFT,
            published_by=None,
        )


def _pack_pk(args: list, kwargs: dict) -> int:
    return int(args[0] if args else kwargs["pack_pk"])
