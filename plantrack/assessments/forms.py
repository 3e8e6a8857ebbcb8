from __future__ import annotations

from django import forms

from plantrack.accounts.models import User
from plantrack.assessments import selectors
from plantrack.assessments.models import NEXT_STATUSES, Framework, Item
from plantrack.core.forms import model_choice


class FrameworkForm(forms.ModelForm):
    class Meta:
        model = Framework
        fields = ["title", "organisation", "description", "target_percent"]
        labels = {"description": "Introduction"}
        help_texts = {
            "organisation": "The organisation that keeps the framework and runs its cycles",
            "target_percent": "“The vast majority”: the share of the items that apply to a unit "
            "it should have in place, for example 80",
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = selectors.organisations_for_new_framework(user)
        if self.instance.pk:
            # The owner is not changed by an edit: cycles and answers belong to it.
            del self.fields["organisation"]
        else:
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
            "mandatory",
            "previous",
            "not_comparable",
        ]
        labels = {
            "text": "Practice or standard, as written",
            "cadence_days": "Cadence in days",
            "mandatory": "Every unit must have this in place",
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
            field.label_from_instance = _item_label  # type: ignore[method-assign,assignment]


def _item_label(item: Item) -> str:
    return f"{item.position + 1}. {item.text[:90]}"


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Move to")

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = NEXT_STATUSES[Framework.Status(framework.status)]
        self.fields["status"].choices = [(s, Framework.Status(s).label) for s in allowed]  # type: ignore[attr-defined]
