"""The phone's two forms: an update with a photo, and an activity recorded in one go."""

from __future__ import annotations

from django import forms

from plantrack.directory.models import Area
from plantrack.engagement.models import Method, Register
from plantrack.evidence.forms import EvidenceFileField
from plantrack.plans import forms as plans_forms

PHOTO_HELP = "A photo as evidence (or another file evidence takes: PDF, Word, Excel)"


class PhotoField(EvidenceFileField):
    """A file input that opens the camera on a phone; the type is read from the bytes by the
    evidence service, as for any evidence."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Photo (optional)")
        kwargs.setdefault("help_text", PHOTO_HELP)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/*", "capture": "environment"})


class EntryDate(forms.DateField):
    """The day an entry was made on the phone: not before 2000 (a phone's clock gone wrong);
    a day in the future is refused by the services."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and value.year < 2000:
            raise forms.ValidationError(
                "The date entered on the phone is before 2000: check its clock."
            )


class UpdateForm(forms.Form):
    # As on the desktop's form (plans.forms.UpdateForm).
    rag = plans_forms.UpdateForm.base_fields["rag"]
    narrative = plans_forms.UpdateForm.base_fields["narrative"]
    photo = PhotoField()
    # The day it was written on the phone (filled by the phone app; empty: today).
    date = EntryDate()
    # The id of the action's latest update when the form was shown (empty: it had none).
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ActivityForm(forms.Form):
    register = forms.ModelChoiceField(
        label="Register",
        queryset=Register.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the register", "invalid_choice": "Choose a register"},
    )
    title = forms.CharField(
        label="What was it?",
        max_length=300,
        help_text="For example: Street briefing, Tesco car park",
        error_messages={"required": "Say what the activity was"},
    )
    ward = forms.ModelChoiceField(
        label="Ward (optional)",
        queryset=Area.objects.none(),
        required=False,
        empty_label="Not in one ward",
        error_messages={"invalid_choice": "Choose a ward from the list"},
    )
    place = forms.CharField(
        label="Where (optional)",
        max_length=200,
        required=False,
        help_text="The place as people know it, for example: outside the library, High Street",
    )
    method = forms.ModelChoiceField(
        label="Method (optional)",
        queryset=Method.objects.none(),
        required=False,
        empty_label="Choose a method",
        error_messages={"invalid_choice": "Choose a method from the list"},
    )
    people_reached = forms.IntegerField(
        label="People reached (optional)",
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of people reached as a whole number, like 25",
            "min_value": "The number of people reached cannot be negative",
            "max_value": "Enter a number of people reached up to 1,000,000",
        },
    )
    photo = PhotoField()
    # The day it was recorded on the phone (filled by the phone app; empty: today).
    date = EntryDate()

    def __init__(self, *args, registers, wards, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = registers  # type: ignore[attr-defined]
        self.fields["ward"].queryset = wards  # type: ignore[attr-defined]
        self.fields["method"].queryset = methods  # type: ignore[attr-defined]
        self.fields["register"].label_from_instance = (  # type: ignore[attr-defined]
            lambda register: f"{register.title} ({register.organisation.name})"
        )
        self.fields["ward"].label_from_instance = (  # type: ignore[attr-defined]
            lambda area: f"{area.name} ({area.parent.name})" if area.parent else area.name
        )
