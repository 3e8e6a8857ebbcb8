from __future__ import annotations

from typing import Any

from django import forms

from plantrack.accounts.models import User
from plantrack.core.forms import DateInput, choice, model_choice
from plantrack.directory.models import Organisation, Person
from plantrack.governance import selectors
from plantrack.governance.models import AgendaItem, Body, Decision, Meeting
from plantrack.governance.templatetags.governance_tags import subject_label
from plantrack.plans.models import Plan, Section
from plantrack.plans.selectors import people_to_choose_for, sections_for_plan

DATE_ERRORS = {
    "required": "Enter the date",
    "invalid": "Enter a real date, like 31/03/2025",
}


def _person_label(person: Person) -> str:
    where = f" ({person.organisation.name})" if person.organisation is not None else ""
    return f"{person.display_name}{where}"


def _label_people(field: forms.ModelChoiceField) -> None:
    # Django's documented way to relabel one field's choices; mypy sees a method replaced.
    field.label_from_instance = _person_label  # type: ignore[method-assign,assignment]


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = [
            "name",
            "short_name",
            "kind",
            "organisation",
            "chair",
            "chair_text",
            "terms_of_reference",
            "cadence",
            "reports_to",
        ]
        help_texts = {
            "chair_text": "When the document names no person: “chaired by the police”",
            "reports_to": "The body above it, if any",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        body = self.instance if self.instance.pk else None
        model_choice(self, "organisation").queryset = Organisation.objects.order_by("name")
        model_choice(self, "chair").queryset = selectors.people_to_choose_for_body(user, body)
        _label_people(model_choice(self, "chair"))
        # A body may be placed under one the user keeps (or under its current parent).
        parents = selectors.bodies_managed_by(user)
        if body is not None:
            parents = (parents | Body.objects.filter(pk=body.reports_to_id)).exclude(pk=body.pk)
        model_choice(self, "reports_to").queryset = parents.distinct().order_by("name")


class MemberForm(forms.Form):
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=None, error_messages={"required": "Choose a person"}
    )
    role = forms.CharField(
        max_length=200, required=False, help_text="E.g. secretary, police lead, public health"
    )

    def __init__(self, *args, user, body, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = selectors.people_to_choose_for_body(user, body)
        _label_people(model_choice(self, "person"))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "title", "location", "notes"]
        widgets = {"date": DateInput()}
        error_messages = {"date": DATE_ERRORS}


class _SubjectMixin:
    """The "About" choice: "<kind>:<id>" of something in a plan the body oversees."""

    # Given by the form this is mixed into.
    cleaned_data: dict[str, Any]
    user: User

    def clean_subject(self):
        value = self.cleaned_data["subject"]
        if not value:
            return None
        subject = selectors.subject_from_choice(self.user, value)
        if subject is None:
            raise forms.ValidationError("Choose something from the list")
        return subject


class AgendaItemForm(_SubjectMixin, forms.Form):
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the item's title"})
    subject = forms.ChoiceField(
        label="About",
        required=False,
        help_text="A plan the body oversees, or something in it",
    )

    def __init__(self, *args, user, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = selectors.subject_choices(user, body)
        choice(self, "subject").choices = [("", "The body's own business"), *choices]


class DecisionForm(_SubjectMixin, forms.Form):
    """At a meeting: against one of its agenda items (the item's subject); elsewhere: against
    one of the things the body oversees. Correcting a decision taken at a meeting offers both,
    so that a subject given without an agenda item is kept."""

    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(),
        required=False,
        label="Agenda item",
        empty_label="None: the body's own business",
    )
    subject = forms.ChoiceField(label="About", required=False)
    kind = forms.ChoiceField(
        label="Type", choices=Decision.Kind.choices, initial=Decision.Kind.DECISION
    )
    text = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="As minuted, e.g. “BASBAG agree delivery model”",
        error_messages={"required": "Enter the decision"},
    )
    decided_on = forms.DateField(label="Date", widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args, user, body, meeting=None, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.meeting = user, meeting
        if meeting is not None:
            model_choice(self, "agenda_item").queryset = selectors.agenda_for_meeting(user, meeting)
            self.fields["decided_on"].initial = meeting.date
        else:
            del self.fields["agenda_item"]
        if meeting is not None and decision is None:
            del self.fields["subject"]
        else:
            self._offer_subjects(user, body, decision)
        if decision is not None:
            self.initial.update(self._initial_from(decision))

    def _offer_subjects(self, user, body, decision) -> None:
        choices = selectors.subject_choices(user, body)
        current = decision.subject if decision is not None else None
        if current is not None:
            value = selectors.subject_choice_value(current)
            offered = {v for _, group in choices for v, _ in group}
            if value not in offered:  # about a plan the body no longer oversees
                choices = [("Now", [(value, subject_label(current))]), *choices]
        empty = "The body's own business"
        if self.meeting is not None:
            empty = "The agenda item's subject, or the body's own business"
            model_choice(self, "agenda_item").empty_label = "None"
        choice(self, "subject").choices = [("", empty), *choices]

    @staticmethod
    def _initial_from(decision) -> dict:
        subject, item = decision.subject, decision.agenda_item
        # A subject that is its agenda item's follows the item when the item is changed.
        follows_item = item is not None and subject == item.subject
        return {
            "agenda_item": decision.agenda_item_id,
            "subject": ""
            if subject is None or follows_item
            else selectors.subject_choice_value(subject),
            "kind": decision.kind,
            "text": decision.text,
            "decided_on": decision.decided_on,
        }


class OversightForm(forms.Form):
    body = forms.ModelChoiceField(
        queryset=Body.objects.order_by("name"), error_messages={"required": "Choose a body"}
    )
    section: forms.ModelChoiceField[Section] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Section (initiative)",
        empty_label="The whole plan",
    )
    lead: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=None, required=False, label="Strategic lead"
    )
    lead_text = forms.CharField(
        label="Strategic lead (as written)",
        max_length=200,
        required=False,
        help_text="E.g. “Andy Mariner, Chief Inspector, Barnet Police”",
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "section").queryset = sections_for_plan(plan)
        model_choice(self, "lead").queryset = people_to_choose_for(plan)
        _label_people(model_choice(self, "lead"))
