from __future__ import annotations

from typing import Any

from django import forms

from plantrack.accounts.models import User
from plantrack.budgets.models import BudgetLine, Category, Funding
from plantrack.budgets.services import START_STATUSES, allowed_moves
from plantrack.core.finyears import fy_label, fy_of, fy_parse
from plantrack.core.forms import DateInput, MoneyField, RawTextField, choice, model_choice
from plantrack.directory.models import Organisation
from plantrack.directory.selectors import organisations_visible_to
from plantrack.plans.models import Plan, Section
from plantrack.plans.selectors import sections_for_plan, today


def _year_field(label: str, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )


def _clean_year(value: str) -> int | None:
    if not (value or "").strip():
        return None
    try:
        return fy_parse(value)
    except ValueError as exc:
        raise forms.ValidationError(f"{exc} Write it like 2013/14.") from None


def _section_field(plan: Plan) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Initiative",
        queryset=sections_for_plan(plan),
        required=False,
        empty_label="Not in an initiative",
    )


class BudgetLineForm(forms.Form):
    """A line and its amount per financial year: one box per year the plan budgets for."""

    name = forms.CharField(max_length=300, error_messages={"required": "Enter the line's name"})
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OPERATING)
    assumption = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the amounts were worked out, e.g. 0.5 FTE at £45k including on-costs",
    )
    extra_year = _year_field(
        "Another financial year", help_text="For a year not listed above, e.g. 2016/17"
    )
    extra_amount = MoneyField(label="Amount for that year (£)", required=False)

    def __init__(
        self,
        *args: Any,
        plan: Plan,
        years: list[int],
        line: BudgetLine | None = None,
        **kw: Any,
    ) -> None:
        if line is not None:
            kw.setdefault(
                "initial",
                {
                    "name": line.name,
                    "category": line.category,
                    "section": line.section_id,
                    "assumption": line.assumption,
                    **{f"amount_{a.financial_year}": a.amount for a in line.amounts.all()},
                },
            )
        super().__init__(*args, **kw)
        self.fields["section"] = _section_field(plan)
        self.order_fields(["name", "category", "section", "assumption"])
        shown = set(years) | {a.financial_year for a in line.amounts.all()} if line else set(years)
        self.years = sorted(shown)
        for year in self.years:
            self.fields[f"amount_{year}"] = MoneyField(
                label=f"{fy_label(year)} (£)", required=False
            )
        self.order_fields([*self.fields][:4] + [f"amount_{y}" for y in self.years])

    def clean_extra_year(self) -> int | None:
        return _clean_year(self.cleaned_data.get("extra_year", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        amounts = {year: data.get(f"amount_{year}") for year in self.years}
        extra_year, extra_amount = data.get("extra_year"), data.get("extra_amount")
        if extra_amount is not None and extra_year is None and "extra_year" not in self.errors:
            self.add_error("extra_year", "Enter the financial year of the extra amount")
        if extra_year is not None:
            amounts[extra_year] = extra_amount
        data["amounts"] = amounts
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in ("name", "category", "section", "assumption", "amounts")}


class SpendForm(forms.Form):
    line = forms.ModelChoiceField(
        label="Budget line",
        queryset=BudgetLine.objects.none(),
        error_messages={"required": "Choose the budget line"},
    )
    amount = MoneyField(label="Amount spent (£)", error_messages={"required": "Enter the amount"})
    date_recorded = forms.DateField(label="Date", widget=DateInput(), initial=today)
    financial_year = _year_field(
        "Financial year", help_text="Like 2013/14. Leave blank for the year of the date."
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lines = BudgetLine.objects.filter(plan=plan).order_by("order", "id")
        model_choice(self, "line").queryset = lines

    def clean_financial_year(self) -> int | None:
        return _clean_year(self.cleaned_data.get("financial_year", ""))


class FundingForm(forms.Form):
    funder = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the funder"},
    )
    title = forms.CharField(label="What it is for", max_length=300)
    amount = MoneyField(label="Amount asked for (£)")
    status = forms.ChoiceField(
        label="Where the bid is now",
        choices=[(s, label) for s, label in Funding.Status.choices if s in START_STATUSES],
        initial=Funding.Status.DRAFTED,
    )
    date = forms.DateField(label="Date of that step", widget=DateInput(), initial=today)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, plan: Plan, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "funder").queryset = organisations_visible_to(user).order_by("name")
        self.fields["section"] = _section_field(plan)


class FundingMoveForm(forms.Form):
    status = forms.ChoiceField(label="Next step", error_messages={"required": "Choose a step"})
    date = forms.DateField(label="Date", widget=DateInput(), initial=today)
    decision_record = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For an approval or decline: what was decided, any conditions",
    )
    decided_by = forms.CharField(
        required=False, max_length=200, help_text="For a decision: the person, board or panel"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, funding: Funding, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Funding.Status.choices)
        # Every step is offered, so that a wrong one gets the service's clear refusal.
        moves = allowed_moves(funding)
        choice(self, "status").choices = [(s, labels[s]) for s in moves] + [
            (s, labels[s]) for s in labels if s not in moves and s != funding.status
        ]


class BudgetImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="An Excel workbook, Word document, PDF or CSV with a budget table",
    )
    # Pasted as it is: the importer reads page breaks in it, cleans each cell and limits its size.
    text = RawTextField(
        label="Or paste a table",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Copied from Excel or Word: a header row of financial years like 2013/14",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Upload a file or paste a table")
        return data


class BudgetImportConfirmForm(forms.Form):
    """Which initiative of the plan each table found belongs to."""

    def __init__(
        self,
        *args: Any,
        plan: Plan,
        titles: list[str],
        initial_sections: list[Section | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for index, (title, section) in enumerate(zip(titles, initial_sections, strict=True)):
            field = _section_field(plan)
            field.label = f"Initiative for “{title}”"
            field.initial = section.pk if section else None
            self.fields[f"section_{index}"] = field

    def sections(self) -> list[Section | None]:
        return [self.cleaned_data[name] for name in self.fields]


def default_years(plan_years: list[int]) -> list[int]:
    """The years a new line's form offers: the plan's and the one after, or the next three."""
    if plan_years:
        return [*plan_years, max(plan_years) + 1]
    current = fy_of(today())
    return [current, current + 1, current + 2]
