from __future__ import annotations

import pytest

from plantrack.governance.tests.helpers import Gov, make_gov


@pytest.fixture
def gov(world) -> Gov:
    return make_gov(world)
