"""Every write to evidence goes through these functions: attach a file, attach a link, remove.

Permission first, through the rules of the app owning the target (registry.py); then the
upload is read (type from the bytes, size, SHA-256: files.check_upload) before anything is
written. The file goes to the default storage, the row is saved in a transaction, and the
stored file is removed again if the row is not saved. Removing evidence is recorded in its
history and deletes the stored file once the removal is committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.services import delete_recorded, require, save_validated
from plantrack.evidence import registry
from plantrack.evidence.files import CheckedUpload, check_upload
from plantrack.evidence.models import Evidence
from plantrack.evidence.selectors import target_of

REFUSED = "You cannot add or remove evidence here."


def require_attach(actor: User, target: Model) -> None:
    require(registry.can_attach(actor, target), REFUSED)


def _new(actor: User, target: Model, kind: str, title: str) -> Evidence:
    return Evidence(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        kind=kind,
        title=(title or "").strip(),
        uploaded_by=actor,
    )


def evidence_attach_file(
    *,
    actor: User,
    target: Model,
    upload: UploadedFile[bytes] | CheckedUpload,
    title: str = "",
) -> Evidence:
    """Keep ``upload`` as evidence on ``target``; its title defaults to the file's name.
    ``upload`` may be one the caller has checked already (files.check_upload), so that a
    service attaching it inside its own transaction reads it before that transaction."""
    require_attach(actor, target)
    try:
        checked = upload if isinstance(upload, CheckedUpload) else check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    evidence = _new(actor, target, Evidence.Kind.FILE, title or checked.name)
    evidence.original_name = checked.name
    evidence.mime_type = checked.mime_type
    evidence.size = checked.size
    evidence.sha256 = checked.sha256
    # Validated before the bytes are stored, so a refused title stores nothing.
    evidence.full_clean(exclude=["file"])
    # The name passed on keeps only the extension of the type read from the bytes
    # (models.stored_name).
    evidence.file.save(f"upload{checked.type.extensions[0]}", checked.upload, save=False)
    stored = evidence.file.name or ""
    try:
        with transaction.atomic():
            save_validated(evidence, actor=actor)
    except BaseException:
        evidence.file.storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def evidence_attach_link(*, actor: User, target: Model, url: str, title: str) -> Evidence:
    """A link (http or https) as evidence on ``target``, with a title saying what it is."""
    require_attach(actor, target)
    evidence = _new(actor, target, Evidence.Kind.LINK, title)
    evidence.url = (url or "").strip()
    if not evidence.url.lower().startswith(("http://", "https://")):
        raise ValidationError({"url": "Enter a web address starting with https:// or http://."})
    if not evidence.title:
        raise ValidationError({"title": "Say what the link is."})
    save_validated(evidence, actor=actor)
    return evidence


@transaction.atomic
def evidence_remove(*, actor: User, evidence: Evidence) -> None:
    """Remove evidence (recorded in its history); its stored file is deleted once the removal
    is committed, so a rollback leaves the file where the row is."""
    target = target_of(evidence)
    if target is None:
        require(False, REFUSED)
    else:
        require_attach(actor, target)
    stored, storage = evidence.file.name, evidence.file.storage
    delete_recorded(evidence, actor=actor)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# --- Housekeeping -------------------------------------------------------------------------------


def _stored(storage: Storage, folder: str) -> Iterator[str]:
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored(storage, f"{folder}/{sub}")


def evidence_orphans_prune(
    *, older_than_hours: int = 24, now: dt.datetime | None = None
) -> list[str]:
    """Housekeeping, run by `manage.py prune_evidence` (daily): delete the stored files under
    evidence/ that no evidence row names, left by a transaction that failed after its file was
    stored. Only files older than ``older_than_hours``: a newer one may belong to a row being
    saved right now. Returns the names deleted."""
    storage = Evidence._meta.get_field("file").storage
    if not storage.exists("evidence"):
        return []
    cutoff = (now or timezone.now()) - dt.timedelta(hours=older_than_hours)
    named = set(Evidence.objects.exclude(file="").values_list("file", flat=True))
    deleted = []
    for name in _stored(storage, "evidence"):
        if name not in named and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            deleted.append(name)
    return deleted
