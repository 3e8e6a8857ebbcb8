"""Logs as JSON lines (PLANTRACK_LOG_FORMAT=json), each carrying its request's id."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.utils.log import configure_logging

from plantrack.core.tests.factories import make_user
from plantrack.ops.log import logging_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The JSON configuration the settings build, writing to a buffer; returns the lines
    written so far, parsed (each must be a JSON object). Django's and the settings' logging
    are put back afterwards."""
    config = logging_config("json", "WARNING")
    stream = io.StringIO()
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    try:
        yield lines
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def _access(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "plantrack.access"]


def test_every_line_is_json_with_the_fields_and_the_response_request_id(client, json_log):
    response = client.get("/no-such-page/")
    assert response.status_code in (302, 404)
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    lines = json_log()
    assert lines
    for line in lines:
        assert {"timestamp", "level", "logger", "message", "request_id"} <= line.keys()
        assert line["request_id"] == rid
    (access,) = _access(lines)
    assert access["level"] == "INFO"
    assert access["method"] == "GET"
    assert access["path"] == "/no-such-page/"
    assert access["status"] == response.status_code
    assert isinstance(access["duration_ms"], float)
    assert access["user_id"] is None


def test_a_line_written_during_the_request_carries_its_id(client, json_log):
    """Django's own line for a 404 is written after the last middleware has returned;
    it carries the id all the same."""
    user = make_user("reader")
    client.force_login(user)
    response = client.get("/plans/999999/")
    assert response.status_code == 404
    lines = json_log()
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert [line["message"] for line in not_found] == ["Not Found: /plans/999999/"]
    assert not_found[0]["level"] == "WARNING"
    assert not_found[0]["request_id"] == response["X-Request-ID"]
    (access,) = _access(lines)
    assert access["user_id"] == user.pk
    assert access["status"] == 404


def test_each_request_has_its_own_id(client, json_log):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert [line["request_id"] for line in _access(json_log())] == [
        first["X-Request-ID"],
        second["X-Request-ID"],
    ]


def test_incoming_request_id_is_kept(client, json_log):
    incoming = "Root=1-67891233-abcdef012345678912345678"
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming
    assert _access(json_log())[0]["request_id"] == incoming


@pytest.mark.parametrize(
    "insane",
    ["a" * 101, "two words", '"}{"level": "ERROR"', "bell\x07", "caf\u00e9", ""],
)
def test_insane_incoming_request_id_is_replaced(client, json_log, insane):
    response = client.get("/healthz", headers={"X-Request-ID": insane})
    rid = response["X-Request-ID"]
    assert rid != insane
    assert len(rid) == 32
    assert _access(json_log())[0]["request_id"] == rid


def test_a_secret_token_in_the_path_is_not_logged(client, json_log):
    token = "s3cr3t-feed-token"
    client.get(f"/reminders/calendar/{token}.ics")
    (access,) = _access(json_log())
    assert access["path"] == "/reminders/calendar/[token].ics"
    assert token not in json.dumps(json_log())


def test_a_secret_token_is_not_logged_when_the_request_failed_before_its_view(json_log):
    """The database failed in a middleware (the session), so the address was never resolved
    to its view: the token is still left out of the 503's error line and the access line."""
    token = "s3cr3t-feed-token"
    client = Client(raise_request_exception=False)
    client.force_login(make_user("reader"))
    with mock.patch(
        "django.contrib.sessions.backends.cached_db.SessionStore.load",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get(f"/reminders/calendar/{token}.ics")
    assert response.status_code == 503
    (access,) = _access(json_log())
    assert access["path"] == "/reminders/calendar/[token].ics"
    assert token not in json.dumps(json_log())


def test_outside_a_request_the_id_is_null(json_log):
    logging.getLogger("plantrack.test").warning("no request")
    (line,) = json_log()
    assert line["message"] == "no request"
    assert line["request_id"] is None


def test_text_format_is_the_one_before():
    assert logging_config("text", "WARNING") == {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler"}},
        "root": {"handlers": ["console"], "level": "WARNING"},
    }


def _start(log_format: str) -> subprocess.CompletedProcess:
    """A fresh process with PLANTRACK_LOG_FORMAT set, as a server would start."""
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('plantrack.check').warning('started')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plantrack.settings"}
    env["PLANTRACK_LOG_FORMAT"] = log_format
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_settings_read_the_log_format():
    started = _start("json")
    assert started.returncode == 0, started.stderr
    (line,) = [json.loads(line) for line in started.stderr.splitlines()]
    assert line["message"] == "started"
    assert line["level"] == "WARNING"
    assert line["logger"] == "plantrack.check"

    wrong = _start("xml")
    assert wrong.returncode != 0
    assert "PLANTRACK_LOG_FORMAT must be one of text, json" in wrong.stderr


def test_a_line_break_in_the_address_cannot_forge_a_log_line(client, json_log):
    client.get("/nope%0a2026-01-01 CRITICAL forged")
    (access,) = _access(json_log())
    assert "\n" not in access["path"] and access["path"].startswith("/nope\\n2026")
