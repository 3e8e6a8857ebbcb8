from __future__ import annotations

app_name = "packs"
urlpatterns: list = []
