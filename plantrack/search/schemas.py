# No "from __future__ import annotations": django-ninja reads these annotations at runtime.

from ninja import Schema


class HitOut(Schema):
    kind: str
    id: int
    title: str
    url: str
    excerpt: str
    context: str


class KindCountOut(Schema):
    kind: str
    label: str
    count: int
    capped: bool


class SearchOut(Schema):
    q: str
    kinds: list[KindCountOut]
    items: list[HitOut]
