from __future__ import annotations

from django import forms

from plantrack.accounts.models import User
from plantrack.core.text import TEXT_MAX


class PublishForm(forms.Form):
    slug = forms.SlugField(
        label="Public address",
        required=False,
        max_length=70,
        help_text="The end of the page's address, such as community-charter. It cannot change "
        "once the plan has one; leave empty to take it from the title",
    )
    introduction = forms.CharField(
        label="What the public page says first (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Without it, the plan's own summary is shown",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        max_length=500,
        help_text="Kept in the plan's history, seen by its managers",
        error_messages={"required": "Say why"},
    )


class ApproveForm(forms.Form):
    text = forms.CharField(
        label="What the public will read",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The update's own words, or an edited version without names, internal "
        "details or anything not for the public",
        error_messages={"required": "Write the text the public will read"},
    )


class KeepInternalForm(forms.Form):
    reason = forms.CharField(
        label="Why is it not for the public? (optional)", required=False, max_length=500
    )


class PublishersForm(forms.Form):
    publishers = forms.ModelMultipleChoiceField(
        label="Named publishers",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Besides the plan's managers, who may approve updates for the public",
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publishers"].queryset = users  # type: ignore[attr-defined]
