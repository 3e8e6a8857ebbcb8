"""Board packs: a frozen snapshot of what a governance body oversees, for one period and
(optionally) one meeting, with the files rendered from it.

A pack is prepared (a background task builds the snapshot and renders its draft files),
reviewed as a draft, then published (a background task renders the final files): from then
on neither the pack nor its files change (services refuse)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from plantrack.governance.models import Body, Meeting
from plantrack.plans.models import Plan


class Pack(models.Model):
    class Status(models.TextChoices):
        PREPARING = "preparing", "Preparing"
        DRAFT = "draft", "Draft"
        PUBLISHING = "publishing", "Publishing"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="packs")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="packs"
    )
    period = models.CharField(max_length=12, help_text="A financial-year quarter: 2022/23-Q2")
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    # Everything the outputs need, as plain JSON: the files are rendered from this alone.
    snapshot = models.JSONField(default=dict, blank=True)
    # The plans the snapshot covers: who may see the pack is who may see all of them.
    plans = models.ManyToManyField(Plan, related_name="packs", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # The optional engagement section (packs/engagement.py), chosen when it was prepared.
    engagement = models.BooleanField(
        "include engagement",
        default=False,
        help_text="The evaluation of the engagement registers of the plans' organisations",
    )

    # The optional self-assessment section (packs/self_assessment.py), likewise.
    self_assessment = models.BooleanField(
        "include self-assessment",
        default=False,
        help_text="The latest self-assessment cycles of the plans' organisations",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["body", "-created_at"])]

    # A background task is at work on the pack: its page shows the progress.
    WORKING = (Status.PREPARING, Status.PUBLISHING)

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PackFile(models.Model):
    """A rendered file of a pack: a draft's (marked as a draft on every page, replaced when the
    pack is prepared again) or a published pack's, kept as it was on the day it was
    published."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"
        XLSX = "xlsx", "Excel"

    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=4, choices=Format.choices)
    draft = models.BooleanField(default=False)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "format", "draft"], name="unique_pack_format_draft"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pack} ({self.format}{', draft' if self.draft else ''})"
