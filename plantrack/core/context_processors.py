from __future__ import annotations

NAV_ITEMS = [
    ("home", "Home", "home"),
    ("mine", "My actions", "plans:my_actions"),
    ("plans", "Plans", "plans:list"),
    ("portfolio", "Portfolio", "reports:portfolio"),
    ("governance", "Governance", "governance:bodies"),
    ("engagement", "Engagement", "engagement:registers"),
    ("assessments", "Frameworks", "assessments:frameworks"),
    ("stakeholders", "Stakeholders", "stakeholders:databases"),
    ("packs", "Board packs", "packs:list"),
    ("organisations", "Organisations", "directory:organisations"),
    ("people", "People", "directory:people"),
    ("reminders", "Reminders", "reminders:settings"),
]


def navigation(request) -> dict:
    return {"nav_items": NAV_ITEMS}
