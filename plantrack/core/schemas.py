# No "from __future__ import annotations": django-ninja reads these annotations at runtime.
"""The base of every API request body (``<app>/schemas.py``: ``class XIn(InputSchema)``)."""

from ninja import Schema
from pydantic import field_validator

from plantrack.core.text import TEXT_MAX, clean_text


class InputSchema(Schema):
    """Every text field of a request body has its control characters normalised before any
    other check (``core/text.py``), so a NUL or a vertical tab never reaches a service, and is
    at most TEXT_MAX characters; a field may declare a tighter ``max_length`` of its own."""

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value):
        if isinstance(value, str):
            value = clean_text(value)
            if len(value) > TEXT_MAX:
                raise ValueError(f"Text must be at most {TEXT_MAX:,} characters long.")
        return value
