"""GOV.UK Frontend markup for every Django form, in one place.

The renderer swaps in a BoundField that adds the govuk-* classes to each widget and a field
template that wraps it in a form group with its label, hint and error message.

Being the one class every form's fields go through (settings.FORM_RENDERER), the bound field
is also where submitted text is made safe for all forms at once: control characters are
normalised (``core/text.py``) before the field cleans the value, and a text field without a
``max_length`` of its own gets the default bound, so no form accepts a megabyte title.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

from plantrack.core.money import parse_amount
from plantrack.core.text import TEXT_MAX, TITLE_MAX, clean_text

WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "url": "govuk-input",
    "number": "govuk-input govuk-input--width-5",
    "password": "govuk-input govuk-input--width-20",
    "date": "govuk-input govuk-input--width-10",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "longselect": "govuk-select",  # LongSelect below
    "selectmultiple": "govuk-select app-select-multiple",
    "checkbox": "govuk-checkboxes__input",
    "file": "govuk-file-upload",
}
ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class RawTextField(forms.CharField):
    """Text handed as it is to a parser that cleans it itself: a table pasted for import,
    where a form feed marks a page break and the importer's own limits bound the size. Not
    stripped: the tabs ending the last line say it is a table row (a wrapped final line)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)


def _bound(field: forms.Field) -> None:
    """Give a text field without a max_length the default one: a line or a textarea's worth."""
    if not isinstance(field, forms.CharField) or isinstance(field, RawTextField | MoneyField):
        return
    if field.max_length is None:
        limit = TEXT_MAX if isinstance(field.widget, forms.Textarea) else TITLE_MAX
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        # Shown as the maxlength attribute, so a browser stops typing at the limit too.
        field.widget.attrs.setdefault("maxlength", str(limit))


def _clean_submitted(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [clean_text(v) if isinstance(v, str) else v for v in value]
    return value


class GovukBoundField(BoundField):
    def __init__(self, form, field, name):
        # Each form holds deep copies of its fields, so bounding one changes no other form.
        _bound(field)
        super().__init__(form, field, name)

    @property
    def data(self):
        data = super().data
        # A password is used exactly as typed; pasted import text is the importer's to clean.
        if isinstance(self.field.widget, forms.PasswordInput) or isinstance(
            self.field, RawTextField
        ):
            return data
        return _clean_submitted(data)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        base = WIDGET_CLASSES.get(self.widget_type)
        if base:
            classes = [attrs.get("class", ""), base]
            first = base.split()[0]
            if self.errors and first in ERROR_CLASSES:
                classes.append(ERROR_CLASSES[first])
            attrs["class"] = " ".join(c for c in classes if c).strip()
        return attrs


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukBoundField

    def render(self, template_name, context, request=None):
        """A plain field's group (a label, hint, errors and one input, textarea or select)
        is written out in Python, the same markup as govuk/field.html: a 50-item return's
        150 fields through the template took 40 ms of its page (docs/benchmarks.md).
        Checkboxes and radios go through the template."""
        if template_name == self.field_template_name and context.get("field") is not None:
            field = context["field"]
            if field.widget_type not in GROUPED_WIDGETS:
                return _field_group(field)
        return super().render(template_name, context, request)


# Widgets whose field group govuk/field.html lays out itself (a fieldset or a checkbox).
GROUPED_WIDGETS = frozenset({"checkbox", "radioselect", "checkboxselectmultiple"})


def _field_group(field: BoundField) -> str:
    """govuk/field.html's markup for a plain field, to the character."""
    errors = "".join(
        f'<p id="{conditional_escape(field.auto_id)}_error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(str(error))}</p>'
        for error in field.errors
    )
    hint = (
        f'<div id="{conditional_escape(field.auto_id)}_helptext" class="govuk-hint">'
        f"{conditional_escape(field.help_text)}</div>"
        if field.help_text
        else ""
    )
    group = "govuk-form-group" + (" govuk-form-group--error" if field.errors else "")
    label = (
        f'<label class="govuk-label govuk-label--s" for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}</label>"
    )
    return f'<div class="{group}">\n\n  {label}\n  {hint}\n  {errors}\n\n  {field}\n\n</div>'


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """``form.fields[name]``, a model choice field whose queryset is set per request (``fields``
    is typed as holding plain Fields)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a ModelChoiceField")
    return field


def relabel(form: forms.BaseForm, name: str, label) -> None:
    """Name each choice of a model choice field with ``label(row)``."""
    # Django's documented way to relabel one field's choices; mypy sees a method replaced.
    model_choice(form, name).label_from_instance = label  # type: ignore[method-assign]


def choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]``, a choice field whose choices are set per request."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a ChoiceField")
    return field


class LongSelect(forms.Select):
    """A select of hundreds of options (every area of a force) written out in Python.

    Django renders each option through a template of its own: some 700 areas took longer than
    the rest of the engagement register and evaluation pages together (docs/benchmarks.md).
    The markup is the same: the select's name and attributes, optgroups, and each option's
    value, attributes (``selected``) and label, escaped as the templates escape them."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))
        ]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                html.append(format_html('<optgroup label="{}">', group_name))
            html.extend(
                f'<option value="{_escaped(option["value"])}"'
                f"{flatatt(option['attrs']) if option['attrs'] else ''}>"
                f"{_escaped(option['label'])}</option>"
                for option in options
            )
            if group_name:
                html.append("</optgroup>")
        html.append("</select>")
        return mark_safe("\n".join(html))  # every value and label escaped


def _escaped(value) -> str:
    """``conditional_escape`` without its per-call overhead: text escaped, safe text as is."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MoneyField(forms.CharField):
    """An amount in pounds as people type it ("1,500.50", "£2k", "(500)"), read by the one
    money parser the importers use too (core/money.py). Pounds and pence, 12 digits at most."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("class", "govuk-input--width-10")
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError("That is too long for an amount.")
        try:
            amount = parse_amount(text)
        except ValueError:
            raise forms.ValidationError(
                f"“{text[:40]}” is not an amount: write it like 1,500.50 or £2k."
            ) from None
        if amount is not None and amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise forms.ValidationError("Give the amount in pounds and pence (two decimals).")
        if amount is not None and abs(amount) >= Decimal(10) ** 10:
            raise forms.ValidationError("That amount is too large.")
        return amount

    def prepare_value(self, value):
        return f"{value:f}" if isinstance(value, Decimal) else value
