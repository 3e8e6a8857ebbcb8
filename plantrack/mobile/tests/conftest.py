from __future__ import annotations

from plantrack.engagement.tests.conftest import eng  # noqa: F401  (the register world)
