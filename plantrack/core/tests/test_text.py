"""Text made safe at every way in (core/text.py, the GOV.UK bound field, the API's
InputSchema) and at the one xlsx writer (core/xlsx.py)."""

from __future__ import annotations

import io

import pytest
from django import forms
from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from plantrack.core.forms import RawTextField
from plantrack.core.schemas import InputSchema
from plantrack.core.text import TEXT_MAX, TITLE_MAX, clean_text
from plantrack.core.xlsx import append_row, workbook_bytes


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Drafted\x0bsent", "Drafted\nsent"),  # Word's manual line break
        ("Page\x0cnext", "Page\nnext"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\u2028b\x85c", "a\nb\nc"),
        ("tab\tstays", "tab\tstays"),
        ("N\x00U\x01L\x07\x1b[31m\x7f\x9f", "NUL[31m"),
        ("lone \ud800surrogate\udfff", "lone surrogate"),
        ("non\ufffe\uffffchars", "nonchars"),
        ("£ – é ✓ 😀", "£ – é ✓ 😀"),
        ("", ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


class AnyForm(forms.Form):
    title = forms.CharField()
    body = forms.CharField(widget=forms.Textarea, required=False)
    short = forms.CharField(max_length=20, required=False)
    pasted = RawTextField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    tags = forms.MultipleChoiceField(choices=[("a", "A")], required=False)


def test_every_form_cleans_submitted_text_values():
    form = AnyForm(
        {
            "title": "Title\x00 one",
            "body": "One\x0btwo\r\nthree",
            "pasted": "a\tb\x0cc\x0bd",
            "secret": "p\x01w",
            "tags": ["a\x00"],
        }
    )
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert data["title"] == "Title one"
    assert data["body"] == "One\ntwo\nthree"
    assert data["tags"] == ["a"]
    # Left as submitted: the importer reads page breaks; a password is used as typed.
    assert data["pasted"] == "a\tb\x0cc\x0bd"
    assert data["secret"] == "p\x01w"


def test_every_form_bounds_text_fields():
    form = AnyForm(
        {"title": "x" * (TITLE_MAX + 1), "body": "y" * (TEXT_MAX + 1), "short": "z" * 21}
    )
    assert not form.is_valid()
    assert set(form.errors) == {"title", "body", "short"}
    assert "at most 1000 characters" in form.errors["title"][0]
    assert AnyForm({"title": "x" * TITLE_MAX, "body": "y" * TEXT_MAX}).is_valid()
    # The browser is told the limit too.
    assert f'maxlength="{TITLE_MAX}"' in str(AnyForm()["title"])
    # A field's own max_length stands, and bounding one form's field changes no other form.
    assert AnyForm().fields["short"].max_length == 20
    assert AnyForm.base_fields["title"].max_length is None


def test_raw_text_is_not_bounded_by_the_form():
    form = AnyForm({"title": "t", "pasted": "p" * (TEXT_MAX * 2)})
    assert form.is_valid(), form.errors


class AnyIn(InputSchema):
    text: str
    note: str = ""
    count: int = 0


def test_input_schemas_clean_and_bound_text():
    data = AnyIn.model_validate({"text": "Half\x00 done\x0bnext", "note": "a\r\nb", "count": 3})
    assert (data.text, data.note, data.count) == ("Half done\nnext", "a\nb", 3)
    with pytest.raises(ValidationError, match="at most 20,000 characters"):
        AnyIn.model_validate({"text": "x" * (TEXT_MAX + 1)})


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", '=HYPERLINK("x")'])
def test_append_row_never_writes_a_formula(text):
    workbook = Workbook()
    append_row(workbook.active, [text, 5, f"bad\x0b\x00{text}"])
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    first, number, dirty = sheet[1]
    assert (first.value, first.data_type) == (text, "s")
    assert (number.value, number.data_type) == (5, "n")
    assert (dirty.value, dirty.data_type) == (f"bad\n{text}", "s")
