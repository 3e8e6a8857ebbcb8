from __future__ import annotations

from typing import Any

from django import forms

from plantrack.core.forms import DateInput, model_choice
from plantrack.measures.models import Benefit, Measure
from plantrack.plans.models import Action, Plan, Section
from plantrack.plans.selectors import people_to_choose_for

VALUE_HINT = "A number; commas, £ and % are ignored"


class _ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Action) -> str:
        return str(obj)[:90]  # an action's whole text would stretch the select off the page


class MeasureForm(forms.ModelForm):
    """A measure; on create, also its first target."""

    target_value = forms.CharField(label="Target", required=False, help_text=VALUE_HINT)
    target_date = forms.DateField(
        label="Target date",
        required=False,
        widget=DateInput(),
        help_text="The day the target should be reached by",
    )
    target_date_text = forms.CharField(
        label="Target date as written", required=False, help_text="E.g. by Dec 22 (optional)"
    )

    class Meta:
        model = Measure
        fields = [
            "name",
            "description",
            "action",
            "section",
            "unit",
            "unit_label",
            "direction",
            "baseline_value",
            "baseline_date",
            "tolerance_percent",
            "source",
            "owner",
        ]
        field_classes = {"action": _ActionChoiceField}
        widgets = {
            "baseline_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "unit": forms.RadioSelect,
            "direction": forms.RadioSelect,
        }

    def __init__(self, *args: Any, plan: Plan, with_target: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = Action.objects.filter(plan=plan).order_by("position", "id")
        model_choice(self, "action").queryset = actions
        model_choice(self, "section").queryset = Section.objects.filter(plan=plan)
        # A person is shown by display_name (Person.__str__).
        model_choice(self, "owner").queryset = people_to_choose_for(plan)
        if not with_target:
            for name in ("target_value", "target_date", "target_date_text"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "target_value" in self.fields and bool(data.get("target_value")) != bool(
            data.get("target_date")
        ):
            raise forms.ValidationError(
                "Give the first target both a value and a date, or neither."
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        """cleaned_data as the services take it: the first target as a list of one."""
        data = dict(self.cleaned_data)
        value = data.pop("target_value", "")
        day = data.pop("target_date", None)
        text = data.pop("target_date_text", "")
        if "target_value" in self.fields:
            data["targets"] = [(value, day, text)] if value else []
        return data


class TargetForm(forms.Form):
    value = forms.CharField(label="Target", help_text=VALUE_HINT)
    date = forms.DateField(label="Target date", widget=DateInput())
    date_text = forms.CharField(label="Date as written", required=False, help_text="E.g. by Dec 22")


class ReadingForm(forms.Form):
    date = forms.DateField(
        label="Date of the reading",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the reading",
            "invalid": "Enter the date as a real date, like 31/03/2025",
        },
    )
    # Text, not a number field, so that the service explains what was wrong with it.
    value = forms.CharField(label="Value", help_text=VALUE_HINT)
    note = forms.CharField(label="Note", required=False, max_length=500)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="An Excel (.xlsx) or CSV file with one reading a row: date, value and an "
        "optional note. A first row of headings is skipped.",
    )


class SuggestionForm(forms.Form):
    # Exactly one: the action whose text, or the section whose description, holds the phrase.
    action = forms.IntegerField(widget=forms.HiddenInput, required=False)
    section = forms.IntegerField(widget=forms.HiddenInput, required=False)
    index = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    phrase = forms.CharField(max_length=300, widget=forms.HiddenInput)
    name = forms.CharField(label="Name", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (data.get("action") is None) == (data.get("section") is None):
            raise forms.ValidationError("Say which action or which section the phrase is from.")
        return data


class BenefitForm(forms.ModelForm):
    expected_text = forms.CharField(
        label="Expected by", required=False, help_text="As written, e.g. 2014/15 or by Mar 2015"
    )

    class Meta:
        model = Benefit
        fields = [
            "title",
            "kind",
            "section",
            "measure",
            "expected_value",
            "expected_text",
            "owner",
            "notes",
        ]
        widgets = {"kind": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "section").queryset = Section.objects.filter(plan=plan)
        model_choice(self, "measure").queryset = Measure.objects.filter(plan=plan)
        # A person is shown by display_name (Person.__str__).
        model_choice(self, "owner").queryset = people_to_choose_for(plan)
        if self.instance.pk:
            self.initial["expected_text"] = self.instance.expected_text


class RealisedForm(forms.Form):
    realised_value = forms.CharField(label="Realised value", help_text=VALUE_HINT)
    realised_on = forms.DateField(label="Realised on", required=False, widget=DateInput())
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
