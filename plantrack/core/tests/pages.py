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
