"""Helpers shared by every app's API."""

from __future__ import annotations


class Mapped:
    """A queryset the paginator can count and slice, shaping only the rows on the page."""

    def __init__(self, queryset, shape):
        self.queryset, self.shape = queryset, shape

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, item):
        return [self.shape(row) for row in self.queryset[item]]
