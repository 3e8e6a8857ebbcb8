from __future__ import annotations

from django import forms

from plantrack.accounts.models import User
from plantrack.core.forms import DateInput, LongSelect, model_choice, relabel
from plantrack.directory.forms import area_label
from plantrack.directory.models import Area, Organisation, Person
from plantrack.stakeholders import selectors
from plantrack.stakeholders.models import (
    Contact,
    ContactKind,
    Database,
    DatabaseRole,
    FollowUp,
    Interaction,
    LawfulBasis,
    Level,
    List,
    Purpose,
    Role,
    Stakeholder,
)

DATE_ERRORS = {"invalid": "Enter a real date, like 31/03/2026"}


def _date(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        error_messages=DATE_ERRORS,
        help_text=help_text,
    )


def _person_label(person: Person) -> str:
    where = f" ({person.organisation.name})" if person.organisation is not None else ""
    return f"{person.display_name}{where}"


def _areas(form: forms.BaseForm) -> None:
    model_choice(form, "areas").queryset = Area.objects.order_by("path")
    relabel(form, "areas", area_label)


class DatabaseForm(forms.ModelForm):
    class Meta:
        model = Database
        fields = ["organisation", "description", "dpo_contact"]
        help_texts = {
            "organisation": "The data controller: the organisation whose database this is",
            "dpo_contact": "An office address or mailbox, not a person's own",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            model_choice(self, "organisation").queryset = selectors.organisations_for_new_database(
                user
            )


class RoleGrantForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="Their PlanTrack user name")
    role = forms.ChoiceField(choices=DatabaseRole.Role.choices, widget=forms.RadioSelect)

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError("There is no active user with that name.")
        return user


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["organisation", "category", "owner", "contact_every_days", "areas", "notes"]
        labels = {"areas": "Areas it is active in"}
        help_texts = {
            "organisation": "From the directory: add it there first if it is not listed",
            "notes": "About the relationship, not about people",
        }
        widgets = {"organisation": LongSelect, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, database: Database, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            model_choice(self, "organisation").queryset = Organisation.objects.exclude(
                stakeholder_links__database=database
            ).order_by("name")
        model_choice(self, "owner").queryset = selectors.staff_choices(database).select_related(
            "organisation"
        )
        relabel(self, "owner", _person_label)
        _areas(self)


class RatingForm(forms.Form):
    influence = forms.TypedChoiceField(choices=Level.choices, coerce=int, widget=forms.RadioSelect)
    interest = forms.TypedChoiceField(choices=Level.choices, coerce=int, widget=forms.RadioSelect)
    rated_on = _date("Assessed on", required=True)
    reason = forms.CharField(
        required=False, max_length=1000, help_text="What changed, if this is a re-assessment"
    )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "kind",
            "email",
            "phone",
            "address",
            "notes",
            "areas",
            "source",
            "from_third_party",
            "verified_on",
            "do_not_contact",
            "by_email",
            "by_phone",
            "by_post",
            "email_bounced_on",
        ]
        labels = {
            "kind": "Kind of contact",
            "from_third_party": "Their details came from another organisation's list",
            "verified_on": "Details confirmed on",
            "email_bounced_on": "Email bounced on",
        }
        help_texts = {
            "kind": "Decides how long the contact is kept without an interaction",
            "notes": "Only what the work needs. Never health, ethnicity, religion or other "
            "special-category data",
            "source": "Where the details came from, e.g. “Wandsworth ward panel list 2026”",
            "from_third_party": "They will be queued for the privacy notice within a month",
        }
        widgets = {
            "address": forms.TextInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "verified_on": DateInput,
            "email_bounced_on": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _areas(self)
        for name in ("verified_on", "email_bounced_on"):
            self.fields[name].error_messages.update(DATE_ERRORS)
        if not self.instance.pk:
            del self.fields["email_bounced_on"]


class RoleForm(forms.ModelForm):
    """A role at a stakeholder and who holds it: a contact already linked to the stakeholder,
    or a new contact named here."""

    new_name = forms.CharField(label="Or a new contact: name", required=False, max_length=200)
    new_email = forms.EmailField(label="Their email", required=False)
    new_phone = forms.CharField(label="Their phone", required=False, max_length=40)

    class Meta:
        model = Role
        fields = ["title", "contact", "since", "main"]
        labels = {"title": "Role", "contact": "Held by"}
        help_texts = {"title": "E.g. “Chair”: the role stays when the person changes"}
        widgets = {"since": DateInput}

    def __init__(self, *args, stakeholder: Stakeholder, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "contact").queryset = selectors.contacts_linked_to(stakeholder)
        self.fields["contact"].required = False
        self.fields["since"].error_messages.update(DATE_ERRORS)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("new_name") and cleaned.get("contact"):
            self.add_error("new_name", "Choose a contact or name a new one, not both.")
        if (cleaned.get("new_email") or cleaned.get("new_phone")) and not cleaned.get("new_name"):
            self.add_error("new_name", "Enter the new contact's name.")
        return cleaned

    def new_contact(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if not data.get("new_name"):
            return None
        return {"name": data["new_name"], "email": data["new_email"], "phone": data["new_phone"]}

    def role_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "date", "summary", "issues", "contacts", "staff", "activity"]
        labels = {
            "contacts": "Who took part",
            "staff": "Our staff there",
            "activity": "At an engagement activity",
        }
        help_texts = {"activity": "Their attendance is then listed on the activity's page"}
        widgets = {
            "date": DateInput,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "issues": forms.Textarea(attrs={"rows": 3}),
            "contacts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, database: Database, stakeholder: Stakeholder | None, **kwargs):
        contact: Contact | None = kwargs.pop("contact", None)
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages.update(DATE_ERRORS)
        contacts = model_choice(self, "contacts")
        if stakeholder is not None:
            contacts.queryset = selectors.contacts_linked_to(stakeholder)
        elif contact is not None:
            contacts.queryset = Contact.objects.filter(pk=contact.pk)
            self.initial.setdefault("contacts", [contact.pk])
        contacts.required = False
        model_choice(self, "staff").queryset = selectors.staff_choices(database).select_related(
            "organisation"
        )
        relabel(self, "staff", _person_label)
        model_choice(self, "activity").queryset = selectors.activities_for_interactions(database)
        relabel(self, "activity", lambda a: f"{a.register.title[:40]}: {a.title[:80]}")


class BasisForm(forms.Form):
    purpose = forms.ModelChoiceField(queryset=Purpose.objects.none())
    kind = forms.ChoiceField(
        label="Lawful basis", choices=LawfulBasis.choices, widget=forms.RadioSelect
    )
    consent_on = _date("Consent given on", help_text="For consent only")
    consent_source = forms.CharField(
        label="How consent was given",
        required=False,
        max_length=200,
        help_text="For consent only, e.g. “sign-up form at the ward panel”",
    )
    consent_wording = forms.CharField(
        label="The words they were shown",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For consent only",
    )
    review_on = _date("Review on")

    def __init__(self, *args, database: Database, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "purpose").queryset = database.purposes.all()


class StakeholderFilterForm(forms.Form):
    q = forms.CharField(label="Organisation name", required=False, max_length=200)
    category = forms.ChoiceField(
        required=False, choices=[("", "Any category"), *Stakeholder.Category.choices]
    )
    overdue = forms.BooleanField(label="Contact overdue only", required=False)

    def to_filter(self) -> selectors.StakeholderFilter:
        if not self.is_valid():
            return selectors.StakeholderFilter()
        data = self.cleaned_data
        return selectors.StakeholderFilter(
            q=data["q"].strip(), category=data["category"], overdue=data["overdue"]
        )


class ContactSearchForm(forms.Form):
    q = forms.CharField(label="Name or email", required=False, max_length=200)


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["title", "due_on", "owner", "contact"]
        labels = {"owner": "Owned by one of our staff", "title": "What was promised"}
        widgets = {"title": forms.TextInput(), "due_on": DateInput}

    def __init__(self, *args, interaction: Interaction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].error_messages.update(DATE_ERRORS)
        model_choice(self, "owner").queryset = selectors.staff_choices(
            interaction.database
        ).select_related("organisation")
        relabel(self, "owner", _person_label)
        model_choice(self, "contact").queryset = interaction.contacts.exclude(
            state__in=Contact.HIDDEN
        )


class SubjectAccessForm(forms.Form):
    received_on = _date(
        "Request received on", required=True, help_text="The answer is due a month later"
    )


class KeepForm(forms.Form):
    kept_reason = forms.CharField(
        label="Why they are still needed", max_length=1000, help_text="E.g. “still chair”"
    )


class RetentionRuleForm(forms.Form):
    kind = forms.ChoiceField(choices=ContactKind.choices, widget=forms.HiddenInput)
    months = forms.IntegerField(
        label="Keep for (months after the last interaction)", min_value=1, max_value=240
    )
    warning_days = forms.IntegerField(
        label="Review period before anonymising (days)", min_value=1, max_value=365
    )


class NoticeSentForm(forms.Form):
    notice = forms.ModelChoiceField(label="Privacy notice sent", queryset=Contact.objects.none())
    sent_on = _date("Sent on", required=True)

    def __init__(self, *args, database: Database, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "notice").queryset = database.privacy_notices.all()


class PrivacyNoticeForm(forms.Form):
    version = forms.CharField(max_length=40, help_text="E.g. “2.0”")
    published_on = _date("Published on", required=True)
    url = forms.URLField(label="Address of the notice", required=False)
    text = forms.CharField(label="Text of the notice", widget=forms.Textarea(attrs={"rows": 6}))


class ListForm(forms.Form):
    name = forms.CharField(max_length=200)
    parent = forms.ModelChoiceField(
        label="Inside the list", queryset=List.objects.none(), required=False
    )
    description = forms.CharField(max_length=1000, required=False)

    def __init__(self, *args, database: Database, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "parent").queryset = database.lists.order_by("name")


class AddToListForm(forms.Form):
    list_ = forms.ModelChoiceField(label="Add to the list", queryset=List.objects.none())

    def __init__(self, *args, database: Database, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "list_").queryset = database.lists.order_by("name")


class MailingForm(forms.Form):
    channel = forms.ChoiceField(
        choices=[("email", "Email"), ("post", "Post"), ("phone", "Phone")],
        initial="email",
        widget=forms.RadioSelect,
    )
    purpose = forms.ModelChoiceField(
        label="For the purpose",
        queryset=Purpose.objects.none(),
        required=False,
        empty_label="Any purpose they are held for",
        help_text="Only contacts with a lawful basis in force for it are kept",
    )

    def __init__(self, *args, database: Database, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "purpose").queryset = database.purposes.all()
