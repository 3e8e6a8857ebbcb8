from __future__ import annotations

from collections.abc import Sequence

from django import forms

from plantrack.assessments.models import Cycle
from plantrack.core.finyears import period_kind_name, period_with_name
from plantrack.core.forms import model_choice
from plantrack.engagement.models import Register
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


class MeetingChoiceField(forms.ModelChoiceField[Meeting]):
    """Meetings often share a name ("Youth Board"): the date tells them apart."""

    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.date.day} {obj.date:%b %Y}: {obj.title or 'meeting'}"


class PackForm(forms.Form):
    period = forms.ChoiceField(label="Reporting period")
    meeting: forms.ModelChoiceField[Meeting] = MeetingChoiceField(
        label="Meeting",
        queryset=None,
        required=False,
        empty_label="No particular meeting",
        help_text="The decisions log runs up to the meeting's date",
    )

    engagement = forms.BooleanField(
        label="Include the engagement section",
        required=False,
    )
    self_assessment = forms.BooleanField(
        label="Include the self-assessment section",
        required=False,
    )

    def __init__(
        self,
        *args,
        body: Body,
        registers: Sequence[Register] = (),
        cycles: Sequence[Cycle] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        kind = cadence_kind(body.cadence)
        self.fields["period"] = _period_field(kind)
        self.fields["period"].initial = current_period(kind=kind)
        model_choice(self, "meeting").queryset = meetings_for_body(body)
        # The optional sections: each offered only when there is something to put in it, off
        # unless asked for, so that a body's packs keep their usual contents.
        self._offer(
            "engagement",
            "; ".join(f"{r.title} ({r.organisation.name})" for r in registers),
            "Totals for the period from {names}: activities, people reached, cost, spread, "
            "quality scores and the movement of the measures they deliver. No activity's "
            "title or text: the board sees totals only.",
        )
        self._offer(
            "self_assessment",
            "; ".join(f"{c.framework.title}: {c.title}" for c in cycles),
            "The latest cycle of {names}: each unit's score against the target, mandatory "
            "items missing, answers the data disagrees with, movement since the last cycle, "
            "and each item's adoption. No answer's comment or review: the board sees "
            "figures only.",
        )

    def _offer(self, name: str, names: str, help_text: str) -> None:
        if not names:
            del self.fields[name]
        else:
            self.fields[name].help_text = help_text.format(names=names)


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
