"""The README's two commands set up the system packages themselves (issue 15, defect 17: the
browser tests needed Debian's chromium and poppler, which only .ci/run installed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "system-packages"


def _dry_run(target: str) -> str:
    return subprocess.run(
        ["make", "-n", target], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout


def test_make_test_and_make_run_install_what_they_need():
    assert "scripts/system-packages test" in _dry_run("test")
    assert "scripts/system-packages run" in _dry_run("run")


def test_one_list_for_make_and_ci():
    text = SCRIPT.read_text()
    for package in ("chromium", "poppler-utils", "wrk", "fonts-liberation", "libpango-1.0-0"):
        assert package in text
    assert "scripts/system-packages test" in (REPO / ".ci" / "run").read_text()


def test_the_script_refuses_an_unknown_list():
    done = subprocess.run([str(SCRIPT), "everything"], capture_output=True, text=True)
    assert done.returncode == 2 and "usage" in done.stderr
