from __future__ import annotations

from django.db import models

from plantrack.core.fuzzydates import Kind as FuzzyKind

FUZZY_KIND_CHOICES = [(kind.value, kind.value.capitalize()) for kind in FuzzyKind]


def fuzzy_date_fields(label: str) -> tuple[models.Field, ...]:
    """The four columns behind one fuzzy date: the text as written, its parsed range, its kind.

    Used as ``due_text, due_earliest, due_latest, due_kind = fuzzy_date_fields("due")``.
    """
    return (
        models.CharField(f"{label} (as written)", max_length=200, blank=True),
        models.DateField(f"{label} earliest day", null=True, blank=True),
        models.DateField(f"{label} latest day", null=True, blank=True, db_index=True),
        models.CharField(f"{label} kind", max_length=10, choices=FUZZY_KIND_CHOICES, blank=True),
    )


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue (complete)"
