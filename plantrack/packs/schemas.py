# No "from __future__ import annotations": django-ninja reads these annotations at runtime.

import datetime as dt

from ninja import Schema


class PackFileOut(Schema):
    format: str
    size: int
    sha256: str


class PackOut(Schema):
    id: int
    body_id: int
    meeting_id: int | None
    period: str
    title: str
    status: str
    created_at: dt.datetime
    built_at: dt.datetime | None
    published_at: dt.datetime | None
    plan_ids: list[int]
    missing_commentary: int | None
    files: list[PackFileOut]
    downloads: dict[str, str]
