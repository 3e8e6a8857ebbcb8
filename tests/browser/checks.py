"""Checks the browser tests share: axe-core finds nothing, and a page fits its window.

Imported by the test modules of this directory as ``checks`` (pytest puts the directory on
the path, as it has no package)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE = Axe()


def assert_no_axe_violations(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    violations = AXE.run(page).response["violations"]
    if not violations:
        return
    lines = [f"{len(violations)} axe violation(s) on {name} ({page.url}):"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({len(v['nodes'])} nodes)")
        lines.append(f"    {v['helpUrl']}")
        for node in v["nodes"][:3]:
            html = " ".join(node["html"].split())
            lines.append(f"    at {', '.join(node['target'])}: {html[:160]}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"       {summary[:300]}")
    pytest.fail("\n".join(lines), pytrace=False)


def assert_fits(page: Page, name: str) -> None:
    """Nothing but the tables' own scrolling regions is wider than the window."""
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, f"{name} overflows {page.viewport_size}"
