from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from plantrack.measures import services


@pytest.fixture
def measure(world):
    """Volunteers on the owner's action: 0 on 1 Jan 2024, to reach 100 by 1 Jan 2025."""
    return services.measure_create(
        actor=world.manager,
        plan=world.plan,
        action=world.action,
        name="Volunteers recruited",
        direction="increase",
        unit="count",
        baseline_value=Decimal(0),
        baseline_date=dt.date(2024, 1, 1),
        targets=[(Decimal(100), dt.date(2025, 1, 1), "by Jan 25")],
    )
