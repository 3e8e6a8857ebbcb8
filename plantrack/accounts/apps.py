from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "plantrack.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Imported once the app registry is ready, as Django requires of what touches models.
        from django.contrib.auth.signals import user_logged_in

        from plantrack.accounts.sessions import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="plantrack.accounts.on_sign_in")
