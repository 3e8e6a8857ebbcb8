"""Evidence: a file or a link attached to something another app holds (an action update, an
engagement activity or outcome, an assessment answer). One table for all of them, pointing at
its target through a generic foreign key; the app owning the target says who may read and
attach (``registry.py``)."""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plantrack.core import changes
from plantrack.core.models import bounded_title
from plantrack.evidence import registry

URL_MAX = 2_000


def stored_name(instance: Any, filename: str) -> str:
    """Where a file is kept: ``evidence/2025/03/<32 random hex>.pdf``. Never the uploader's
    name (which may hold a path, a script or someone's name): the service passes a name
    whose only part kept is the extension of the type read from the bytes."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    # What it hangs on: any model an app has registered (registry.py).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")

    kind = models.CharField(max_length=4, choices=Kind.choices)
    title = bounded_title()
    # A file: kept through the default storage (settings.STORAGES), so that every app server
    # reaches the same files (a shared disk or S3-compatible object storage).
    file = models.FileField(upload_to=stored_name, max_length=200, blank=True)
    original_name = models.CharField("file name as uploaded", max_length=255, blank=True)
    mime_type = models.CharField("type, read from the bytes", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("size in bytes", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    # A link: http or https only.
    url = models.URLField(
        "address", max_length=URL_MAX, blank=True, validators=[URLValidator(["http", "https"])]
    )

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file="") & Q(url=""))
                | (Q(kind="link") & ~Q(url="") & Q(file="")),
                name="evidence_file_or_link",
                violation_error_message="Evidence is either a file or a link.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return self.kind == self.Kind.FILE

    @property
    def target_key(self) -> str:
        """ "plans.update": what it hangs on, as URLs and the API name it (content types are
        cached by Django, so a list asks no query per row)."""
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


# --- What plan pages show (core/changes.py) --------------------------------------------------
# Evidence shows on the pages of whatever it hangs on: the app that registered the target says
# which plans those are (an update's plan), so attaching or removing it moves their versions.


def _plans_showing(evidence: Evidence) -> list[int | None]:
    return registry.plans_of(evidence.content_type_id, evidence.object_id)


changes.shown_on(Evidence, _plans_showing)
