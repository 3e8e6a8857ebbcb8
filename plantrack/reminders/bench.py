"""The reminder run at national scale, for bench/ to call: ``reminders_bench()``.

Builds every digest's MIME bytes exactly as the SMTP backend would, without a mail server, and
rolls the run back so that the dataset can be benchmarked again.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import time
from collections import Counter

from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from plantrack.reminders.services import reminders_send


class SerialisingBackend(BaseEmailBackend):
    """Does to each message all an SMTP send does except the network: it builds the bytes."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.recipients: Counter[str] = Counter()
        self.messages = 0
        self.bytes = 0

    def send_messages(self, messages) -> int:
        for message in messages:
            self.bytes += len(message.message(policy=email.policy.SMTP).as_bytes())
            self.recipients.update(message.recipients())
            self.messages += 1
        return len(messages)


def reminders_bench(on: dt.date | None = None) -> dict:
    """Run the digest for everyone, time it, check one digest per owner, then roll back."""
    backend = SerialisingBackend()
    with transaction.atomic():
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            summary = reminders_send(on=on, connection=backend)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return {
        "seconds": round(seconds, 2),
        "digests": backend.messages,
        "owners_with_items": summary.with_items,
        "owners_without_email": summary.no_email,
        "items": summary.items,
        "one_per_owner": backend.messages == summary.sent == len(backend.recipients)
        and max(backend.recipients.values(), default=1) == 1,
        "queries": len(queries.captured_queries),
        "megabytes": round(backend.bytes / 1e6, 1),
    }
