"""Idempotency keys for API writes (docs/api.md, "Sending again safely").

A client that may send one write twice (a phone sending entries kept while it had no signal,
then not hearing the answer) sends an ``Idempotency-Key`` header. The first request with a key
runs as usual and its answer (status and JSON body) is kept with the key, the user, the method,
the path and a SHA-256 of the body. A repeat of that request is answered from the kept copy,
with ``Idempotent-Replayed: true``, and writes nothing; the key on another request answers 422.
Keys belong to the user (another user's equal key is another key) and are kept for
``IdempotencyKey.KEEP_FOR``: each keyed write first deletes the expired ones (one indexed
DELETE), so no command is needed.

Only a success (2xx) is kept: a refused request keeps nothing, so it may be sent again with the
same key once whatever was wrong has changed.

Two requests with one key at once: the key's row is inserted first, in the request's
transaction, under a unique (user, key) constraint. On SQLite a write transaction holds the
database's only write lock from its start (``transaction_mode`` IMMEDIATE), so the second waits
and then finds the answer kept; on PostgreSQL the second insert waits for the first
transaction, then fails, and the kept answer is read. Should the row be there unanswered, the
answer is 409 "in progress".

Kept here, in accounts, because a key belongs to a user (core holds no domain model).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja.decorators import decorate_view

from plantrack.accounts.models import IdempotencyKey, User

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(rf"[\x20-\x7e]{{1,{IdempotencyKey.KEY_MAX}}}")
_CLAIMED = "_idempotency_key"  # the request's own row, while it is being answered

BAD_KEY = f"The {HEADER} header must be 1 to {IdempotencyKey.KEY_MAX} printable ASCII characters."
OTHER_REQUEST = "This key was used for a different request."
IN_PROGRESS = "A request with this key is still being answered: send it again shortly."


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Below ``@router.post(...)``: the operation honours ``Idempotency-Key``. Its
    ``response=`` should list 400 (a bad key), 409 (in progress) and 422 (another request)."""

    @wraps(view)
    def keyed_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Here the token has been checked (request.user is the caller) and the body parsed.
        key = request.headers.get(HEADER)
        if key is not None:
            answer = _claim(request, key)
            if answer is not None:
                return answer
        return view(request, *args, **kwargs)

    return decorate_view(_in_one_transaction)(keyed_view)


def _in_one_transaction(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Around ninja's whole operation (authentication, the view, the answer's serialisation):
    with a key, the key's row, the write and the kept answer commit together, or not at all."""

    @wraps(run)
    def keyed_run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if HEADER not in request.headers:
            return run(request, *args, **kwargs)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            _keep(request, response)
        return response

    return keyed_run


def idempotent_form(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Around a page's view whose form the phone app sends (plantrack/mobile): a POST with an
    ``Idempotency-Key`` that asks for JSON is answered as an API write is (the key claimed,
    the answer kept with it, a repeat answered from the copy), all in one transaction. A form
    sent otherwise (a browser without JavaScript) is answered as usual, key or not: its
    answers (a redirect with a message, a page) are not ones to keep and replay."""

    @wraps(view)
    def keyed_form(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        wants_json = "application/json" in request.headers.get("Accept", "")
        if key is None or request.method != "POST" or not wants_json:
            return view(request, *args, **kwargs)
        # Read (and a photo hashed) before the transaction: on SQLite a write transaction
        # holds the database's only write lock from its start.
        digest = _body_digest(request)
        with transaction.atomic():
            answer = _claim(request, key, digest)
            if answer is not None:
                return answer
            response = view(request, *args, **kwargs)
            _keep(request, response)
        return response

    return keyed_form


def _keep(request: HttpRequest, response: HttpResponseBase) -> None:
    """In the keyed transaction: keep a success's answer with the key; roll back otherwise."""
    row: IdempotencyKey | None = getattr(request, _CLAIMED, None)
    if row is None:
        return
    kept_kind = response.get("Content-Type", "").startswith("application/json")
    if 200 <= response.status_code < 300 and isinstance(response, HttpResponse) and kept_kind:
        row.status = response.status_code
        row.response = response.content.decode()
        row.save(update_fields=["status", "response"])
    else:
        # Refused (or not a plain body): keep nothing, the key may be used again.
        transaction.set_rollback(True)


def _claim(request: HttpRequest, key: str, digest: str | None = None) -> HttpResponse | None:
    """Take the key for this request (None: go on and answer it), or the answer to give.
    ``digest``: the body's (_body_digest), if read already."""
    if not _KEY.fullmatch(key):
        return JsonResponse({"detail": BAD_KEY}, status=400)
    user = request.user  # signed in: ninja checked the token or session before the view
    assert isinstance(user, User)
    method, path = request.method or "", request.path
    digest = digest or _body_digest(request)
    now = timezone.now()
    IdempotencyKey.objects.filter(created_at__lt=now - IdempotencyKey.KEEP_FOR).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, key=key, method=method, path=path, body_digest=digest, created_at=now
            )
    except IntegrityError:
        kept = IdempotencyKey.objects.filter(user=user, key=key).first()
        return _repeat(kept, method, path, digest)
    setattr(request, _CLAIMED, row)
    return None


def _body_digest(request: HttpRequest) -> str:
    """SHA-256 of what was sent. A multipart form (a photo) has been read as fields and files
    before the view (the CSRF check reads them), so its body is gone: its fields and its files'
    names and bytes are digested instead, in a fixed order."""
    try:
        return hashlib.sha256(request.body).hexdigest()
    except RawPostDataException:
        pass
    digest = hashlib.sha256()
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"{name}\0{value}\0".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}\0{upload.name}\0".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _repeat(kept: IdempotencyKey | None, method: str, path: str, digest: str) -> HttpResponse:
    if kept is None or kept.status is None:
        return JsonResponse({"detail": IN_PROGRESS}, status=409)
    if (kept.method, kept.path, kept.body_digest) != (method, path, digest):
        return JsonResponse({"detail": {"__all__": [OTHER_REQUEST]}}, status=422)
    response = HttpResponse(kept.response, status=kept.status, content_type="application/json")
    response[REPLAYED_HEADER] = "true"
    return response
