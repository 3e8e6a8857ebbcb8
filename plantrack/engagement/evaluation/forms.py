from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from plantrack.core.finyears import fy_label, fy_of
from plantrack.core.forms import LongSelect, model_choice
from plantrack.directory.forms import AREA_CHOICE_FIELDS, area_label
from plantrack.directory.models import Area
from plantrack.engagement.evaluation.periods import (
    Period,
    period_default,
    period_parse,
    period_years,
    quarter_period,
)
from plantrack.engagement.models import Group, Register
from plantrack.engagement.selectors import groups_for


def _quarter_choice(period: Period) -> tuple[str, str]:
    return period.label, f"{period.name} ({period.months})"


def period_choices(years: list[int]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each financial year, then its quarters, grouped by year."""
    return [
        (
            fy_label(year),
            [
                (fy_label(year), f"Whole year {fy_label(year)}"),
                *(_quarter_choice(quarter_period(year, q)) for q in range(1, 5)),
            ],
        )
        for year in years
    ]


@dataclass(frozen=True)
class Choice:
    period: Period
    area: Area | None = None
    group: Group | None = None


class EvaluationForm(forms.Form):
    """The evaluation page's choices: a plain GET form. Anything left out takes its default
    (the whole register, the current financial year)."""

    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        empty_label="All areas",
        help_text="A borough includes its wards; a force area everything in it",
        widget=LongSelect,
    )
    group = forms.ModelChoiceField(
        label="Business group", queryset=Group.objects.none(), required=False, empty_label="All"
    )
    # Read by clean_period, so that any way of writing a year or quarter is understood.
    period = forms.CharField(
        required=False,
        max_length=40,
        widget=forms.Select,
        help_text="A financial year (April to March) or one of its quarters",
    )

    def __init__(self, *args, register: Register, on: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.on = on
        area = model_choice(self, "area")
        area.queryset = Area.objects.only(*AREA_CHOICE_FIELDS).order_by("path")
        area.label_from_instance = area_label  # type: ignore[assignment]
        model_choice(self, "group").queryset = groups_for(register)
        years = period_years(on)
        try:
            asked = period_parse(self.data.get("period", "")) if self.is_bound else None
        except ValueError:
            asked = None
        if asked is not None:
            # Shown as chosen however it was written, even a year further back than offered.
            self.data = {**dict(self.data.items()), "period": asked.label}
            if fy_of(asked.start) not in years:
                years = sorted({*years, fy_of(asked.start)}, reverse=True)
        elif self.is_bound and not self.data.get("period"):
            # An area or group chosen without a period: the default shows as chosen.
            self.data = {**dict(self.data.items()), "period": period_default(on).label}
        self.fields["period"].widget.choices = period_choices(years)
        self.fields["period"].initial = period_default(on).label

    def clean_period(self) -> Period:
        text = self.cleaned_data.get("period") or ""
        if not text:
            return period_default(self.on)
        try:
            return period_parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def choice(self) -> Choice:
        """What to evaluate: the valid choices, defaults for the rest."""
        if not self.is_bound:
            return Choice(period_default(self.on))
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Choice(
            period=data.get("period") or period_default(self.on),
            area=data.get("area"),
            group=data.get("group"),
        )
