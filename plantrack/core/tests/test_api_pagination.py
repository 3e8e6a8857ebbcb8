"""F9: every paginated list bounds `limit` and `offset` in its schema, so out-of-range values
answer 422 naming the bound (2**63 and more answered 500: the database's OFFSET overflowed)."""

from __future__ import annotations

import pytest

from plantrack.accounts.services import api_token_create
from plantrack.api import api
from plantrack.core.api import MAX_LIMIT, MAX_OFFSET

pytestmark = pytest.mark.django_db


def _paginated_paths(world) -> list[str]:
    """Every GET of the OpenAPI document that takes `limit`, its path ids filled in."""
    ids = {"{plan_id}": world.plan.pk, "{action_id}": world.action.pk}
    # A 404 for these still checks the bounds first.
    ids |= {"{measure_id}": 1, "{body_id}": 1, "{framework_id}": 1, "{database_id}": 1}
    paths = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        names = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        if "limit" in names:
            for key, value in ids.items():
                path = path.replace(key, str(value))
            paths.append(path)
    return paths


@pytest.fixture
def headers(world) -> dict:
    _, secret = api_token_create(actor=world.manager, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_every_paginated_list_is_found(world):
    assert len(_paginated_paths(world)) == 20  # a new list must come through here too


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=9223372036854775808", "limit", f"less than or equal to {MAX_LIMIT}"),
        ("offset=9223372036854775808", "offset", f"less than or equal to {MAX_OFFSET}"),
        ("offset=9223372036854775807", "offset", f"less than or equal to {MAX_OFFSET}"),
        ("limit=-1", "limit", "greater than or equal to 1"),
        ("limit=0", "limit", "greater than or equal to 1"),
        ("offset=-1", "offset", "greater than or equal to 0"),
        (f"limit={MAX_LIMIT + 1}", "limit", f"less than or equal to {MAX_LIMIT}"),
        ("limit=abc", "limit", "valid integer"),
    ],
)
def test_out_of_range_paging_is_a_422_naming_the_bound(
    client, world, headers, query, field, message
):
    for path in _paginated_paths(world):
        response = client.get(f"{path}?{query}", headers=headers)
        assert response.status_code == 422, (path, response.status_code)
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", field] and message in error["msg"], (path, error)


def test_paging_at_the_bounds_works(client, world, headers):
    response = client.get(f"/api/v1/actions?limit={MAX_LIMIT}&offset=0", headers=headers)
    assert response.status_code == 200 and response.json()["count"] == 2
    response = client.get(f"/api/v1/plans?limit=1&offset={MAX_OFFSET}", headers=headers)
    assert response.status_code == 200 and response.json() == {"items": [], "count": 1}
