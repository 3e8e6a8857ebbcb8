from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

from plantrack.core.fuzzydates import Kind as FuzzyKind
from plantrack.core.text import TEXT_MAX, TITLE_MAX

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


def bounded_text(
    verbose_name: str | None = None, *, limit: int = TEXT_MAX, **kwargs: Any
) -> models.TextField:
    """A TextField of at most ``limit`` characters (TITLE_MAX or TEXT_MAX, core/text.py).

    A TextField's max_length alone only reaches the forms built from it; the validator makes
    ``full_clean`` (which every service runs) refuse longer text from the API and importers."""
    return models.TextField(
        verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs
    )


def bounded_title(verbose_name: str | None = None, **kwargs: Any) -> models.TextField:
    return bounded_text(verbose_name, limit=TITLE_MAX, **kwargs)


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue (complete)"
