"""The reminder digest as a background task.

Scheduling: Django's task framework (and the django-tasks-db worker) runs tasks that something
enqueued; it has no scheduler and no periodic tasks. Something outside must start the run once a
day, at a time when people read mail:

* cron, running the digest in the cron job itself (simplest):
  ``15 7 * * *  cd /srv/plantrack && .venv/bin/plantrack remind``
* a systemd timer with ``OnCalendar=*-*-* 07:15`` and ``Persistent=true`` (a run missed while the
  machine was off happens at boot) whose service runs ``plantrack remind``;
* or, to run it in the task worker (``manage.py worker``), have cron enqueue it:
  ``.venv/bin/python manage.py shell -c "from plantrack.reminders.tasks import send_reminders;
  send_reminders.enqueue()"``.

Running it more than once a day is harmless: ``last_sent_on`` stops a second digest, and a day
missed is caught up by the next run (see ``models.is_due``). Each person's frequency (daily,
weekly on their chosen day, monthly, never) decides whether today is their day.
"""

from __future__ import annotations

from django.tasks import task

from plantrack.reminders import services


@task
def send_reminders() -> dict:
    summary = services.reminders_send()
    # Task results must be JSON: the counts, not the per-person lines.
    return {
        "on": summary.on.isoformat(),
        "sent": summary.sent,
        "not_due": summary.not_due,
        "no_email": summary.no_email,
        "items": summary.items,
    }
