"""The evaluation page's body, rendered once for everyone who would see the same figures and
kept in the fragment cache (core/cache.py) under ``selectors.cache_key``: the register's
version, the choices, the versions of the plans whose measures the reader sees, the areas."""

from __future__ import annotations

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from plantrack.core.cache import cached
from plantrack.engagement.evaluation import selectors
from plantrack.engagement.evaluation.charts import evaluation_charts
from plantrack.engagement.evaluation.forms import Choice
from plantrack.engagement.models import Register
from plantrack.plans.models import Plan


def evaluation_html(register: Register, chosen: Choice, plans: QuerySet[Plan]) -> SafeString:
    """The body of the page (quantity, spread, quality, benefits) for a register already read
    through register_get_for_user, the reader's choices and the plans they may see."""

    def build() -> str:
        result = selectors.evaluate(
            register, period=chosen.period, area=chosen.area, group=chosen.group, plans=plans
        )
        context = {"ev": result, "charts": evaluation_charts(result)}
        return render_to_string("engagement/evaluate.html#body", context)

    key = selectors.cache_key(register, chosen.period, chosen.area, chosen.group, plans)
    return mark_safe(cached(key, build))  # rendered by the template engine, escaped there
