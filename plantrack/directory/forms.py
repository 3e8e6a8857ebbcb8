from __future__ import annotations

from django import forms

from plantrack.core.forms import model_choice
from plantrack.directory.models import Area, Membership, Organisation, Person
from plantrack.directory.selectors import can_change_email, organisation_ids_for


def _own_organisations(field, user, current_id: int | None) -> None:
    """Offer only the organisations the user belongs to (and the current choice): placing
    something beneath another organisation is refused anyway, and a national directory is too
    long for one list."""
    if user is None or user.is_superuser:
        return
    allowed = set(organisation_ids_for(user))
    if current_id is not None:
        allowed.add(current_id)
    field.queryset = Organisation.objects.filter(pk__in=allowed).order_by("name")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "parent", "email", "website"]
        help_texts = {"parent": "Only organisations you belong to can be chosen."}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _own_organisations(self.fields["parent"], user, self.instance.parent_id)


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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _own_organisations(self.fields["organisation"], user, self.instance.organisation_id)
        if user is not None and self.instance.pk and not can_change_email(user, self.instance):
            self.fields["email"].disabled = True
            self.fields["email"].help_text = (
                "Only a site admin or the person themselves can change the address of someone "
                "who owns actions."
            )


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False)


# What area_label and the pages choosing an area read of one: a list of every area loads
# only these (its timestamps alone took a fifth of the time of building the list).
AREA_CHOICE_FIELDS = ("id", "name", "level", "code", "path", "parent")


def area_label(area: Area) -> str:
    """An area in a choice list, indented by its level."""
    return f"{'\u2003' * area.depth}{area} · {Area.Level(area.level).label}"


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name", "level", "parent", "code", "ons_code", "organisation"]
        labels = {"parent": "Inside", "organisation": "Kept by"}
        help_texts = {"parent": "The force area a borough is in, the borough a ward is in"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Area.objects.exclude(level=Area.Level.WARD).order_by("path")
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        parent = model_choice(self, "parent")
        parent.queryset = parents
        parent.label_from_instance = area_label  # type: ignore[method-assign,assignment]
        model_choice(self, "organisation").queryset = Organisation.objects.order_by("name")


class AreasImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: name, level (force, borough or ward), code, ons_code, parent (the "
        "parent’s ONS code, code or name). Parents come before their children.",
    )


class InvitationForm(forms.Form):
    """Who to invite where. The organisations offered are those the user may invite into."""

    email = forms.EmailField(label="Email address")
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            model_choice(self, "organisation").queryset = organisations


# --- Clean-up --------------------------------------------------------------------------------


class MergeForm(forms.Form):
    """Two entries and which one to keep; the other is merged into it."""

    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.ChoiceField(
        label="Which entry do you keep?",
        widget=forms.RadioSelect,
        choices=[("first", "The first"), ("second", "The second")],
        help_text="The other one's links move to it. Its own entry stays, marked as merged, "
        "and the merge can be undone from the kept entry's page.",
    )

    def __init__(self, *args, entries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entries:
            first, second = entries
            keep = self.fields["keep"]
            assert isinstance(keep, forms.ChoiceField)
            keep.choices = [
                ("first", f"Keep {first}"),
                ("second", f"Keep {second}"),
            ]


class DismissForm(forms.Form):
    kind = forms.ChoiceField(choices=[("person", "People"), ("organisation", "Organisations")])
    first = forms.IntegerField(min_value=1)
    second = forms.IntegerField(min_value=1)


class PlaceForm(forms.Form):
    parent = forms.IntegerField(min_value=1)
