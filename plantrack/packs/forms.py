from __future__ import annotations

from django import forms

from plantrack.core.finyears import period_kind_name, period_with_name
from plantrack.core.forms import model_choice
from plantrack.governance.models import Body, Meeting
from plantrack.packs.selectors import (
    cadence_kind,
    current_period,
    meetings_for_body,
    period_choices,
)


def _period_field(kind: str) -> forms.ChoiceField:
    """The body's own periods first (its cadence), then the quarters."""
    kinds = [kind] + (["Q"] if kind != "Q" else [])
    choices = [(p, period_with_name(p)) for p in period_choices(kinds=kinds)]
    return forms.ChoiceField(
        label="Reporting period",
        help_text=f"The {period_kind_name(kind)} the pack reports on"
        + (" (the body's own cadence), or a quarter" if kind != "Q" else " (financial year)"),
        choices=choices,
    )


class PackForm(forms.Form):
    period = forms.ChoiceField(label="Reporting period")
    meeting: forms.ModelChoiceField[Meeting] = forms.ModelChoiceField(
        label="Meeting",
        queryset=None,
        required=False,
        empty_label="No particular meeting",
        help_text="The decisions log runs up to the meeting's date",
    )

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        kind = cadence_kind(body.cadence)
        self.fields["period"] = _period_field(kind)
        self.fields["period"].initial = current_period(kind=kind)
        model_choice(self, "meeting").queryset = meetings_for_body(body)


class CommentaryForm(forms.Form):
    period = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Commentary",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Why it stands where it does, what is being done and when it will be back "
        "on track. The board reads this in the pack.",
        max_length=5000,
    )


class ChaseForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.CharField(widget=forms.HiddenInput)


class PublishForm(forms.Form):
    allow_missing = forms.BooleanField(
        label="Publish without the missing commentary",
        required=False,
    )
