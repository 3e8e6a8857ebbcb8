from __future__ import annotations

app_name = "measures"
urlpatterns: list = []
