from __future__ import annotations

app_name = "reminders"
urlpatterns: list = []
