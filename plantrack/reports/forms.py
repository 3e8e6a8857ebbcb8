from __future__ import annotations

from django import forms

from plantrack.plans.forms import ActionFilterForm
from plantrack.reports.selectors import GROUPINGS, PortfolioFilters


class PortfolioFilterForm(ActionFilterForm):
    """The portfolio list's filters, read from the query string: the plan page's, and the
    group a portfolio number counts."""

    org = forms.IntegerField(label="Organisation", required=False, min_value=1)
    body = forms.RegexField(
        label="Governance body",
        regex=r"^(none|[1-9][0-9]{0,9})$",
        required=False,
        error_messages={"invalid": "Governance body must be a body’s number or “none”."},
    )
    theme = forms.CharField(label="Theme", required=False, max_length=300, strip=False)
    nosection = forms.BooleanField(label="Not in a section", required=False)
    open = forms.BooleanField(label="Open actions only", required=False)
    asof = forms.DateField(label="RAG as at", required=False)

    def portfolio_filters(self) -> PortfolioFilters:
        data = self.cleaned_data
        return PortfolioFilters(
            actions=self.filters(),
            organisation=data["org"],
            body=data["body"] or "",
            # As the portfolio's links give it: the database's own lower-casing of a title.
            theme=data["theme"] or None,
            no_section=data["nosection"],
            open_only=data["open"],
            asof=data["asof"],
        )

    def first_error(self) -> str:
        """One line for the page: the first field's first error, named."""
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            return f"{label}: {errors[0]}" if label else str(errors[0])
        return ""


class GroupingForm(forms.Form):
    by = forms.ChoiceField(choices=list(GROUPINGS.items()), required=False)
