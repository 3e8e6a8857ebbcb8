"""Helpers for the views of every app.

A view names the service it calls; ``errors_on`` shows a refusal on its form and goes on to
show the form again:

    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            plan = services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
            return redirect(plan)
    return render(request, "plans/form.html", {"form": form})
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from plantrack.core import concurrency


def show_refusal(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError as the form's errors: by field where it names one of the
    form's fields, for the whole form otherwise. After an edit conflict (core/concurrency.py)
    the form shows what the other person saved."""
    if isinstance(exc, concurrency.EditConflict) and concurrency.is_protected(form):
        concurrency.show_conflict(form)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@contextmanager
def errors_on(form: forms.BaseForm) -> Iterator[None]:
    """Run the block; a ValidationError it raises is shown on ``form`` (show_refusal) and the
    rest of the block is skipped."""
    try:
        yield
    except ValidationError as exc:
        show_refusal(form, exc)


@contextmanager
def refusal_as_message(request: HttpRequest) -> Iterator[None]:
    """Run the block; a ValidationError it raises becomes the page's error message and the rest
    of the block is skipped (for a button's POST, which has no form to show errors on)."""
    try:
        yield
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


def paginate[T](
    request: HttpRequest, items: QuerySet[Any, T] | Sequence[T], per_page: int = 50
) -> Page[T]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))
