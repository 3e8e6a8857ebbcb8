"""The demo's frameworks: seed 000's good-practice checklist as the importer saved it, made
ready and published by its keepers (the SPOC and the monthly contact with the central team
marked as every borough's must), and seed 002's "minimum standards of engagement" as a second
framework, drafted and out for consultation. Its standards are the ones the engagement
evaluation scores completed activities against (engagement/quality.py)."""

from __future__ import annotations

from plantrack.accounts.models import User
from plantrack.assessments import services
from plantrack.assessments.models import Framework
from plantrack.engagement import quality

MANDATORY = ("Appointment of a SPOC", "Ensure minimum monthly contact")
STANDARDS_TITLE = "Minimum standards of engagement"


def load_demo_frameworks(*, actor: User, checklist: Framework) -> list[Framework]:
    for item in checklist.items.all():
        if item.text.startswith(MANDATORY):
            services.item_update(actor=actor, item=item, mandatory=True)
    services.framework_status_set(actor=actor, framework=checklist, status="published")
    standards = services.framework_create(
        actor=actor,
        organisation=checklist.organisation,
        title=STANDARDS_TITLE,
        description=(
            "Drafted from the engagement strategy's commitment to agree minimum standards of "
            "engagement, consult on them, publish them and assess activity against them."
        ),
        source_document="002_40bb875f2fd57843.txt",
    )
    for standard in quality.STANDARDS:
        services.item_create(
            actor=actor,
            framework=standards,
            text=f"{standard.name}: {standard.meaning[0].upper()}{standard.meaning[1:]}.",
            mandatory=True,
        )
    services.framework_status_set(actor=actor, framework=standards, status="consultation")
    return [checklist, standards]
