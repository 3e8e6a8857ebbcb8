from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from plantrack.core.schemas import InputSchema
from plantrack.core.text import TITLE_MAX
from plantrack.evidence.models import URL_MAX

# How the API names what evidence hangs on: "app_label.model", e.g. "plans.update".
TargetType = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]{0,49}\.[a-z][a-z0-9_]{0,49}$",
        max_length=101,
        description='What the evidence hangs on, as "app_label.model": "plans.update" for '
        "an action's update.",
    ),
]


class EvidenceOut(Schema):
    id: int
    kind: str = Field(description='"file" or "link"')
    title: str
    target_type: str
    target_id: int
    original_name: str = Field(description="A file's name as uploaded; empty for a link")
    mime_type: str = Field(description="A file's type, read from its bytes; empty for a link")
    type_label: str = Field(description='"PDF", "Word", "Excel", "CSV", "PNG image"… or "Link"')
    size: int = Field(description="A file's size in bytes; 0 for a link")
    sha256: str = Field(description="A file's SHA-256 checksum; empty for a link")
    url: str = Field(description="A link's address; empty for a file")
    download: str | None = Field(description="Where to download a file; null for a link")
    uploaded_by: str | None
    created_at: dt.datetime


class LinkIn(InputSchema):
    url: str = Field(..., max_length=URL_MAX, description="An http or https address")
    title: str = Field(..., max_length=TITLE_MAX, description="What the link shows")
