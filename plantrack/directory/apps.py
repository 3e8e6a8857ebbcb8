from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "plantrack.directory"
    label = "directory"

    def ready(self) -> None:
        # Registers what the directory shows on the profile page (core/hooks.py); an import
        # here because the app registry must be ready first.
        # Marks a session signed in through the identity provider (the user_logged_in signal).
        from plantrack.directory import (
            hooks,  # noqa: F401
            sso,  # noqa: F401
        )
