from __future__ import annotations

NAV_ITEMS = [
    ("home", "Home", "home"),
    ("plans", "Plans", "plans:list"),
    ("organisations", "Organisations", "directory:organisations"),
    ("people", "People", "directory:people"),
    ("account", "API tokens", "accounts:tokens"),
]


def navigation(request) -> dict:
    return {"nav_items": NAV_ITEMS}
