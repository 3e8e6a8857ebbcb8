"""The renderer writes a plain field's group in Python (core/forms.py, for speed): the markup
is govuk/field.html's to the character, with and without hints and errors, for every kind
of plain widget; checkboxes and radios still go through the template."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from plantrack.core.forms import GROUPED_WIDGETS, DateInput, LongSelect, _field_group


class _Every(forms.Form):
    text = forms.CharField(label="A <b>", help_text="Help & more", max_length=10)
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    long = forms.ChoiceField(choices=[("", "None"), ("x", "X & Y")], widget=LongSelect)
    short = forms.ChoiceField(choices=[("x", "X")])
    number = forms.IntegerField()
    email = forms.EmailField(help_text="Work address")
    day = forms.DateField(widget=DateInput, required=False)
    many = forms.MultipleChoiceField(choices=[("a", "A")], required=False)
    tick = forms.BooleanField(required=False, help_text="Tick it")
    pick = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, required=False)


@pytest.mark.parametrize(
    "data",
    [None, {"text": "far too long <text>", "long": "zz", "number": "x", "email": "bad"}],
)
def test_a_field_group_written_in_python_is_the_template_s_markup(data):
    form = _Every(data)
    if data:
        assert not form.is_valid()
    renderer = form.renderer
    for name in form.fields:
        field = form[name]
        template = DjangoTemplates.render(renderer, "govuk/field.html", {"field": field})
        if field.widget_type in GROUPED_WIDGETS:
            assert renderer.render("govuk/field.html", {"field": field}) == template, name
        else:
            assert _field_group(field) == template, name
            assert str(field.as_field_group()) == template, name
