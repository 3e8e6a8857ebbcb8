from __future__ import annotations

from django import forms
from django.db.models import Q

from plantrack.accounts.models import User
from plantrack.budgets.models import BudgetLine
from plantrack.core.forms import DateInput, LongSelect, model_choice, relabel
from plantrack.core.models import Rag
from plantrack.core.text import clean_text
from plantrack.directory.forms import AREA_CHOICE_FIELDS, area_label
from plantrack.directory.models import Area, Organisation, Person
from plantrack.directory.selectors import with_units
from plantrack.engagement import selectors
from plantrack.engagement.costs import parse_cost
from plantrack.engagement.models import (
    Activity,
    Community,
    FollowUp,
    Group,
    Method,
    Outcome,
    Output,
    Register,
)
from plantrack.plans.models import Action
from plantrack.plans.selectors import plans_visible_to

DATE_ERRORS = {"invalid": "Enter a real date, like 31/03/2026"}


def _person_label(person: Person) -> str:
    where = f" ({person.organisation.name})" if person.organisation is not None else ""
    return f"{person.display_name}{where}"


def _action_label(action: Action) -> str:
    ref = f"{action.ref} " if action.ref else ""
    return f"{action.plan.title[:40]}: {ref}{action.title[:70]}"


class RegisterForm(forms.ModelForm):
    class Meta:
        model = Register
        fields = ["title", "organisation", "description"]
        help_texts = {"organisation": "The organisation whose register this is"}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = selectors.organisations_for_new_register(user)
        if self.instance.pk:
            organisations = organisations | Organisation.objects.filter(
                pk=self.instance.organisation_id
            )
        model_choice(self, "organisation").queryset = organisations.distinct()


class ManagerForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="Their PlanTrack user name")

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError("There is no active user with that name.")
        return user


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "organisation"]
        labels = {"name": "Business group or unit", "organisation": "Organisation unit"}
        help_texts = {"organisation": "The unit it stands for, if it is one in the directory"}

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "organisation").queryset = Organisation.objects.filter(
            pk__in=with_units([register.organisation_id])
        ).order_by("name")


class ActivityForm(forms.ModelForm):
    """Every field of an activity. The cost is typed once, as written; the amount and period
    are read from it unless given."""

    class Meta:
        model = Activity
        fields = [
            "title",
            "group",
            "status",
            "level",
            "description",
            "owner_text",
            "owners",
            "partners",
            "cost_text",
            "cost_amount",
            "cost_period",
            "cost_financial_year",
            "budget_line",
            "business_plan_link",
            "plans",
            "actions",
            "communities_text",
            "communities",
            "aim",
            "method_text",
            "methods",
            "areas",
            "start_text",
            "end_text",
            "recurrence",
        ]
        labels = {
            "level": "Level of engagement (IAP2)",
            "owner_text": "Owner as written",
            "cost_text": "Cost as written",
            "cost_amount": "Cost in pounds",
            "plans": "Plans it delivers",
            "actions": "Plan actions it delivers",
            "communities": "Communities (group descriptors)",
            "start_text": "Starts",
            "end_text": "Ends",
        }
        help_texts = {
            "level": "Inform, consult, involve, collaborate or empower",
            "owners": "People or posts in the directory",
            "cost_text": "E.g. “£9,000 p.a.” or “£2,500”: the amount and period are read "
            "from it when left blank",
            "cost_financial_year": "The year the financial year starts: 2026 for 2026/27",
            "business_plan_link": "As written, e.g. “SN Gold Plan Activity no.104”",
            "communities_text": "Who it is for and why; describe groups, never individuals",
            "start_text": "As written: “Apr 2026”, “Q2 2026/27”, “Ongoing”",
            "end_text": "As written",
        }
        error_messages = {"title": {"required": "Enter the activity’s title"}}
        widgets = {
            "title": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "communities_text": forms.Textarea(attrs={"rows": 3}),
            "aim": forms.Textarea(attrs={"rows": 3}),
            "method_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self.register = register
        model_choice(self, "group").queryset = selectors.groups_for(register)
        model_choice(self, "owners").queryset = selectors.people_to_choose_for(register)
        self.fields["owners"].required = False
        relabel(self, "owners", _person_label)
        model_choice(self, "partners").queryset = Organisation.objects.order_by("name")
        model_choice(self, "methods").queryset = Method.objects.filter(active=True)
        model_choice(self, "communities").queryset = Community.objects.filter(active=True)
        model_choice(self, "areas").queryset = Area.objects.order_by("path")
        relabel(self, "areas", area_label)
        visible = plans_visible_to(user)
        model_choice(self, "plans").queryset = visible.order_by("title")
        actions = Action.objects.filter(plan__in=visible).select_related("plan")
        model_choice(self, "actions").queryset = actions.order_by("plan__title", "position")
        relabel(self, "actions", _action_label)
        model_choice(self, "budget_line").queryset = BudgetLine.objects.filter(
            plan__in=visible
        ).select_related("plan")
        if self.instance.pk:
            # An edit offers the owners it has, even one who has since left the organisation.
            current = Person.objects.filter(Q(pk__in=self.instance.ownerships.values("person_id")))
            owners = model_choice(self, "owners")
            owners.queryset = (selectors.people_to_choose_for(register) | current).distinct()

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        text = clean_text(cleaned.get("cost_text") or "")
        if text and cleaned.get("cost_amount") is None:
            parsed = parse_cost(text)
            if parsed.amount is None:
                self.add_error(
                    "cost_amount",
                    parsed.warning or "The cost could not be read: give it in pounds.",
                )
            else:
                cleaned["cost_amount"] = parsed.amount
                cleaned["cost_period"] = cleaned.get("cost_period") or parsed.period or ""
        return cleaned


class OutputForm(forms.ModelForm):
    class Meta:
        model = Output
        fields = ["kind", "label", "count", "date", "area"]
        labels = {"kind": "What was counted", "label": "Other: what", "area": "Where"}
        widgets = {"date": DateInput()}
        error_messages = {"date": DATE_ERRORS}
        help_texts = {
            "date": "The day the count runs to",
            "area": "Counts at ward level add up to their borough and force",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "area").queryset = Area.objects.order_by("path")
        relabel(self, "area", area_label)


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["you_said", "we_did", "date"]
        labels = {"you_said": "You said", "we_did": "We did"}
        widgets = {
            "date": DateInput(),
            "you_said": forms.Textarea(attrs={"rows": 3}),
            "we_did": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "date": DATE_ERRORS,
            "you_said": {"required": "Say what people said"},
            "we_did": {"required": "Say what was done about it"},
        }


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["title", "due_on", "owner", "done"]
        labels = {"title": "What is to be done", "due_on": "Due"}
        widgets = {"due_on": DateInput()}
        error_messages = {"due_on": {**DATE_ERRORS, "required": "Enter the date it is due"}}

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "owner").queryset = selectors.people_to_choose_for(register)
        relabel(self, "owner", _person_label)
        if not self.instance.pk:
            del self.fields["done"]


class UpdateForm(forms.Form):
    date = forms.DateField(
        required=False, widget=DateInput(), error_messages=DATE_ERRORS, help_text="Today if blank"
    )
    rag = forms.ChoiceField(label="RAG", required=False, choices=[("", "Not rated"), *Rag.choices])
    narrative = forms.CharField(
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say how it is going"},
    )


class ActivityFilterForm(forms.Form):
    """The register page's filters: a plain GET form."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    group = forms.ModelChoiceField(
        queryset=Group.objects.none(), required=False, label="Group", empty_label="Any"
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label="Area",
        help_text="And places in it",
        empty_label="Anywhere",
        widget=LongSelect,
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any"), *Activity.Status.choices])
    level = forms.ChoiceField(
        label="IAP2 level", required=False, choices=[("", "Any"), *Activity.Level.choices]
    )
    method = forms.ModelChoiceField(
        queryset=Method.objects.all(), required=False, empty_label="Any"
    )

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "group").queryset = selectors.groups_for(register)
        model_choice(self, "area").queryset = Area.objects.only(*AREA_CHOICE_FIELDS).order_by(
            "path"
        )
        relabel(self, "area", area_label)

    def to_filter(self) -> selectors.ActivityFilter:
        if not self.is_valid():
            return selectors.ActivityFilter()
        data = self.cleaned_data
        return selectors.ActivityFilter(
            q=data["q"] or "",
            group=data["group"].pk if data["group"] else None,
            area=data["area"],
            status=data["status"],
            level=data["level"],
            method=data["method"].pk if data["method"] else None,
        )


class CommunitiesServedForm(forms.Form):
    communities = forms.ModelMultipleChoiceField(
        queryset=Community.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Communities it serves",
        help_text="Groups, never individuals. Administrators add descriptors to the list.",
    )
