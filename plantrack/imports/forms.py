from __future__ import annotations

from django import forms

from plantrack.core.forms import RawTextField, model_choice, relabel
from plantrack.directory.forms import area_label
from plantrack.directory.models import Area, Organisation
from plantrack.imports.parsed import FIELDS
from plantrack.imports.selectors import organisations_to_import_for, plans_to_reimport
from plantrack.plans.models import Plan
from plantrack.stakeholders.models import ContactKind


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="Excel (.xlsx), Word (.docx), PDF, CSV or text",
    )
    # Pasted as it is: the importer reads page breaks in it, cleans each cell and limits its size.
    text = RawTextField(
        label="Or paste a table",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Copy the table in Word or Excel, header row included, and paste it here",
    )
    owner_organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Organisation that owns the plan", queryset=None, empty_label=None
    )
    plan_title = forms.CharField(
        label="Plan title", required=False, help_text="Leave blank to use the title in the file"
    )
    into_plan: forms.ModelChoiceField[Plan] = forms.ModelChoiceField(
        label="This is a new version of",
        queryset=None,
        required=False,
        empty_label="Nothing: it is a new plan",
        help_text="Actions are matched by reference (or title) and updated; nothing is deleted",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "owner_organisation").queryset = organisations_to_import_for(user)
        model_choice(self, "into_plan").queryset = plans_to_reimport(user)

    def clean(self):
        data = super().clean() or {}
        if bool(data.get("file")) == bool((data.get("text") or "").strip()):
            raise forms.ValidationError("Upload a file or paste a table (one of the two).")
        return data


class ColumnsForm(forms.Form):
    """One choice per header found, to correct how the columns were understood."""

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        seen: set[str] = set()
        for column_map in columns:
            for header, field in zip(column_map.headers, column_map.fields, strict=False):
                if not header or header in seen:
                    continue
                seen.add(header)
                self.fields[f"col_{len(seen)}"] = forms.ChoiceField(
                    label=header, choices=list(FIELDS.items()), initial=field
                )

    def overrides(self) -> dict[str, str]:
        # Each field's label is the header it stands for (set above).
        return {str(self.fields[name].label): value for name, value in self.cleaned_data.items()}


class ContactListForm(forms.Form):
    """A borough's list of people, for a stakeholder database."""

    file = forms.FileField(
        label="Upload a list", required=False, help_text="Excel (.xlsx) or CSV, with a header row"
    )
    text = RawTextField(
        label="Or paste a table",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="Copy the list in Excel, header row included, and paste it here",
    )
    source = forms.CharField(
        label="Where the list comes from",
        max_length=200,
        help_text="E.g. “Wandsworth ward panel members 2026”: kept on each contact",
    )
    from_third_party = forms.BooleanField(
        label="The list was compiled by another organisation",
        required=False,
        help_text="Its people are queued for our privacy notice, due within a month",
    )
    kind = forms.ChoiceField(
        label="Kind of contact",
        choices=ContactKind.choices,
        help_text="Decides how long they are kept without an interaction",
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas they are in", queryset=Area.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "areas").queryset = Area.objects.order_by("path")
        relabel(self, "areas", area_label)

    def clean(self):
        data = super().clean() or {}
        if bool(data.get("file")) == bool((data.get("text") or "").strip()):
            raise forms.ValidationError("Upload a file or paste a table (one of the two).")
        return data
