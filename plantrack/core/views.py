from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from plantrack.core import concurrency


def run_service(form: forms.Form, service: Callable[..., Any], **kwargs) -> Any | None:
    """Call a service; turn its ValidationError into form errors. None means it refused.

    For an edit protected by ``core.concurrency.protect`` the service gets the version the form
    was opened on, and a save by someone else in between shows the form again with theirs."""
    if hasattr(form, "edit_of"):
        concurrency.service_version(form, kwargs)
    try:
        return service(**kwargs)
    except concurrency.EditConflict:
        concurrency.show_conflict(form)
        return None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None


def submitted(request: HttpRequest, form: forms.Form, service: Callable[..., Any], **kwargs):
    """On a valid POST, call the service with the form's data; None means show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    return run_service(form, service, **kwargs, **form.cleaned_data)


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = 50) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
