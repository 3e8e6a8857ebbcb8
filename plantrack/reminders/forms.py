from __future__ import annotations

from typing import Any

from django import forms

from plantrack.reminders.models import WEEKDAYS, CalendarFeed, Frequency


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Send me a reminder",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text="One email listing your actions with an update due, an overdue deadline or "
        "missing commentary. Nothing is sent when nothing needs your attention.",
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=WEEKDAYS,
        coerce=int,
        help_text="For a weekly reminder. A monthly one comes at the start of the month.",
    )


class FeedForm(forms.Form):
    """Which calendar to create. Plain ids: the view loads them through the scoped selectors."""

    scope = forms.ChoiceField(choices=CalendarFeed.Scope.choices, widget=forms.HiddenInput)
    plan = forms.IntegerField(required=False, widget=forms.Select)
    body = forms.IntegerField(required=False, widget=forms.Select)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        scope = data.get("scope")
        if scope == CalendarFeed.Scope.PLAN and not data.get("plan"):
            self.add_error("plan", "Choose a plan.")
        if scope == CalendarFeed.Scope.BODY and not data.get("body"):
            self.add_error("body", "Choose a body.")
        return data


class SubscribeForm(forms.Form):
    """The calendar a plan's or body's page links to (``?plan=12`` or ``?body=3``), offered at
    the top of the settings page. Plain ids, loaded through the scoped selectors by the view."""

    plan = forms.IntegerField(required=False, min_value=1)
    body = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("plan") and data.get("body"):
            raise forms.ValidationError("Choose a plan or a body, not both.")
        return data
