from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat

from plantrack.evidence.files import max_bytes
from plantrack.evidence.models import URL_MAX


def file_help() -> str:
    return f"A PDF, Word, Excel, CSV or image file, up to {filesizeformat(max_bytes())}"


class EvidenceFileField(forms.FileField):
    """A file input. What the file is, and whether it is too big, is the service's to say
    (from its bytes); the form only asks that one was chosen."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", file_help())
        kwargs.setdefault("error_messages", {"required": "Choose a file to upload"})
        super().__init__(**kwargs)


class FileEvidenceForm(forms.Form):
    file = EvidenceFileField(label="File")
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        help_text="What it shows. Left empty, the file's name is the title",
    )


class LinkEvidenceForm(forms.Form):
    url = forms.CharField(
        label="Web address",
        max_length=URL_MAX,
        help_text="Starting with https://, for example a page on your organisation's website",
        error_messages={"required": "Enter the web address"},
        widget=forms.URLInput,
    )
    title = forms.CharField(
        label="Title",
        help_text="What the link shows",
        error_messages={"required": "Say what the link is"},
    )
