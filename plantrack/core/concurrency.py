"""Optimistic concurrency for edits: when two people edit one thing, neither change is lost.

An edit form carries, in one hidden field, the version of the row it was opened on (its
``updated_at``, which every save moves on) and a fingerprint of each field as it was shown; the
view passes that field to the service as ``edit_version``. The service compares the
version in the write itself (``UPDATE … SET updated_at = now WHERE id = … AND updated_at =
version``): of two concurrent writers only one matches a row, on SQLite (one writer at a time)
and on PostgreSQL (the second UPDATE waits for the first's row lock, then finds the row moved
on) alike. The loser gets ``EditConflict`` and the view shows the form again: a field only the
other person changed now shows their value, a field both changed keeps this person's value with
the other's beside it, and saving again (now on the new version) wins.

Callers that send no version (the importer, commands, API clients that do not track versions)
keep last-write-wins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.choices import normalize_choices

VERSION_FIELD = "edit_version"
CONFLICT_MESSAGE = (
    "Someone else saved this while you were editing it. Check the fields marked below, "
    "then save again."
)


class EditConflict(ValidationError):
    def __init__(self) -> None:
        super().__init__(CONFLICT_MESSAGE, code="conflict")


def version_of(instance: models.Model) -> str:
    stamp = getattr(instance, "updated_at", None)
    return stamp.isoformat() if stamp else ""


def claim(instance: models.Model, version: str | None) -> None:
    """Call in the service's transaction before saving: win the row for this edit, or raise
    EditConflict when it has been saved since ``version`` (no version: nothing to compare).
    ``version`` is a row's version, or an edit form's token (the version, then the fields'
    fingerprints after a "|")."""
    if not version:
        return
    version = version.split("|", 1)[0]
    try:
        expected = dt.datetime.fromisoformat(version)
    except ValueError:
        raise EditConflict() from None
    if timezone.is_naive(expected):
        raise EditConflict()
    rows = type(instance)._base_manager.filter(pk=instance.pk, updated_at=expected)
    if not rows.update(updated_at=timezone.now()):
        raise EditConflict()


# --- Forms ----------------------------------------------------------------------------------


def _canonical(value: Any) -> str | tuple[str, ...]:
    """One spelling for a value whether it came from the model (a form's initial) or from a
    browser (submitted data), so the two can be compared."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(str(_canonical(v)) for v in value))
    if isinstance(value, bool):
        return "on" if value else ""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value).replace("\r\n", "\n").strip()


def _fingerprint(value: Any) -> str:
    return hashlib.blake2s(repr(_canonical(value)).encode(), digest_size=5).hexdigest()


def _edited_fields(form: forms.BaseForm) -> Iterator[tuple[str, forms.Field]]:
    for name, field in form.fields.items():
        if name != VERSION_FIELD and not field.disabled:
            yield name, field


def _fingerprints(form: forms.BaseForm) -> str:
    """What an unbound form shows, field by field."""
    return ";".join(
        f"{name}:{_fingerprint(form[name].value())}" for name, _ in _edited_fields(form)
    )


class _VersionField(forms.CharField):
    """The hidden field of a protected form. It also remembers the row being edited and how to
    build the form for it, for ``show_conflict``."""

    def __init__(self, instance: models.Model, unbound: Callable[[Any], forms.BaseForm]) -> None:
        super().__init__(widget=forms.HiddenInput, required=False, max_length=5000)
        self.instance = instance
        self.unbound = unbound


def protect[F: forms.BaseForm, M: models.Model](
    form: F, instance: M, unbound: Callable[[M], forms.BaseForm]
) -> F:
    """Make ``form`` an edit of ``instance`` that detects concurrent saves: its cleaned data
    gains ``edit_version``, for the service. ``unbound`` builds the same form, unbound, for a
    fresh copy of the row (to show what the other person saved, see ``show_conflict``)."""
    form.fields[VERSION_FIELD] = _VersionField(instance, unbound)
    if not form.is_bound:
        form.initial[VERSION_FIELD] = _token(instance, form)
    return form


def is_protected(form: forms.BaseForm) -> bool:
    """Whether ``protect`` made ``form`` an edit that detects concurrent saves."""
    return isinstance(form.fields.get(VERSION_FIELD), _VersionField)


def _token(instance: models.Model, form: forms.BaseForm) -> str:
    return f"{version_of(instance)}|{_fingerprints(form)}"


def _label(field: forms.Field, value: Any) -> str:
    values = list(value) if isinstance(value, list | tuple) else [value]
    if isinstance(field, forms.ModelChoiceField):
        chosen = [v for v in values if v not in (None, "")]
        # A field built without a queryset (None) offers no choices.
        found = [] if field.queryset is None else field.queryset.filter(pk__in=chosen)
        shown = ", ".join(field.label_from_instance(o) for o in found)
    elif isinstance(field, forms.ChoiceField):
        # The field keeps its choices normalised (pairs), whatever form they were given in;
        # normalising again returns them as they are, typed for iterating.
        labels = {str(k): str(v) for k, v in normalize_choices(field.choices)}
        shown = ", ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    elif isinstance(field, forms.BooleanField):
        shown = "Yes" if value else "No"
    else:
        shown = ", ".join(str(_canonical(v)) for v in values)
    shown = shown or "(blank)"
    return shown if len(shown) <= 200 else shown[:199] + "…"


def _set_data(data: QueryDict, key: str, field: forms.Field, value: Any) -> None:
    if isinstance(value, list | tuple):
        data.setlist(key, [str(v) for v in value])
    elif isinstance(field, forms.BooleanField):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    else:
        data[key] = "" if value is None else str(value)


def show_conflict(form: forms.BaseForm) -> None:
    """After EditConflict: show what the other person saved, take their value where this
    person left the field alone, and move the form onto the row's current version."""
    version_field = form.fields.get(VERSION_FIELD)
    if not isinstance(version_field, _VersionField):
        raise TypeError("show_conflict needs a form made by protect()")
    if not isinstance(form.data, QueryDict):
        raise TypeError("show_conflict needs a form bound to a request's data")
    instance = version_field.instance
    fresh_instance = type(instance)._base_manager.get(pk=instance.pk)
    theirs_form = version_field.unbound(fresh_instance)
    token = form.data.get(form.add_prefix(VERSION_FIELD), "")
    base = dict(part.split(":", 1) for part in token.partition("|")[2].split(";") if ":" in part)
    data = form.data.copy()
    messages: dict[str, str] = {}
    for name, field in _edited_fields(form):
        theirs = theirs_form[name].value()
        if _fingerprint(theirs) == base.get(name):
            continue  # they did not change it
        mine = form[name].data
        if _canonical(mine) == _canonical(theirs):
            continue  # both made the same change
        shown = _label(field, theirs)
        if _fingerprint(mine) == base.get(name):
            _set_data(data, form.add_prefix(name), field, theirs)
            messages[name] = f"Someone else changed this to “{shown}” while you were editing."
        else:
            messages[name] = (
                f"Someone else changed this to “{shown}” while you were editing. Your value is "
                "kept below: save again to keep it."
            )
    data[form.add_prefix(VERSION_FIELD)] = _token(fresh_instance, theirs_form)
    form.data = data
    form.add_error(None, CONFLICT_MESSAGE)
    for name, message in messages.items():
        form.add_error(name, message)
