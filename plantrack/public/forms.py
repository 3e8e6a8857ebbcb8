from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.forms import DateInput, LongSelect, model_choice, relabel
from plantrack.core.text import TEXT_MAX, TITLE_MAX
from plantrack.directory.forms import AREA_CHOICE_FIELDS, area_label
from plantrack.directory.models import Area, Organisation


class PublishForm(forms.Form):
    slug = forms.SlugField(
        label="Public address",
        required=False,
        max_length=70,
        help_text="The end of the page's address, such as community-charter. It cannot change "
        "once the plan has one; leave empty to take it from the title",
    )
    introduction = forms.CharField(
        label="What the public page says first (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Without it, the plan's own summary is shown",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        max_length=500,
        help_text="Kept in the plan's history, seen by its managers",
        error_messages={"required": "Say why"},
    )


class ApproveForm(forms.Form):
    text = forms.CharField(
        label="What the public will read",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The update's own words, or an edited version without names, internal "
        "details or anything not for the public",
        error_messages={"required": "Write the text the public will read"},
    )


class OutcomeApproveForm(forms.Form):
    """What the public reads of a "you said, we did": started from the register's words."""

    activity_title = forms.CharField(
        label="The activity, as the public will read it",
        max_length=TITLE_MAX,
        help_text="Such as Youth forum on street safety",
        error_messages={"required": "Say what the public reads as the activity"},
    )
    you_said = forms.CharField(
        label="You said",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What people said, without names, contact details or anything that could "
        "identify someone",
        error_messages={"required": "Write what people said, as the public will read it"},
    )
    we_did = forms.CharField(
        label="We did",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was done about it, without names of officers, residents or internal "
        "details",
        error_messages={"required": "Write what was done, as the public will read it"},
    )


class KeepInternalForm(forms.Form):
    reason = forms.CharField(
        label="Why is it not for the public? (optional)", required=False, max_length=500
    )


class PublishersForm(forms.Form):
    publishers = forms.ModelMultipleChoiceField(
        label="Named publishers",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Besides the plan's managers, who may approve updates for the public",
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publishers"].queryset = users  # type: ignore[attr-defined]


class EventForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Whose event", queryset=Organisation.objects.none(), empty_label=None
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.none(),
        widget=LongSelect,
        help_text="The ward it is in (or the borough, for one that covers it)",
        error_messages={"required": "Select the area"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="As the public will read it, such as Engagement van: Burnt Oak Broadway",
        error_messages={"required": "Enter a title"},
    )
    purpose = forms.CharField(
        label="What it is for",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the event is for"},
    )
    place = forms.CharField(
        label="Where",
        max_length=300,
        help_text="An address or a landmark",
        error_messages={"required": "Say where the event is"},
    )
    date = forms.DateField(
        label="Date",
        widget=DateInput(),
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    start = forms.TimeField(
        label="Starts at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Enter the start time", "invalid": "Enter a time, like 14:30"},
    )
    end = forms.TimeField(
        label="Ends at (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time, like 16:00"},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "organisation").queryset = organisations
        model_choice(self, "area").queryset = Area.objects.only(*AREA_CHOICE_FIELDS).order_by(
            "path"
        )
        relabel(self, "area", area_label)

    def clean(self):
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "The end must be after the start")
        return data

    def times(self) -> dict[str, Any]:
        zone = timezone.get_current_timezone()
        day, start, end = (self.cleaned_data[k] for k in ("date", "start", "end"))
        return {
            "starts_at": dt.datetime.combine(day, start, tzinfo=zone),
            "ends_at": dt.datetime.combine(day, end, tzinfo=zone) if end else None,
        }


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=500,
        help_text="Shown on the public calendar beside the event",
        error_messages={"required": "Say why the event is cancelled"},
    )
