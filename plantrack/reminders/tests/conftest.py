from __future__ import annotations

import types

import pytest

from plantrack.reminders import digest


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PLANTRACK_BASE_URL = "https://plantrack.example"


@pytest.fixture(autouse=True)
def commentary(monkeypatch):
    """Stand in for plantrack.packs.selectors.missing_commentary_by_person so that these tests
    control the commentary items: fill ``commentary.missing`` with {person: [actions]}.
    test_digest.py has one test against the real function."""
    fake = types.SimpleNamespace(missing={}, calls=[])

    def missing_commentary_by_person(period, plans=None):
        fake.calls.append(period)
        return fake.missing

    monkeypatch.setattr(digest, "_commentary_source", lambda: missing_commentary_by_person)
    return fake
