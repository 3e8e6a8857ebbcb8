from __future__ import annotations

from django import forms

from plantrack.core.forms import DateInput, model_choice
from plantrack.core.models import Rag
from plantrack.directory.models import Organisation, Person
from plantrack.evidence.forms import EvidenceFileField
from plantrack.plans.models import Action, Plan, PlanRole, Section
from plantrack.plans.selectors import SORTS, ActionFilters, people_to_choose_for, today

RAG_FILTER_CHOICES = [*Rag.choices, ("none", "Not rated")]


class ActionFilterForm(forms.Form):
    """The plan page's filters. Read from the query string, so every view of a list has a URL."""

    q = forms.CharField(label="Search", required=False)
    rag = forms.MultipleChoiceField(
        label="RAG",
        choices=RAG_FILTER_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.MultipleChoiceField(
        choices=Action.Status.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # Plain integers: a stale or unknown id simply matches nothing. The options are only
    # needed to draw the form, which is cached, so they are loaded by with_options().
    owner = forms.IntegerField(label="Owner", required=False, widget=forms.Select)
    organisation = forms.IntegerField(label="Organisation", required=False, widget=forms.Select)
    overdue = forms.BooleanField(label="Overdue", required=False)
    update_due = forms.BooleanField(label="Update due", required=False)
    review_due = forms.BooleanField(label="Review due", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def with_options(self, owners, organisations) -> ActionFilterForm:
        self.fields["owner"].widget.choices = [("", "Anyone")] + [
            (p.pk, p.display_name) for p in owners
        ]
        self.fields["organisation"].widget.choices = [("", "Any")] + [
            (o.pk, o.name) for o in organisations
        ]
        return self

    def filters(self) -> ActionFilters:
        if not self.is_valid():
            return ActionFilters()
        data = self.cleaned_data
        return ActionFilters(
            rag=data["rag"],
            status=data["status"],
            owner=data["owner"],
            organisation=data["organisation"],
            overdue=data["overdue"],
            update_due=data["update_due"],
            review_due=data["review_due"],
            q=data["q"].strip(),
            sort=data["sort"] or "position",
        )


class UpdateForm(forms.Form):
    date = forms.DateField(
        label="Date of update",
        widget=DateInput(),
        help_text="The day this update reports on",
        error_messages={
            "required": "Enter the date of the update",
            "invalid": "Enter the date of the update as a real date, like 31/03/2025",
        },
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a RAG rating"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's status"},
    )
    narrative = forms.CharField(
        label="What has happened since the last update?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": "Enter what has happened since the last update"},
    )
    evidence = EvidenceFileField(label="Evidence (optional)", required=False)

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("initial", {"date": today(), "rag": action.rag, "status": action.status})
        super().__init__(*args, **kwargs)
        # Read by the field template (radios in a row); no Field declares it.
        self.fields["rag"].inline = True  # type: ignore[attr-defined]


class PlanForm(forms.ModelForm):
    period_text = forms.CharField(
        label="Period", required=False, help_text="As written, for example April 2023 – March 2026"
    )

    class Meta:
        model = Plan
        fields = [
            "title",
            "kind",
            "summary",
            "owner_organisation",
            "period_text",
            "status",
            "visibility",
            "reports_to",
            "source_document",
            "update_interval_days",
            "measures_suggest_rag",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "visibility": forms.RadioSelect}
        labels = {"update_interval_days": "Update interval (days)"}


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"position": "Order"}
        help_texts = {"position": "Sections are shown from the lowest number to the highest"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["position"]


class ActionForm(forms.ModelForm):
    start_text = forms.CharField(label="Start", required=False, help_text="As written")
    review_text = forms.CharField(label="Review date", required=False, help_text="As written")
    due_text = forms.CharField(
        label="Deadline",
        required=False,
        help_text="As written, for example 'March 2024', 'Q3 2024/25' or 'Ongoing'",
    )
    owners = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        help_text="People of the plan's organisations. Hold Ctrl (Cmd on a Mac) to choose "
        "several. Someone missing? Add them in People first.",
    )
    lead_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Hold Ctrl (Cmd on a Mac) to choose several",
    )
    supporting_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(), required=False
    )
    depends_on = forms.ModelMultipleChoiceField(
        label="Depends on", queryset=Action.objects.none(), required=False
    )

    class Meta:
        model = Action
        fields = [
            "section",
            "ref",
            "title",
            "description",
            "strategy_refs",
            "status",
            "rag",
            "owner_text",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "section").queryset = Section.objects.filter(plan=plan)
        model_choice(self, "owners").queryset = people_to_choose_for(plan)
        organisations = Organisation.objects.all()
        model_choice(self, "lead_organisations").queryset = organisations
        model_choice(self, "supporting_organisations").queryset = organisations
        others = Action.objects.filter(plan=plan)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            agencies = list(self.instance.agencies.all())
            self.initial.update(
                start_text=self.instance.start_text,
                review_text=self.instance.review_text,
                due_text=self.instance.due_text,
                owners=[o.person_id for o in self.instance.ownerships.all()],
                lead_organisations=[a.organisation_id for a in agencies if a.role == "lead"],
                supporting_organisations=[
                    a.organisation_id for a in agencies if a.role == "supporting"
                ],
                depends_on=list(self.instance.depends_on.values_list("pk", flat=True)),
            )
        model_choice(self, "depends_on").queryset = others


class RoleForm(forms.Form):
    username = forms.CharField(label="Username")
    role = forms.ChoiceField(choices=PlanRole.Role.choices, widget=forms.RadioSelect)


class MilestoneForm(forms.Form):
    """Adds or edits a milestone; the due date is kept as written and parsed."""

    title = forms.CharField(label="Milestone")
    due_text = forms.CharField(label="Due", required=False, help_text="As written")
    done = forms.BooleanField(label="Done", required=False)


class BulkForm(forms.Form):
    """Many actions of a plan at once: set fields on them, or post them the same update."""

    actions = forms.ModelMultipleChoiceField(
        label="Actions",
        queryset=Action.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one action"},
    )
    do = forms.ChoiceField(
        label="What to do",
        choices=[
            ("set", "Change the selected actions (the fields below left blank are kept)"),
            ("post", "Post the same update to each of them"),
        ],
        widget=forms.RadioSelect,
        initial="set",
    )
    section = forms.ModelChoiceField(
        label="Move to section",
        queryset=Section.objects.none(),
        required=False,
        empty_label="Keep each action's section",
    )
    status = forms.ChoiceField(
        label="Set the status",
        choices=[("", "Keep each action's status"), *Action.Status.choices],
        required=False,
    )
    due_text = forms.CharField(
        label="Set the deadline",
        required=False,
        max_length=200,
        help_text="As written, for example 'March 2027'. Leave blank to keep each one's.",
    )
    owners = forms.ModelMultipleChoiceField(
        label="Set the owners",
        queryset=Person.objects.none(),
        required=False,
        help_text="Replaces each action's owners. Leave empty to keep them.",
    )
    narrative = forms.CharField(
        label="Update to post",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rag = forms.ChoiceField(
        label="RAG rating of the update",
        choices=[("", "None: keep each action's"), *Rag.choices],
        required=False,
    )
    update_status = forms.ChoiceField(
        label="Status of the update",
        choices=[("", "None: keep each action's"), *Action.Status.choices],
        required=False,
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        actions = Action.objects.filter(plan=plan).select_related("section")
        model_choice(self, "actions").queryset = actions.order_by(
            "section__position", "section_id", "position", "id"
        )
        self.fields["actions"].label_from_instance = _bulk_label  # type: ignore[attr-defined]
        model_choice(self, "section").queryset = Section.objects.filter(plan=plan)
        model_choice(self, "owners").queryset = people_to_choose_for(plan)

    def service_arguments(self) -> tuple[str, dict]:
        """Which service, and its arguments beyond actor and plan."""
        data = self.cleaned_data
        actions = list(data["actions"])
        if data["do"] == "post":
            return "post", {
                "actions": actions,
                "narrative": data["narrative"],
                "rag": data["rag"],
                "status": data["update_status"],
            }
        chosen = {k: data[k] for k in ("section", "status", "due_text") if data[k]}
        return "set", {"actions": actions, "owners": list(data["owners"]) or None, **chosen}


def _bulk_label(action: Action) -> str:
    where = f" ({action.section.title})" if action.section else ""
    return f"{action.ref or '—'}{where}: {action.title[:120]}"


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label="Why is it being deleted? (optional)",
        required=False,
        max_length=500,
        help_text="Kept with it, shown to the managers who may restore it",
    )
