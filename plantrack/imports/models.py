from __future__ import annotations

from django.conf import settings
from django.db import models

from plantrack.directory.models import Organisation
from plantrack.measures.models import Measure
from plantrack.plans.models import Plan
from plantrack.stakeholders.models import Database


class ImportJob(models.Model):
    """An uploaded file or pasted table kept between its preview and its confirmation.

    Every kind of import is a job: read in the background, the parse kept on the job, a
    preview, a confirmation, then saved in one transaction through the owning app's services.
    """

    class Kind(models.TextChoices):
        PLAN = "plan", "Plan"
        BUDGET = "budget", "Budget"
        READINGS = "readings", "Readings"
        CONTACTS = "contacts", "Contact list"

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
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PLAN)
    # The organisation owning the plans a plan import makes (none for the other kinds).
    owner_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE
    )
    plan_title = models.CharField(max_length=300, blank=True)
    # The plan the import goes into: for a plan import, the plan this file is a newer version
    # of (its actions are matched by reference or title); for a budget, the plan it budgets.
    into_plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs"
    )
    # A readings upload: the measure the readings are of.
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs"
    )
    # A contact list: the stakeholder database it goes into.
    contact_database = models.ForeignKey(
        Database, null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs"
    )
    # What the person chose when confirming (a budget: the section of each table, in order).
    choices = models.JSONField(default=dict, blank=True)
    column_overrides = models.JSONField(default=dict, blank=True)
    # The fallback chosen after no actions were found: one action per line ("lines").
    fallback = models.CharField(max_length=10, blank=True)
    # The headers of the document's tables, when no actions were found: to choose from.
    headers = models.JSONField(default=list, blank=True)
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
