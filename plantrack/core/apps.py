from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "plantrack.core"
    label = "core"

    def ready(self) -> None:
        # Imported once the app registry is ready, as Django requires of what touches models.
        from django.contrib.auth.signals import user_logged_in

        from plantrack.core.middleware import session_start

        user_logged_in.connect(session_start, dispatch_uid="plantrack.core.session_start")
