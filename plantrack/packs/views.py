from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from plantrack.accounts.http import SignedInRequest
from plantrack.core.services import require
from plantrack.core.views import errors_on, paginate
from plantrack.packs import selectors, services
from plantrack.packs.engagement import pack_registers
from plantrack.packs.forms import ChaseForm, CommentaryForm, PackForm, PublishForm
from plantrack.packs.models import Pack
from plantrack.packs.render import FORMATS, common, file_name
from plantrack.packs.self_assessment import pack_cycles
from plantrack.plans.selectors import action_get_light, plan_access, plan_get_for_user, today
from plantrack.plans.services import require_manager

# --- Packs ----------------------------------------------------------------------------------


@require_GET
def pack_list(request: SignedInRequest) -> HttpResponse:
    page = paginate(request, selectors.pack_list(request.user), 50)
    return render(
        request,
        "packs/list.html",
        {
            "page": page,
            "bodies": selectors.bodies_user_prepares_for(request.user),
            "nav_section": "packs",
        },
    )


@require_http_methods(["GET", "POST"])
def pack_new(request: SignedInRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(request.user, pk)
    require(
        selectors.can_prepare_pack(request.user, body),
        "Only a manager of one of the plans this body oversees can prepare its packs.",
    )
    plan_ids = selectors.body_plan_ids(body)
    registers = list(pack_registers(plan_ids, request.user))
    cycles = pack_cycles(plan_ids, request.user, today())
    form = PackForm(request.POST or None, body=body, registers=registers, cycles=cycles)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            pack = services.pack_prepare(
                actor=request.user,
                body=body,
                period=form.cleaned_data["period"],
                meeting=form.cleaned_data["meeting"],
                engagement=bool(form.cleaned_data.get("engagement")),
                self_assessment=bool(form.cleaned_data.get("self_assessment")),
            )
            return redirect("packs:detail", pk=pack.pk)
    return render(request, "packs/new.html", {"form": form, "body": body, "nav_section": "packs"})


@require_GET
def pack_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    pack = selectors.pack_get_for_user(request.user, pk)
    if pack.status in Pack.WORKING:
        return _progress_page(request, pack)
    can_publish = selectors.can_publish_pack(request.user, pack)
    plans = pack.plans.order_by("title")
    context = {
        "pack": pack,
        "s": pack.snapshot,
        "can_publish": can_publish,
        "publish_form": PublishForm(),
        "formats": FORMATS,
        "files": selectors.pack_files(pack),
        "plans": plans,
        "summary_rows": common.summary_rows(pack.snapshot) if pack.snapshot else [],
        "exception_columns": common.EXCEPTION_COLUMNS,
        "action_columns": common.ACTION_COLUMNS,
        # Now, not when the snapshot was taken: owners may have written since.
        "missing_now": selectors.missing_commentary_count(pack)
        if pack.status == Pack.Status.DRAFT
        else None,
        "nav_section": "packs",
    }
    return render(request, "packs/detail.html", context)


@require_GET
def pack_progress(request: SignedInRequest, pk: int) -> HttpResponse:
    """Polled by the progress page; sends the browser to the pack when it is ready."""
    pack = selectors.pack_get_for_user(request.user, pk)
    if pack.status not in Pack.WORKING:
        return HttpResponseClientRedirect(reverse("packs:detail", args=[pack.pk]))
    return _progress_page(request, pack, partial=True)


def _progress_page(request: SignedInRequest, pack: Pack, partial: bool = False) -> HttpResponse:
    template = "packs/progress.html" + ("#progress" if partial else "")
    context = {"pack": pack, "percent": services.pack_progress(pack), "nav_section": "packs"}
    return render(request, template, context)


def _pack_action(request: SignedInRequest, pk: int, service, success: str, **kwargs):
    pack = selectors.pack_get_for_user(request.user, pk)
    try:
        service(actor=request.user, pack=pack, **kwargs)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, success)
    return redirect("packs:detail", pk=pack.pk)


@require_POST
def pack_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    form = PublishForm(request.POST)
    form.is_valid()
    allow = bool(form.cleaned_data.get("allow_missing"))
    pack = selectors.pack_get_for_user(request.user, pk)
    try:
        pack = services.pack_publish(actor=request.user, pack=pack, allow_missing=allow)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        # With a task worker the files are still being made: the pack's page shows progress.
        if pack.status == Pack.Status.PUBLISHED:
            messages.success(request, "Pack published.")
    return redirect("packs:detail", pk=pack.pk)


@require_POST
def pack_rebuild(request: SignedInRequest, pk: int) -> HttpResponse:
    return _pack_action(request, pk, services.pack_rebuild, "Preparing the pack again.")


@require_GET
def pack_download(request: SignedInRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such format")
    pack = selectors.pack_get_for_user(request.user, pk)
    if pack.status not in (Pack.Status.DRAFT, Pack.Status.PUBLISHED):
        raise Http404("This pack is not ready")
    data = services.pack_file(pack, fmt)
    response = HttpResponse(data, content_type=FORMATS[fmt][0])
    name = file_name(pack.snapshot, fmt, draft=pack.status == Pack.Status.DRAFT)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Commentary -----------------------------------------------------------------------------


def _period(request: SignedInRequest) -> str:
    text = request.GET.get("period") or request.POST.get("period") or ""
    if not text:
        return selectors.current_period()
    try:
        return selectors.period_normalise(text)
    except ValidationError:
        messages.error(
            request,
            f"“{text[:20]}” is not a reporting period like 2022/23-Q2: showing this quarter.",
        )
        return selectors.current_period()


@require_GET
def commentary_page(request: SignedInRequest, pk: int) -> HttpResponse:
    """Managers: who has responded and who has not, with a Chase button each. Owners: their
    own items with a link to write each commentary."""
    plan = plan_get_for_user(request.user, pk)
    access = plan_access(request.user, plan)
    # Filled for contributors only: an owner who is now a viewer writes nothing.
    mine = access.owned_action_ids
    if not access.can_manage and not mine:
        raise PermissionDenied("Only the plan's managers and action owners can see this page.")
    period = _period(request)
    items = selectors.items_needing_commentary(plan, period)
    if not access.can_manage:
        items = [i for i in items if i.action.pk in mine]
    owners, unowned = selectors.commentary_by_owner(plan, period, items)
    context = {
        "plan": plan,
        "period": period,
        "periods": selectors.period_choices(kinds=selectors.plan_period_kinds(plan)),
        "items": items,
        "owners": owners,
        "unowned": unowned,
        "can_manage": access.can_manage,
        "mine": mine,
        "missing": sum(1 for i in items if i.commentary is None),
        "nav_section": "plans",
    }
    return render(request, "packs/commentary.html", context)


@require_POST
def chase(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, pk)
    require_manager(request.user, plan)
    form = ChaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whom to chase.")
        return redirect("packs:commentary", pk=plan.pk)
    person = selectors.person_in_plan(plan, form.cleaned_data["person"])
    period = form.cleaned_data["period"]
    try:
        sent = services.chase_send(actor=request.user, plan=plan, person=person, period=period)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            f"Asked {person.display_name} for commentary on {sent.items} "
            f"item{'s' if sent.items != 1 else ''}.",
        )
    return redirect(_commentary_url(plan.pk, period))


def _commentary_url(plan_pk: int, period: str) -> str:
    """The commentary page for a period (only a well-formed one goes into the URL)."""
    url = reverse("packs:commentary", args=[plan_pk])
    try:
        return f"{url}?{urlencode({'period': selectors.period_normalise(period)})}"
    except ValidationError:
        return url


@require_http_methods(["GET", "POST"])
def commentary_write(request: SignedInRequest, pk: int) -> HttpResponse:
    action = action_get_light(request.user, pk)
    plan = action.plan
    require(
        plan_access(request.user, plan).can_post_update(action),
        "Only the action's owners and the plan's managers can write its commentary.",
    )
    period = _period(request)
    existing = selectors.commentary_get(action, period)
    form = CommentaryForm(
        request.POST or None,
        initial={"period": period, "text": existing.text if existing else ""},
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            saved = services.commentary_save(
                actor=request.user,
                action=action,
                period=form.cleaned_data["period"],
                text=form.cleaned_data["text"],
            )
            messages.success(request, f"Commentary saved for {saved.period}.")
            return redirect(_commentary_url(plan.pk, saved.period))
    context = {
        "action": action,
        "plan": plan,
        "period": period,
        "form": form,
        "existing": existing,
        "nav_section": "plans",
    }
    return render(request, "packs/commentary_form.html", context)
