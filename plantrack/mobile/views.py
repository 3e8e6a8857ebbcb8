"""The phone pages (/m/): my actions and activities to hand, an update with a photo, an
activity in one go, and the web app's manifest and service worker.

Each form works as a plain form without JavaScript. With it (static/mobile/capture.js) the
phone keeps each entry on the device and sends the same form with an ``Idempotency-Key`` and
``Accept: application/json``: the answer is then JSON (201 saved, 409 a newer update, 422 what
to correct) and a repeat of the key is answered from the kept copy (accounts/idempotency.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from plantrack.accounts.http import SignedInRequest
from plantrack.accounts.idempotency import idempotent_form
from plantrack.core.services import require
from plantrack.core.views import show_refusal
from plantrack.mobile import selectors
from plantrack.mobile.forms import ActivityForm, UpdateForm
from plantrack.mobile.services import activity_capture
from plantrack.plans.models import Update
from plantrack.plans.selectors import plan_access
from plantrack.plans.services import UpdateConflict, update_post

CANNOT_POST = "Only the action's owners and the plan's managers can post updates."


ENTERED_BY = "X-PlanTrack-User"
SOMEONE_ELSE = "This was entered on this phone by someone else: sign in as them to send it."


def _entered_by_someone_else(request: HttpRequest) -> bool:
    """The phone says whose entry it sends (the user it was entered as): another user signed
    in on the phone meanwhile must not send it as theirs."""
    entered_by = request.headers.get(ENTERED_BY)
    return entered_by is not None and entered_by != str(request.user.pk)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(form: BaseForm) -> JsonResponse:
    errors = {
        name: [e["message"] for e in errs] for name, errs in form.errors.get_json_data().items()
    }
    first = next(iter(errors.values()))[0] if errors else "The entry could not be saved."
    return JsonResponse({"message": first, "errors": errors}, status=422)


def _update_out(update: Update) -> dict[str, Any]:
    return {
        "id": update.pk,
        "date": update.date.isoformat() if update.date else None,
        "rag": update.get_rag_display(),
        "narrative": update.narrative,
        "author": update.author.display_name if update.author else update.author_name,
    }


@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    registers = selectors.registers_to_record_in(request.user)
    return render(
        request,
        "mobile/home.html",
        {
            "actions": selectors.actions_to_hand(request.user),
            "activities": selectors.activities_to_hand(request.user),
            "can_record": registers.exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@idempotent_form
def update(request: SignedInRequest, pk: int) -> HttpResponse:
    if request.method == "POST" and _entered_by_someone_else(request):
        return JsonResponse({"message": SOMEONE_ELSE, "wrong_user": True}, status=409)
    action = selectors.action_for_update(request.user, pk)
    require(plan_access(request.user, action.plan).can_post_update(action), CANNOT_POST)
    posted = request.method == "POST"
    form = UpdateForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"rag": action.rag, "based_on": action.latest_update_id},  # type: ignore[attr-defined]
    )
    conflict = False
    latest: Update | None = None
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            saved = update_post(
                actor=request.user,
                action=action,
                narrative=data["narrative"],
                rag=data["rag"],
                evidence=data["photo"],
                date=data["date"],
                based_on=data["based_on"],
            )
        except UpdateConflict as exc:
            conflict, latest = True, exc.latest
        except ValidationError as exc:
            # The evidence service names its field "evidence"; here it is the photo.
            if hasattr(exc, "error_dict") and "evidence" in exc.error_dict:
                exc.error_dict["photo"] = exc.error_dict.pop("evidence")
            show_refusal(form, exc)
        else:
            said = f"Update posted on {action.ref or action.title[:60]}."
            if _wants_json(request):
                return JsonResponse(
                    {
                        "message": said,
                        "id": saved.pk,
                        "url": reverse("plans:action", args=[action.pk]),
                    },
                    status=201,
                )
            messages.success(request, said)
            return redirect("mobile:home")
    if posted and _wants_json(request):
        if conflict:
            return JsonResponse(
                {
                    "message": "This action was updated after you last saw it: yours was not "
                    "saved.",
                    "latest": _update_out(latest) if latest else None,
                },
                status=409,
            )
        return _refused(form)
    if conflict:
        # Shown the newer update; sending the form again sends it based on that one.
        data = request.POST.copy()
        data["based_on"] = str(latest.pk) if latest else ""
        form = UpdateForm(data)
    return render(
        request,
        "mobile/update.html",
        {
            "action": action,
            "form": form,
            "latest": latest if conflict else selectors.latest_update(action),
            "conflict": conflict,
        },
    )


@require_http_methods(["GET", "POST"])
@idempotent_form
def activity_new(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST" and _entered_by_someone_else(request):
        return JsonResponse({"message": SOMEONE_ELSE, "wrong_user": True}, status=409)
    registers = selectors.registers_to_record_in(request.user)
    require(registers.exists(), "Only a register's managers can record activities in it.")
    posted = request.method == "POST"
    form = ActivityForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        registers=registers,
        wards=selectors.wards_for(registers),
        methods=selectors.methods(),
    )
    if posted and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            activity = activity_capture(actor=request.user, on=data.pop("date"), **data)
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            said = f"Activity recorded: {activity.title[:80]}."
            if _wants_json(request):
                return JsonResponse(
                    {"message": said, "id": activity.pk, "url": activity.get_absolute_url()},
                    status=201,
                )
            messages.success(request, said)
            return redirect("mobile:home")
    if posted and _wants_json(request):
        return _refused(form)
    return render(request, "mobile/activity.html", {"form": form})


@login_not_required
@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installs /m/ as "PlanTrack" on a phone's home screen."""
    icons = [
        {"src": static(f"mobile/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    body = {
        "name": "PlanTrack on the move",
        "short_name": "PlanTrack",
        "description": "Your actions and activities: post updates and record engagement, "
        "with or without a signal.",
        "id": reverse("mobile:home"),
        "start_url": reverse("mobile:home"),
        "scope": reverse("mobile:home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b0c0c",
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json")


@login_not_required
@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /m/ so that its scope is the phone pages only."""
    return render(
        request,
        "mobile/sw.js",
        {"pages": reverse("mobile:home"), "sign_in": reverse("login")},
        content_type="text/javascript",
    )
