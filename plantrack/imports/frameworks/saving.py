"""Saving the checklists an import found, as draft frameworks of the importing organisation,
through the assessments services (inside the import's one transaction)."""

from __future__ import annotations

from plantrack.accounts.models import User
from plantrack.assessments import services as assessment_services
from plantrack.assessments.models import Framework
from plantrack.directory.models import Organisation
from plantrack.imports.frameworks.parsed import ParsedFramework


def frameworks_to_save(
    frameworks: list[ParsedFramework], organisation: Organisation
) -> list[ParsedFramework]:
    """Not one the organisation keeps already (by its title), as when a document is imported
    again: a new version of a framework is made from its page, where items are mapped."""
    have = {
        title.casefold()
        for title in Framework.objects.filter(organisation=organisation).values_list(
            "title", flat=True
        )
    }
    return [f for f in frameworks if f.title.casefold() not in have]


def save_frameworks(
    actor: User, frameworks: list[ParsedFramework], organisation: Organisation, source: str
) -> list[Framework]:
    return [
        assessment_services.framework_import(
            actor=actor,
            organisation=organisation,
            title=parsed.title,
            description=parsed.description,
            items=[assessment_services.ImportedItem(i.text, i.group) for i in parsed.items],
            source_document=source[:300],
        )
        for parsed in frameworks_to_save(frameworks, organisation)
    ]
