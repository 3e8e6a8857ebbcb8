"""The community charter (seed 003) on the public pages (issue 16), decided as its manager
would decide: the plan published, some of its imported updates approved for the public (as
written, or reworded without names, collar numbers and internal shorthand), some kept
internal, one action withheld, and the rest left waiting on the approvals page."""

from __future__ import annotations

from django.db import transaction

from plantrack.accounts.models import User
from plantrack.plans.models import Plan, Update
from plantrack.public import services
from plantrack.public.models import Publication

CHARTER_SLUG = "community-charter"
CHARTER_INTRODUCTION = (
    "How West Mercia Police is delivering its Local Policing Community Charter: responding "
    "to communities, prevention, vulnerability, relationships, partnerships, and being "
    "visible and accessible.\n\n"
    "Each action shows its progress updates once they are approved for publication."
)
# By action ref: the update's public text, or None to publish it as written.
APPROVED: dict[str, str | None] = {
    "1": "The engagement calendar is being reformatted so that more about each event can be "
    "recorded.",
    "12": "Problem-solving training is under way: 500 neighbourhood officers have been trained, "
    "and training for other teams has begun.",
    "13": None,
    "22": None,
    "32": "13 police stations now have doorbells installed.",
    "33": "Social media training is planned for the third quarter of 2022/23, finishing in the "
    "fourth quarter.",
}
# By action ref: why the update is not for the public.
KEPT_INTERNAL = {
    "15": "Depends on funding not yet agreed; publish once the budget is set.",
    "28": "Supervision ratios by team are internal staffing detail.",
}
WITHHELD_ACTION = ("24", "Abstraction planning with the duties team is operationally sensitive.")


def _update(plan: Plan, ref: str) -> Update:
    return Update.objects.select_related("action__plan").get(action__plan=plan, action__ref=ref)


@transaction.atomic
def load_demo_publication(*, actor: User, plan: Plan) -> Publication | None:
    """Publish the charter and decide on some of its updates; a plan already published (or
    withdrawn) by an earlier load, or by a user since, is left as it is."""
    if Publication.objects.filter(plan=plan).exists():
        return None
    publication = services.plan_publish(
        actor=actor, plan=plan, slug=CHARTER_SLUG, introduction=CHARTER_INTRODUCTION
    )
    for ref, text in APPROVED.items():
        update = _update(plan, ref)
        services.update_publish(actor=actor, update=update, text=text or update.narrative)
    for ref, reason in KEPT_INTERNAL.items():
        services.update_keep_internal(actor=actor, update=_update(plan, ref), reason=reason)
    ref, reason = WITHHELD_ACTION
    services.action_withhold(actor=actor, action=plan.actions.get(ref=ref), reason=reason)
    return publication
