from __future__ import annotations

from django import forms

from plantrack.accounts.models import User
from plantrack.assessments import selectors
from plantrack.assessments.models import NEXT_STATUSES, Answer, Framework, Item, Unit
from plantrack.core.forms import DateInput, LongSelect, model_choice, relabel
from plantrack.directory.models import Area, Organisation, Person


class FrameworkForm(forms.ModelForm):
    class Meta:
        model = Framework
        fields = ["title", "organisation", "description", "target_percent", "consulted"]
        labels = {"description": "Introduction", "consulted": "Organisations consulted"}
        widgets = {"consulted": forms.CheckboxSelectMultiple}
        help_texts = {
            "organisation": "The organisation that keeps the framework and runs its cycles",
            "target_percent": "“The vast majority”: the share of the items that apply to a unit "
            "it should have in place, for example 80",
            "consulted": "While it is in consultation their members read it and comment on "
            "each item",
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = selectors.organisations_for_new_framework(user)
        if self.instance.pk:
            # The owner is not changed by an edit: cycles and answers belong to it.
            del self.fields["organisation"]
            if self.instance.is_editable:
                consult = selectors.organisations_to_consult(self.instance)
                model_choice(self, "consulted").queryset = consult
            else:
                del self.fields["consulted"]
        else:
            # Whom to consult is chosen once the framework (and so its keeper) exists.
            del self.fields["consulted"]
            model_choice(self, "organisation").queryset = organisations


class ItemForm(forms.ModelForm):
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Work it out from the text"), *Item.Kind.choices],
        help_text="Recurring: done at a cadence, checked against what is recorded. Role: "
        "someone appointed to it, checked against the directory. Partner: work with another "
        "organisation. Funding: kept up and renewed, checked against budget lines.",
    )

    class Meta:
        model = Item
        fields = [
            "text",
            "group",
            "guidance",
            "kind",
            "cadence_text",
            "cadence_days",
            "check_words",
            "mandatory",
            "evidence_required",
            "previous",
            "not_comparable",
        ]
        labels = {
            "text": "Practice or standard, as written",
            "cadence_days": "Cadence in days",
            "mandatory": "Every unit must have this in place",
            "evidence_required": "An answer of in place needs evidence",
            "previous": "Continues this item of the previous version",
        }
        error_messages = {"text": {"required": "Enter the practice or standard, as written"}}
        help_texts = {
            "group": "Optional: the heading it sits under",
            "cadence_text": "For a recurring practice, as written: “3-weekly”, “monthly”",
        }

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        previous = selectors.previous_items(framework)
        if framework.previous_id is None:
            del self.fields["previous"]
            del self.fields["not_comparable"]
        else:
            field = model_choice(self, "previous")
            field.queryset = previous
            relabel(self, "previous", _item_label)


def _item_label(item: Item) -> str:
    return f"{item.position + 1}. {item.text[:90]}"


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Move to")

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = NEXT_STATUSES[Framework.Status(framework.status)]
        self.fields["status"].choices = [(s, Framework.Status(s).label) for s in allowed]  # type: ignore[attr-defined]


# --- Cycles ---------------------------------------------------------------------------------


class CycleForm(forms.Form):
    title = forms.CharField(max_length=300, help_text="For example “2026/27 self-assessment”")
    opens_on = forms.DateField(label="Opens on", widget=DateInput)
    due_on = forms.DateField(label="Due on", widget=DateInput)
    units = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The units (boroughs, teams, partners) that assess themselves",
        error_messages={"required": "Choose at least one unit to send it to"},
    )
    reviewers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They accept or challenge each answer and finalise each return",
    )

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "units").queryset = selectors.units_to_choose(framework)
        model_choice(self, "reviewers").queryset = selectors.people_to_choose(framework)
        relabel(self, "reviewers", _user_label)


class AssessorsForm(forms.Form):
    assessors = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They answer for this unit (its single point of contact)",
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "assessors").queryset = selectors.assessors_to_choose(unit)
        relabel(self, "assessors", _user_label)


class AnswerForm(forms.Form):
    """One item's answer: its level, the reason it does not apply, and a comment."""

    level = forms.ChoiceField(
        label="How far is it in place?",
        choices=Answer.Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how far it is in place"},
    )
    reason = forms.CharField(label="If not applicable: why", required=False, max_length=2000)
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is done, by whom and how often; add evidence below once it is saved",
    )

    def __init__(self, *args, answer: Answer | None, **kwargs):
        if answer is not None:
            kwargs.setdefault(
                "initial",
                {"level": answer.level, "reason": answer.reason, "comment": answer.comment},
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean() or {}
        if data.get("level") == Answer.Level.NOT_APPLICABLE and not data.get("reason", "").strip():
            self.add_error("reason", "Say why it does not apply")
        return data

    def changes(self, answer: Answer | None) -> bool:
        """Whether saving the cleaned answer changes ``answer`` (None: not answered yet)."""
        if answer is None:
            return True
        level = self.cleaned_data["level"]
        reason = self.cleaned_data["reason"].strip() if level == Answer.Level.NOT_APPLICABLE else ""
        given = (level, reason, self.cleaned_data["comment"].strip())
        return given != (answer.level, answer.reason, answer.comment)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("challenge", "Challenge")], widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Comment", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the reply"},
    )


def _user_label(user: User) -> str:
    return user.get_full_name() or user.username


class GapActionForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        empty_label="No one yet",
        help_text="Who will close the gap: the unit's assessor or another of its people",
    )
    due_text = forms.CharField(
        label="Due", required=False, max_length=200, help_text="As you would write it: “By Mar 27”"
    )
    help_offered = forms.CharField(
        label="Help the central team offers",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "owner").queryset = selectors.people_of_unit(unit)
        assessor = selectors.people_of_unit(unit).filter(user__in=unit.assessors.all()).first()
        if assessor is not None:
            self.fields["owner"].initial = assessor.pk


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the comment"},
    )


class HeatMapFilterForm(forms.Form):
    """The heat map's filters: a plain GET form. Its choices come from
    ``fragments.filter_choices`` (kept with the heat map)."""

    # Written out in Python (LongSelect): through Django's option templates the two took a
    # third of the cycle's page once its heat map is cached.
    kind = forms.ChoiceField(label="Kind of unit", required=False, widget=LongSelect)
    area = forms.TypedChoiceField(label="Area", required=False, coerce=int, widget=LongSelect)

    def __init__(self, *args, choices: tuple[list, list], **kwargs):
        super().__init__(*args, **kwargs)
        kinds, areas = choices
        self.fields["kind"].choices = [("", "Any"), *kinds]  # type: ignore[attr-defined]
        self.fields["area"].choices = [("", "Anywhere"), *areas]  # type: ignore[attr-defined]

    def chosen(self) -> dict:
        if not self.is_valid():
            return {}
        area = self.cleaned_data["area"]
        return {
            "kind": self.cleaned_data["kind"],
            "area": Area.objects.get(pk=area) if area else None,
        }
