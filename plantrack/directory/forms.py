from __future__ import annotations

from django import forms

from plantrack.directory.models import Organisation, Person


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "parent", "email", "website"]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "rank",
            "job_title",
            "post",
            "staff_number",
            "organisation",
            "email",
            "phone",
            "spoc",
        ]
        help_texts = {"name": "Leave blank if only the post is known"}


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
