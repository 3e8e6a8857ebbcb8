from __future__ import annotations

from django import forms

from plantrack.search.selectors import KINDS, QUERY_MAX, terms


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=QUERY_MAX, required=False)
    kind = forms.ChoiceField(
        choices=[("", "Everything"), *((k.key, k.label) for k in KINDS)], required=False
    )

    def clean_q(self) -> str:
        q = self.cleaned_data["q"].strip()
        if q and not terms(q):
            raise forms.ValidationError("Enter a word or a number to search for.")
        return q
