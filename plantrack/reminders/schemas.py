from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from plantrack.core.schemas import InputSchema


class PreferenceOut(Schema):
    frequency: Literal["daily", "weekly", "monthly", "never"]
    weekday: int = Field(description="0 = Monday … 6 = Sunday; used by weekly reminders")
    last_sent_on: dt.date | None = None


class PreferenceIn(InputSchema):
    frequency: Literal["daily", "weekly", "monthly", "never"]
    weekday: int | None = Field(
        None, ge=0, le=6, description="0 = Monday … 6 = Sunday; unchanged when left out"
    )
