"""Every read of evidence, scoped to the user who asks through the rules of the app owning
what it hangs on (registry.py): who may not read the target hears 404, never 403, so that
neither the evidence nor the target is known to exist."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import FileResponse, Http404

from plantrack.accounts.models import User
from plantrack.evidence import files, registry
from plantrack.evidence.models import Evidence

logger = logging.getLogger(__name__)


def _listed() -> QuerySet[Evidence]:
    return Evidence.objects.select_related("uploaded_by").order_by("created_at", "id")


def target_of(evidence: Evidence) -> Model | None:
    """What the evidence hangs on, read through its app's queryset (with what the checks
    need), or None when its model is not registered or the row is gone. Kept on the evidence,
    so that a service given it does not read it again."""
    field = Evidence._meta.get_field("target")
    if field.is_cached(evidence):
        cached: Model | None = field.get_cached_value(evidence)
        return cached
    rule = registry.rule_for_content_type(evidence.content_type_id)
    found = rule.rows().filter(pk=evidence.object_id).first() if rule else None
    field.set_cached_value(evidence, found)
    return found


def target_get_for_user(user: User, key: str, object_id: int) -> Model:
    """The row ``key`` ("plans.update") and ``object_id`` name, if evidence may hang on it
    and the user may read it; 404 otherwise."""
    rule = registry.rule_for_key(key)
    if rule is None:
        raise Http404("Evidence cannot be attached to that")
    target: Model | None = rule.rows().filter(pk=object_id).first()
    if target is None or not registry.can_read(user, target):
        raise Http404("No such thing")
    return target


def evidence_get_for_user(user: User, pk: int) -> Evidence:
    """Evidence the user may read (they may read what it hangs on), or 404."""
    evidence = _listed().filter(pk=pk).first()
    if evidence is None:
        raise Http404("No such evidence")
    target = target_of(evidence)
    if target is None or not registry.can_read(user, target):
        raise Http404("No such evidence")
    return evidence


def evidence_for(user: User, target: Model) -> list[Evidence]:
    """The evidence on one target, oldest first; 404 if the user may not read the target."""
    if not registry.can_read(user, target):
        raise Http404("No such thing")
    return evidence_for_many([target])[target]


def evidence_for_ids(model: type[Model], ids: Iterable[int]) -> dict[int, list[Evidence]]:
    """The evidence on rows of ``model`` by their ids, in one query. For rows already shown
    to the user (a page's updates): it checks nothing."""
    wanted = list(dict.fromkeys(ids))
    found: dict[int, list[Evidence]] = {pk: [] for pk in wanted}
    if not wanted:
        return found
    content_type = ContentType.objects.get_for_model(model)
    for evidence in _listed().filter(content_type=content_type, object_id__in=wanted):
        found[evidence.object_id].append(evidence)
    return found


def evidence_for_many[T: Model](targets: Sequence[T]) -> dict[T, list[Evidence]]:
    """The evidence on each of ``targets`` (of one model or several), in one query, for lists
    without a query per row. The targets are the caller's, already checked: it checks nothing."""
    found: dict[T, list[Evidence]] = {target: [] for target in targets}
    if not targets:
        return found
    by_type: dict[int, dict[Any, T]] = defaultdict(dict)
    for target in targets:
        content_type = ContentType.objects.get_for_model(type(target))
        by_type[content_type.pk][target.pk] = target
    condition = Q()
    for content_type_id, rows in by_type.items():
        condition |= Q(content_type_id=content_type_id, object_id__in=list(rows))
    for evidence in _listed().filter(condition):
        owner = by_type[evidence.content_type_id].get(evidence.object_id)
        if owner is not None:
            found[owner].append(evidence)
    return found


def evidence_download(evidence: Evidence) -> FileResponse:
    """The evidence's file as an attachment (see files.file_response); 404 for a link, or for
    a file the storage has lost (logged: it should not happen)."""
    if not evidence.is_file or not evidence.file:
        raise Http404("This evidence is a link, not a file")
    try:
        stored: IO[bytes] = evidence.file.storage.open(evidence.file.name or "", "rb")
    except OSError as exc:
        logger.error("Evidence %s: %s is missing from the storage", evidence.pk, evidence.file)
        raise Http404("The file is missing") from exc
    return files.file_response(
        stored,
        original_name=evidence.original_name,
        mime_type=evidence.mime_type,
        size=evidence.size,
    )
