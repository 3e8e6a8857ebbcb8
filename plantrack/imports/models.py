from __future__ import annotations

from django.conf import settings
from django.db import models

from plantrack.directory.models import Organisation
from plantrack.plans.models import Plan


class ImportJob(models.Model):
    """An uploaded file or pasted table kept between its preview and its confirmation."""

    class Status(models.TextChoices):
        READING = "reading", "Reading the file"
        PREVIEW = "preview", "Waiting for confirmation"
        SAVING = "saving", "Saving"
        SAVED = "saved", "Saved"
        FAILED = "failed", "Failed"

    # Still being read or saved by a background task: the job page shows progress.
    BUSY = (Status.READING, Status.SAVING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    file_name = models.CharField(max_length=255)
    # Pasted text is kept as UTF-8 bytes under a ".txt" name; files as uploaded.
    data = models.BinaryField()
    is_text = models.BooleanField(default=False)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    plan_title = models.CharField(max_length=300, blank=True)
    # Re-importing a newer version of a plan: its actions are matched by reference or title.
    into_plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs"
    )
    column_overrides = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READING)
    error = models.TextField(blank=True)
    # The structure found by the last parse (parsed.to_store), so that the preview and the save
    # do not read a big file again.
    parsed = models.JSONField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_plans = models.ManyToManyField(Plan, blank=True, related_name="created_by_imports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
