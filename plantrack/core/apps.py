from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "plantrack.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from plantrack.core.middleware import session_start

        user_logged_in.connect(session_start, dispatch_uid="plantrack.core.session_start")
