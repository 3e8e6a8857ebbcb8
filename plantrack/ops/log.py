"""The log's shape: plain lines as Django writes them by default, or one JSON object a line
(PLANTRACK_LOG_FORMAT=json) for a log collector, every line of a request carrying its id.

Named log.py, not logging.py: a module called logging beside this one's imports is too easily
taken for the standard library's. Imported by the settings, so it imports nothing of Django's.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

# The request being answered (ops.middleware.RequestIdMiddleware sets it). A context variable
# rather than a thread-local: it follows the request into async code and is reset afterwards.
request_id: ContextVar[str | None] = ContextVar("plantrack_request_id", default=None)

FORMATS = ("text", "json")

# The JSON fields, in this order, named as the log collector sees them; whatever a line was
# given as `extra` (the access log's method, path, status...) follows.
JSON_FIELDS = ["levelname", "name", "message", "request_id"]
JSON_RENAMED = {"levelname": "level", "name": "logger"}


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request it was written during (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting. "text" is Django's plain lines on standard error as before;
    "json" writes every line, Django's own included, as a JSON object, and the access log
    (logger plantrack.access, a line a request) at INFO whatever the level."""
    if log_format not in FORMATS:
        raise ValueError(f"PLANTRACK_LOG_FORMAT must be one of {', '.join(FORMATS)}")
    if log_format == "text":
        return {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "root": {"handlers": ["console"], "level": level},
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "plantrack.ops.log.RequestIdFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": JSON_FIELDS,
                "rename_fields": JSON_RENAMED,
                "timestamp": True,
                # django.request and django.server pass the request (or socket) as `extra`:
                # its repr says nothing the path and the request id do not.
                "reserved_attrs": [*RESERVED_ATTRS, "request"],
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own loggers keep handlers of their own (plain lines, runserver's access
            # lines): here they write through the JSON handler instead.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
            "plantrack.access": {"level": "INFO"},
        },
    }
