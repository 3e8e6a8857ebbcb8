from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.assessments import cycles, fragments, selectors, services
from plantrack.assessments.forms import (
    AnswerForm,
    AssessorsForm,
    CommentForm,
    CycleForm,
    FrameworkForm,
    GapActionForm,
    HeatMapFilterForm,
    ItemForm,
    ReplyForm,
    ReviewForm,
    StatusForm,
)
from plantrack.assessments.models import OPEN_RETURNS, Framework, Unit
from plantrack.core.concurrency import protect
from plantrack.core.services import require
from plantrack.core.views import errors_on
from plantrack.core.xlsx import xlsx_response
from plantrack.plans.selectors import plans_visible_to

NAV = "assessments"
FORM = "assessments/form.html"


def _posted(request: SignedInRequest):
    return request.POST if request.method == "POST" else None


def _form(request, form, title: str, framework: Framework | None = None) -> HttpResponse:
    context = {"nav_section": NAV, "form": form, "title": title, "framework": framework}
    return render(request, FORM, context)


def _editable(request: SignedInRequest, pk: int) -> Framework:
    framework = selectors.framework_get_for_user(request.user, pk)
    require(selectors.can_edit_framework(request.user, framework), services.KEEPERS_ONLY)
    return framework


@require_GET
def frameworks(request: SignedInRequest) -> HttpResponse:
    context = {
        "nav_section": NAV,
        "frameworks": selectors.frameworks_for_list(request.user),
        "can_create": selectors.can_keep_frameworks_of(request.user),
    }
    return render(request, "assessments/frameworks.html", context)


@require_http_methods(["GET", "POST"])
def framework_create(request: SignedInRequest) -> HttpResponse:
    require(
        selectors.can_keep_frameworks_of(request.user),
        "A framework belongs to an organisation: you are a member of none.",
    )
    form = FrameworkForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            framework = services.framework_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"“{framework.title}” added as a draft: add its items.")
            return redirect(framework)
    return _form(request, form, "Add a framework")


@require_GET
def framework_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = selectors.framework_get_for_user(request.user, pk)
    can_edit = selectors.can_edit_framework(request.user, framework)
    context = {
        "nav_section": NAV,
        "framework": framework,
        "items": selectors.framework_items(framework),
        "can_edit": can_edit,
        "can_comment": selectors.can_comment(request.user, framework),
        # Comments are the consultation's: its keepers and the organisations consulted.
        "show_comments": can_edit or selectors.consulted_member(request.user, framework),
        "status_form": StatusForm(framework=framework) if can_edit else None,
        "next_versions": selectors.frameworks_visible_to(request.user).filter(previous=framework),
        "cycles": selectors.cycles_of(request.user, framework),
    }
    return render(request, "assessments/framework_detail.html", context)


@require_http_methods(["GET", "POST"])
def framework_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    form = FrameworkForm(_posted(request), user=request.user, instance=framework)
    protect(form, framework, lambda f: FrameworkForm(user=request.user, instance=f))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.framework_update(actor=request.user, framework=framework, **form.cleaned_data)
            messages.success(request, "Framework saved.")
            return redirect(framework)
    return _form(request, form, f"Edit “{framework.title}”", framework)


def _one_click(request: SignedInRequest, do, message, back, then=None) -> HttpResponse:
    """Run a change posted by one button: on success say ``message`` (or ``message(result)``)
    and go to ``then(result)`` (else ``back``); a refusal is said on ``back``."""
    try:
        result = do()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, message(result) if callable(message) else message)
    return redirect(then(result) if then else back)


@require_POST
def framework_status(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    form = StatusForm(request.POST, framework=framework)
    if not form.is_valid():
        messages.error(request, "Choose what the framework should become.")
        return redirect(framework)
    status = form.cleaned_data["status"]
    return _one_click(
        request,
        lambda: services.framework_status_set(
            actor=request.user, framework=framework, status=status
        ),
        f"The framework is now {Framework.Status(status).label.lower()}.",
        framework,
    )


@require_POST
def framework_new_version(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    return _one_click(
        request,
        lambda: services.framework_new_version(actor=request.user, framework=framework),
        f"Version {framework.version_number + 1} made as a draft: change its items, then "
        "publish it.",
        framework,
        then=lambda version: version,
    )


@require_http_methods(["GET", "POST"])
def item_create(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    form = ItemForm(_posted(request), framework=framework)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.item_create(actor=request.user, framework=framework, **form.cleaned_data)
            messages.success(request, "Item added.")
            return redirect(framework)
    return _form(request, form, "Add an item", framework)


@require_http_methods(["GET", "POST"])
def item_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    item = selectors.item_get_for_user(request.user, pk)
    framework = item.framework
    require(selectors.can_edit_framework(request.user, framework), services.KEEPERS_ONLY)
    form = ItemForm(_posted(request), framework=framework, instance=item)
    protect(form, item, lambda i: ItemForm(framework=i.framework, instance=i))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            fields = dict(form.cleaned_data)
            fields["kind"] = fields["kind"] or item.kind
            services.item_update(actor=request.user, item=item, **fields)
            messages.success(request, "Item saved.")
            return redirect(framework)
    return _form(request, form, "Edit an item", framework)


@require_http_methods(["GET", "POST"])
def item_comment(request: SignedInRequest, pk: int) -> HttpResponse:
    """Comment on an item while its framework is in consultation."""
    item = selectors.item_get_for_user(request.user, pk)
    framework = item.framework
    require(
        selectors.can_comment(request.user, framework),
        "Only the organisations consulted comment, while the framework is in consultation.",
    )
    form = CommentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.item_comment_add(actor=request.user, item=item, **form.cleaned_data)
            messages.success(request, "Comment added.")
            return redirect(f"{framework.get_absolute_url()}#item-{item.pk}")
    return _form(request, form, f"Comment on: {item.text[:80]}", framework)


@require_http_methods(["GET", "POST"])
def item_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    item = selectors.item_get_for_user(request.user, pk)
    framework = item.framework
    require(selectors.can_edit_framework(request.user, framework), services.KEEPERS_ONLY)
    if request.method == "POST":
        return _one_click(
            request,
            lambda: services.item_delete(actor=request.user, item=item),
            "Item deleted.",
            framework,
        )
    context = {"nav_section": NAV, "framework": framework, "item": item}
    return render(request, "assessments/item_delete.html", context)


# --- Cycles ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cycle_create(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    form = CycleForm(_posted(request), framework=framework)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            cycle = cycles.cycle_create(
                actor=request.user, framework=framework, **form.cleaned_data
            )
            messages.success(
                request, f"Sent to {cycle.units.count()} units: name each unit's assessors."
            )
            return redirect(cycle)
    return _form(request, form, "Send the framework to units", framework)


@require_GET
def cycle_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_get_for_user(request.user, pk)
    can_run = selectors.can_edit_framework(request.user, cycle.framework)
    plans = plans_visible_to(request.user)
    stamps = fragments.stamps(cycle)
    choices = fragments.filter_choices(cycle, stamps)
    filters = HeatMapFilterForm(request.GET or None, choices=choices)
    context = {
        "nav_section": NAV,
        "cycle": cycle,
        "framework": cycle.framework,
        "returns": fragments.returns_html(request, cycle, can_run=can_run, stamps=stamps),
        "filters": filters,
        "heat_map": fragments.heat_map_html(cycle, plans=plans, stamps=stamps, **filters.chosen()),
        "can_run": can_run,
        "reviewers": cycle.reviewers.order_by("username"),
    }
    return render(request, "assessments/cycle_detail.html", context)


@require_GET
def cycle_export(request: SignedInRequest, pk: int) -> HttpResponse:
    """The heat map and every answer as a workbook."""
    from plantrack.assessments.exports import cycle_xlsx  # openpyxl: only when asked for

    cycle = selectors.cycle_get_for_user(request.user, pk)
    return xlsx_response(cycle_xlsx(cycle, request.user), cycle.title, "heat-map")


@require_GET
def cycle_report(request: SignedInRequest, pk: int) -> HttpResponse:
    """The cycle as a PDF report (assessments/report.py), made while the reader waits: half a
    second for six units by 22 items, some 4.5 seconds for 40 units by 50 items."""
    from plantrack.assessments.report import cycle_report_pdf  # WeasyPrint: only when asked for

    cycle = selectors.cycle_get_for_user(request.user, pk)
    response = HttpResponse(cycle_report_pdf(cycle, request.user), content_type="application/pdf")
    name = slugify(cycle.title)[:60] or "self-assessment"
    response["Content-Disposition"] = f'attachment; filename="{name}-report.pdf"'
    return response


@require_POST
def cycle_close(request: SignedInRequest, pk: int) -> HttpResponse:
    cycle = selectors.cycle_get_for_user(request.user, pk)
    return _one_click(
        request,
        lambda: cycles.cycle_close(actor=request.user, cycle=cycle),
        "The cycle is closed: its answers are frozen.",
        cycle,
    )


def _unit_context(request: SignedInRequest, unit: Unit) -> dict:
    user = request.user
    assessor = selectors.is_assessor(user, unit)
    can_review = (
        selectors.can_review(user, unit.cycle)
        and not assessor
        and unit.status == Unit.Status.SUBMITTED
        and unit.cycle.is_open
    )
    can_run = selectors.can_edit_framework(user, unit.cycle.framework)
    can_answer = assessor and _answerable(unit)
    rows_html, summary = fragments.return_rows(
        request,
        unit,
        plans=plans_visible_to(user),
        can_answer=can_answer,
        can_review=can_review,
        can_act=assessor or can_run,
    )
    return {
        "nav_section": NAV,
        "unit": unit,
        "cycle": unit.cycle,
        "framework": unit.cycle.framework,
        "rows_html": rows_html,
        "summary": summary,
        "can_answer": can_answer,
        "can_review": can_review,
        "can_run": can_run,
    }


def _answerable(unit: Unit) -> bool:
    return unit.cycle.is_open and unit.status in OPEN_RETURNS


@require_http_methods(["GET", "POST"])
def unit_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """A unit's return: every item with its answer, what the data says and the review trail,
    each item linked to its answer page; its assessors submit it here, its reviewer reviews."""
    unit = selectors.unit_get_for_user(request.user, pk)
    if request.method == "POST":
        require(selectors.is_assessor(request.user, unit), cycles.ASSESSORS_ONLY)
        return _one_click(
            request,
            lambda: cycles.unit_submit(actor=request.user, unit=unit),
            "Submitted for review.",
            unit,
        )
    return render(request, "assessments/unit_detail.html", _unit_context(request, unit))


@require_http_methods(["GET", "POST"])
def item_answer(request: SignedInRequest, pk: int, item: int) -> HttpResponse:
    """One item of a unit's return: its assessors answer it here (then go on to the next);
    everyone who reads the return reads the answer, what the data says and the trail."""
    unit = selectors.unit_get_for_user(request.user, pk)
    place = selectors.item_in_return(unit, item)
    if request.method == "POST":
        require(selectors.is_assessor(request.user, unit), cycles.ASSESSORS_ONLY)
    answer = place.answer
    form = AnswerForm(_posted(request), answer=answer)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            if form.changes(answer):
                cycles.answer_save(
                    actor=request.user, unit=unit, item=place.item, **form.cleaned_data
                )
            messages.success(request, f"Item {place.number}'s answer saved.")
            if "next" in request.POST and place.next_pk:
                return redirect("assessments:item_answer", unit.pk, place.next_pk)
            return redirect(f"{unit.get_absolute_url()}#item-{place.item.pk}")
    return render(request, "assessments/answer.html", _answer_context(request, unit, place, form))


def _answer_context(request: SignedInRequest, unit: Unit, place, form: AnswerForm) -> dict:
    user = request.user
    answer = place.answer
    assessor = selectors.is_assessor(user, unit)
    return {
        "nav_section": NAV,
        "unit": unit,
        "cycle": unit.cycle,
        "framework": unit.cycle.framework,
        "place": place,
        "item": place.item,
        "answer": answer,
        "form": form,
        "header": fragments.item_header_html(unit, place, plans=plans_visible_to(user)),
        "can_answer": assessor and _answerable(unit),
        "can_act": assessor or selectors.can_edit_framework(user, unit.cycle.framework),
        "evidence_items": selectors.answer_evidence([answer] if answer else []),
        "readable_plans": selectors.readable_plan_ids(user, [answer] if answer else []),
    }


@require_http_methods(["GET", "POST"])
def unit_assessors(request: SignedInRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, pk)
    require(selectors.can_edit_framework(request.user, unit.cycle.framework), cycles.KEEPERS_ONLY)
    initial = {"assessors": list(unit.assessors.all())}
    form = AssessorsForm(_posted(request), unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            cycles.unit_assessors_set(actor=request.user, unit=unit, **form.cleaned_data)
            messages.success(request, f"{unit}'s assessors saved.")
            return redirect(unit.cycle)
    return _form(request, form, f"Assessors for {unit}", unit.cycle.framework)


@require_POST
def unit_chase(request: SignedInRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, pk)
    return _one_click(
        request,
        lambda: cycles.unit_chase(actor=request.user, unit=unit),
        lambda sent: f"{unit}'s assessors chased ({', '.join(sent)}).",
        unit.cycle,
    )


@require_POST
def unit_finalise(request: SignedInRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, pk)
    return _one_click(
        request,
        lambda: cycles.unit_finalise(actor=request.user, unit=unit),
        f"{unit}'s return is final.",
        unit,
    )


@require_POST
def unit_accept_rest(request: SignedInRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, pk)
    return _one_click(
        request,
        lambda: cycles.unit_accept_rest(actor=request.user, unit=unit),
        lambda accepted: f"{accepted} answer{'s' * (accepted != 1)} accepted.",
        unit,
    )


@require_POST
def answer_review(request: SignedInRequest, pk: int) -> HttpResponse:
    answer = selectors.answer_get_for_user(request.user, pk)
    require(selectors.can_review(request.user, answer.unit.cycle), cycles.REVIEWERS_ONLY)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Accept or challenge the answer.")
        return redirect(answer.unit)
    return _one_click(
        request,
        lambda: cycles.answer_review(actor=request.user, answer=answer, **form.cleaned_data),
        "Review recorded.",
        answer.unit,
    )


@require_http_methods(["GET", "POST"])
def gap_action(request: SignedInRequest, pk: int) -> HttpResponse:
    """Turn a gap (an answer below "in place") into an action of the unit's improvement plan."""
    answer = selectors.answer_get_for_user(request.user, pk)
    unit = answer.unit
    require(
        selectors.is_assessor(request.user, unit)
        or selectors.can_edit_framework(request.user, unit.cycle.framework),
        "Only the unit's assessors and the framework's keepers turn its gaps into actions.",
    )
    form = GapActionForm(_posted(request), unit=unit)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            action = cycles.gap_to_action(actor=request.user, answer=answer, **form.cleaned_data)
            messages.success(request, f"Action {action.ref} added to {action.plan.title}.")
            return redirect(unit)
    context = {
        "nav_section": NAV,
        "form": form,
        "title": "Turn the gap into an action",
        "framework": unit.cycle.framework,
        "answer": answer,
    }
    return render(request, "assessments/gap_action.html", context)


@require_POST
def answer_reply(request: SignedInRequest, pk: int) -> HttpResponse:
    answer = selectors.answer_get_for_user(request.user, pk)
    require(selectors.is_assessor(request.user, answer.unit), cycles.ASSESSORS_ONLY)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the reply.")
        return redirect(answer)
    return _one_click(
        request,
        lambda: cycles.answer_reply(
            actor=request.user, answer=answer, text=form.cleaned_data["text"]
        ),
        "Reply recorded.",
        answer,
    )
