from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from plantrack.accounts.models import User
from plantrack.assessments.models import Framework
from plantrack.directory.models import Organisation
from plantrack.directory.selectors import organisation_ids_for
from plantrack.engagement.models import Register
from plantrack.imports.models import ImportJob
from plantrack.measures.services import can_record
from plantrack.plans.models import Plan, PlanRole
from plantrack.plans.selectors import plan_access
from plantrack.stakeholders.selectors import database_access


def import_job_get_for_user(user: User, pk: int) -> ImportJob:
    """Only the person who uploaded a file sees its preview, and only while they may still
    write where it goes (a plan they manage, a measure they record): else 404, as for a plan
    they cannot see. The file itself is not read: the tasks read it; the pages show the
    structure kept from it."""
    job = get_object_or_404(
        ImportJob.objects.select_related(
            "owner_organisation", "into_plan", "measure__plan", "contact_database__organisation"
        ).defer("data"),
        pk=pk,
        user=user,
    )
    if job.into_plan is not None and not plan_access(user, job.into_plan).can_manage:
        raise Http404("No such import")
    if job.measure is not None and not can_record(user, job.measure):
        raise Http404("No such import")
    database = job.contact_database
    if database is not None and not database_access(user, database).can_edit:
        raise Http404("No such import")
    return job


def budget_import_job_for(user: User, plan: Plan) -> ImportJob | None:
    """The person's latest budget import for the plan still to be confirmed (or being read or
    saved): the one its preview page shows."""
    return (
        ImportJob.objects.filter(
            user=user,
            kind=ImportJob.Kind.BUDGET,
            into_plan=plan,
            status__in=[*ImportJob.BUSY, ImportJob.Status.PREVIEW],
        )
        .select_related("into_plan")
        .defer("data")
        .order_by("-created_at", "-pk")
        .first()
    )


def import_job_result(job: ImportJob) -> dict[str, Any]:
    """What a saved import made, for its page: plans, and the engagement registers and
    frameworks saved beside them (their ids kept on the job)."""
    plans = list(
        job.created_plans.annotate(action_count=Count("actions")).order_by("title")
        if job.into_plan_id is None
        else Plan.objects.filter(pk=job.into_plan_id).annotate(action_count=Count("actions"))
    )
    registers = list(
        Register.objects.filter(pk__in=job.choices.get("registers", []))
        .annotate(activity_count=Count("activities"))
        .order_by("title")
    )
    frameworks = list(
        Framework.objects.filter(pk__in=job.choices.get("frameworks", []))
        .annotate(item_count=Count("items"))
        .order_by("title")
    )
    return {
        "job": job,
        "plans": plans,
        "registers": registers,
        "frameworks": frameworks,
        "nav_section": "plans",
    }


def organisations_to_import_for(user: User) -> QuerySet[Organisation]:
    if user.is_superuser:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=organisation_ids_for(user)).order_by("name")


def plans_to_reimport(user: User) -> QuerySet[Plan]:
    if user.is_superuser:
        return Plan.objects.order_by("title")
    managed = PlanRole.objects.filter(user=user, role=PlanRole.Role.MANAGER).values("plan_id")
    return Plan.objects.filter(pk__in=managed).order_by("title")
