"""Helpers for tests that drive pages as a browser would."""

from __future__ import annotations

from typing import Any


def form_data(response: Any) -> dict[str, str | list[str]]:
    """What a browser would send back from the form on the page (``context["form"]``),
    unchanged."""
    form = response.context["form"]
    data: dict[str, str | list[str]] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def edit_race(
    client: Any, url: str, *, first: Any, second: Any, theirs: dict[str, str], mine: dict[str, str]
) -> Any:
    """Two people on one edit page: ``first`` opens it; ``second`` opens it too and saves
    ``theirs``; then ``first`` saves ``mine`` from the page opened before. Returns the answer
    to that last save (the form again, after an edit conflict)."""
    client.force_login(first)
    first_form = form_data(client.get(url))
    client.force_login(second)
    second_form = form_data(client.get(url))
    assert client.post(url, {**second_form, **theirs}).status_code == 302
    client.force_login(first)
    return client.post(url, {**first_form, **mine})
