"""What evidence may hang on, and who may read and attach it.

The evidence app sits low in the layers (beside the directory: docs/architecture.md), so it
knows no plan, activity or answer. The app owning a model registers it here, from its
``AppConfig.ready``, saying who may read evidence on one of its rows (the same rule as the
page the row shows on) and who may attach or remove evidence there. A model nobody registered
takes no evidence, and its evidence (if any) is read by nobody.

How an app registers a model (plans does this for ``plans.Update`` in ``plans/hooks.py``;
engagement, for example, in an ``engagement/hooks.py`` imported from ``EngagementConfig.ready``,
as ``PlansConfig.ready`` imports ``plans.hooks``)::

    from plantrack.engagement.models import Activity, Outcome
    from plantrack.engagement import selectors
    from plantrack.evidence import registry

    registry.register(
        Activity,
        # The same rule as the activity's page, and as the right to edit the activity.
        can_read=lambda user, activity: selectors.activity_access(user, activity).can_read,
        can_attach=lambda user, activity: selectors.activity_access(user, activity).can_edit,
        # Where the attach page sends the user back to, and how it names the target.
        url=lambda activity: reverse("engagement:activity", args=[activity.pk]),
        describe=lambda activity: f"the activity “{activity.title}”",
        # Optional: the rows the checks are given, with what they read, in one query.
        queryset=lambda: Activity.objects.select_related("organisation"),
        # Optional: the plans whose (cached) pages show this evidence; leave out when none.
        plans=None,
    )
    registry.register(Outcome, can_read=..., can_attach=..., url=..., describe=...)

Then, in the target's template: ``{% load evidence_tags %}{% evidence_list activity %}`` (or
with the evidence read for a whole list at once: ``selectors.evidence_for_many``), and the
"Add evidence" link goes to ``evidence:attach`` (``/evidence/attach/engagement.activity/5/``).
The checks are called with a signed-in user (or an anonymous one, who should be refused) and
must not raise: answer False.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.urls import reverse

Check = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Target:
    """A model that takes evidence, as its app registered it."""

    model: type[Model]
    can_read: Check
    can_attach: Check
    url: Callable[[Any], str]
    describe: Callable[[Any], str]
    queryset: Callable[[], QuerySet[Any]] | None = None
    plans: Callable[[int], Iterable[int | None]] | None = None

    @property
    def key(self) -> str:
        """ "plans.update": how URLs and the API name the model."""
        return self.model._meta.label_lower

    def rows(self) -> QuerySet[Any]:
        return self.queryset() if self.queryset else self.model._default_manager.all()


_targets: dict[type[Model], Target] = {}


def register(
    model: type[Model],
    *,
    can_read: Check,
    can_attach: Check,
    url: Callable[[Any], str],
    describe: Callable[[Any], str] | None = None,
    queryset: Callable[[], QuerySet[Any]] | None = None,
    plans: Callable[[int], Iterable[int | None]] | None = None,
) -> Target:
    """Let evidence hang on rows of ``model``. Registering it again replaces the rules (an app
    registry set up twice in tests)."""
    target = Target(
        model=model,
        can_read=can_read,
        can_attach=can_attach,
        url=url,
        describe=describe or str,
        queryset=queryset,
        plans=plans,
    )
    _targets[model] = target
    return target


def registered() -> list[Target]:
    return list(_targets.values())


def rule_for(model: type[Model]) -> Target | None:
    return _targets.get(model)


def rule_for_key(key: str) -> Target | None:
    """The rule for "app_label.model" (as in URLs), or None when no app registered it."""
    return next((t for t in _targets.values() if t.key == key), None)


def rule_for_content_type(content_type_id: int) -> Target | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return _targets.get(model) if model is not None else None


def can_read(user: Any, obj: Model) -> bool:
    rule = rule_for(type(obj))
    return bool(rule and user is not None and rule.can_read(user, obj))


def can_attach(user: Any, obj: Model) -> bool:
    """Attach, and remove what is attached: only who may read it too."""
    rule = rule_for(type(obj))
    return bool(
        rule and user is not None and rule.can_read(user, obj) and rule.can_attach(user, obj)
    )


def plans_of(content_type_id: int, object_id: int) -> list[int | None]:
    """The plans whose pages show evidence on this target (core/changes.py)."""
    rule = rule_for_content_type(content_type_id)
    if rule is None or rule.plans is None:
        return []
    return list(rule.plans(object_id))


def attach_url(obj: Model) -> str:
    """The page to add evidence to ``obj`` (or remove it from), for its "Add evidence" link."""
    app_label, model = obj._meta.label_lower.split(".")
    return reverse(
        "evidence:attach", kwargs={"app_label": app_label, "model": model, "object_id": obj.pk}
    )
