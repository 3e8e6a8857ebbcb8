"""The production settings docs/deployment.md gives pass `manage.py check --deploy` without a
word."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

DEPLOYMENT = settings.BASE_DIR / "docs" / "deployment.md"


def readme_production_environment() -> dict[str, str]:
    """The variables of the sample /etc/plantrack.env in docs/deployment.md, as an operator
    would set them."""
    text = DEPLOYMENT.read_text()
    block = text[text.index("# /etc/plantrack.env") :]
    block = block[: block.index("```")]
    pairs = [line.split("=", 1) for line in block.splitlines()[1:] if "=" in line]
    environment = {key.strip(): value.strip() for key, value in pairs}
    # "<the output of: openssl rand -hex 32>": a value made on the spot.
    environment["PLANTRACK_SECRET_KEY"] = secrets.token_hex(32)
    return environment


def _run(tmp_path, code_or_args: list[str], **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PLANTRACK_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(readme_production_environment())
    # No database server needed: the checks do not connect to one.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env.update(extra)
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_sets_what_production_needs():
    environment = readme_production_environment()
    assert environment["PLANTRACK_PRODUCTION"] == "1"
    assert environment["PLANTRACK_EMAIL_HOST"]  # production sends mail by SMTP by default
    assert environment["DATABASE_URL"].startswith("postgres://")


def test_check_deploy_passes_clean_with_the_readme_settings(tmp_path):
    result = _run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SESSION_COOKIE_AGE", "SILENCED_SYSTEM_CHECKS", "MAILERS",
)}))
"""


def _production_settings(tmp_path, **extra: str) -> dict:
    result = _run(
        tmp_path,
        ["-c", PRINT_SETTINGS],
        DJANGO_SETTINGS_MODULE="plantrack.settings",
        **extra,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_redirects_to_https_and_sends_hsts_for_a_year(tmp_path):
    values = _production_settings(tmp_path)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_AGE"] == 60 * 60
    assert values["MAILERS"]["default"]["OPTIONS"]["use_tls"] is True


def test_production_settings_can_be_changed_by_the_environment(tmp_path):
    values = _production_settings(
        tmp_path,
        PLANTRACK_SSL_REDIRECT="0",
        PLANTRACK_HSTS_SECONDS="600",
        PLANTRACK_HSTS_INCLUDE_SUBDOMAINS="0",
        PLANTRACK_HSTS_PRELOAD="1",
        PLANTRACK_SESSION_IDLE_MINUTES="30",
        PLANTRACK_EMAIL_USE_TLS="false",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is True
    # Only the preload check is ever silenced, and only while preloading is off.
    assert values["SILENCED_SYSTEM_CHECKS"] == []
    assert values["SESSION_COOKIE_AGE"] == 30 * 60
    assert values["MAILERS"]["default"]["OPTIONS"]["use_tls"] is False


def test_production_sends_mail_by_smtp_unless_told_otherwise(tmp_path):
    values = _production_settings(tmp_path, PLANTRACK_EMAIL_BACKEND="")
    assert values["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PLANTRACK_SESSION_IDLE_MINUTES", "soon"),
        ("PLANTRACK_SESSION_IDLE_MINUTES", "0"),
        ("PLANTRACK_HSTS_SECONDS", "-1"),
        ("PLANTRACK_TRUSTED_PROXIES", "10.0.0.0/8,proxy.example.org"),
    ],
)
def test_a_bad_setting_stops_the_start_with_its_name(tmp_path, name, value):
    result = _run(tmp_path, ["manage.py", "check"], **{name: value})
    assert result.returncode != 0
    assert name in result.stderr.splitlines()[-1]
