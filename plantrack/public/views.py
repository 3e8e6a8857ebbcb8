"""The public pages (no sign-in: ``login_not_required``) and the pages where managers and
named publishers decide what the public sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.accounts.models import User
from plantrack.core.cache import cached
from plantrack.core.services import require
from plantrack.core.views import errors_on, paginate
from plantrack.directory.models import Organisation
from plantrack.directory.selectors import organisation_ids_for
from plantrack.engagement.models import Outcome
from plantrack.engagement.selectors import activity_get_for_user
from plantrack.governance.selectors import meeting_get_for_user
from plantrack.plans.models import Plan, Update
from plantrack.plans.selectors import (
    action_get_light,
    plan_get_for_user,
    plans_visible_to,
    section_get_for_user,
)
from plantrack.public import opendata, selectors, services
from plantrack.public.calendar import area_ical
from plantrack.public.forms import (
    ApproveForm,
    EventCancelForm,
    EventForm,
    KeepInternalForm,
    OutcomeApproveForm,
    PublishersForm,
    PublishForm,
    ReasonForm,
)
from plantrack.public.models import Event, PublicOutcome, PublicUpdate, Withholding

# A CDN or the browser may keep a public page five minutes; the app's own cache keeps the
# rendered page until the plan changes.
PUBLIC_CACHE = "public, max-age=300"
TIME_FIELDS = ("date", "start", "end")
# What the update decision page's buttons do: (its form, the service, the message).
DECISIONS: dict[str, tuple[type[forms.Form], Callable[..., object], str]] = {
    "approve": (ApproveForm, services.update_publish, "The update is published."),
    "internal": (KeepInternalForm, services.update_keep_internal, "The update is kept internal."),
    "withdraw": (ReasonForm, services.update_withdraw, "The update is withdrawn from the public."),
}
# The same for a "you said, we did": (its form, the message).
OUTCOME_DECISIONS: dict[str, tuple[type[forms.Form], str]] = {
    "approve": (OutcomeApproveForm, "The “you said, we did” is published."),
    "internal": (KeepInternalForm, "The “you said, we did” is kept internal."),
    "withdraw": (ReasonForm, "The “you said, we did” is withdrawn from the public."),
}


def _origin(request: HttpRequest) -> tuple[str, str]:
    """Part of a cached public page's key: its links and canonical address name the host."""
    return request.scheme or "", request.get_host()


def _number(value: str) -> str:
    return value if value.isdigit() and len(value) <= 9 else ""


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = PUBLIC_CACHE
    return response


# --- Public pages ---------------------------------------------------------------------------


@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = {"groups": selectors.public_index(), "organisation": None}
    return _public(render(request, "public/index.html", context))


@login_not_required
@require_GET
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    groups = selectors.public_index(organisation_id=pk)
    if not groups:
        raise Http404("This organisation has no published plans")
    context = {"groups": groups, "organisation": groups[0].organisation}
    return _public(render(request, "public/index.html", context))


def _plan_or_withdrawn(request: HttpRequest, slug: str):
    try:
        return selectors.public_plan_get(slug), None
    except Http404:
        if not selectors.was_published(slug):
            raise
        page = render(request, "public/withdrawn.html", status=404)
        return None, _public(page)


@login_not_required
@require_GET
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    found, withdrawn = _plan_or_withdrawn(request, slug)
    if found is None:
        return withdrawn

    def build() -> str:
        content = selectors.public_plan_content(found)
        return render_to_string("public/plan.html", {"page": content, "plan": found}, request)

    # The day too: measures are judged against it (a target date passing puts one off track).
    key = ("public-plan", found.pk, found.version, timezone.localdate(), *_origin(request))
    html = cached(key, build)
    return _public(HttpResponse(html))


@login_not_required
@require_GET
def plan_csv(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.public_plan_get(slug)
    return _public(opendata.csv_response(selectors.public_plan_content(found)))


@login_not_required
@require_GET
def plan_json(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.public_plan_get(slug)
    return _public(opendata.json_response(request, selectors.public_plan_content(found)))


@login_not_required
@require_GET
def plan_feed(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.public_plan_get(slug)
    body = cached(
        ("public-feed", found.pk, found.version, *_origin(request)),
        lambda: opendata.atom(request, selectors.public_plan_content(found)),
    )
    response = HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
    return _public(response)


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "public/accessibility.html"))


# --- Deciding what the public sees ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def manage(request: SignedInRequest, pk: int) -> HttpResponse:
    """A plan's public page as its managers run it: publish or withdraw, the named
    publishers, what is withheld, what is waiting for approval. Others who see the plan read
    whether and where it is published."""
    plan = plan_get_for_user(request.user, pk)
    can_manage = services.can_manage(request.user, plan)
    publication = selectors.publication_of(plan)
    form = PublishForm(request.POST or None)
    if request.method == "POST":
        services.require_manager(request.user, plan)
        if form.is_valid():
            with errors_on(form):
                fields = {"slug": form.cleaned_data["slug"]}
                if form.cleaned_data["introduction"] or publication is not None:
                    fields["introduction"] = form.cleaned_data["introduction"]
                services.plan_publish(actor=request.user, plan=plan, **fields)
                messages.success(request, f"{plan.title} is published.")
                return redirect("public:manage", pk=plan.pk)
    elif publication is not None:
        form = PublishForm(
            initial={"slug": publication.slug, "introduction": publication.introduction}
        )
    context: dict[str, object] = {
        "plan": plan,
        "publication": publication,
        "can_manage": can_manage,
        "nav_section": "plans",
    }
    if can_manage:
        waiting = selectors.updates_awaiting_approval(request.user, plan)
        context |= {
            "form": form,
            "withdraw_form": ReasonForm(),
            "publishers_form": PublishersForm(
                users=_people_of(plan),
                initial={"publishers": list(publication.publishers.all()) if publication else []},
            ),
            "withholdings": selectors.withholdings(plan),
            "waiting_count": waiting.count(),
            "outcomes_waiting_count": selectors.outcomes_awaiting_approval(
                request.user, plan
            ).count(),
            "sections": selectors.sections_to_withhold(plan),
            "actions": selectors.actions_to_withhold(plan),
        }
    return render(request, "public/manage.html", context)


def _people_of(plan: Plan) -> QuerySet[User]:
    return User.objects.filter(plan_roles__plan=plan).order_by("username").distinct()


@require_POST
def unpublish(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        with errors_on(form):
            services.plan_unpublish(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, f"{plan.title} is withdrawn from the public.")
            return redirect("public:manage", pk=plan.pk)
    services.require_manager(request.user, plan)
    problems = [str(error) for errors in form.errors.values() for error in errors]
    messages.error(request, problems[0] if problems else "Say why the plan is withdrawn.")
    return redirect("public:manage", pk=plan.pk)


@require_POST
def publishers(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    publication = selectors.publication_of(plan)
    if publication is None:
        raise Http404("Publish the plan first")
    form = PublishersForm(request.POST, users=_people_of(plan))
    if form.is_valid():
        services.publication_set_publishers(
            actor=request.user, publication=publication, publishers=form.cleaned_data["publishers"]
        )
        messages.success(request, "Named publishers saved.")
    return redirect("public:manage", pk=plan.pk)


@require_GET
def approvals(request: SignedInRequest) -> HttpResponse:
    """Updates and "you said, we did" waiting for a decision, each list paged on its own."""
    page = paginate(request, selectors.updates_awaiting_approval(request.user), per_page=25)
    pairs = selectors.outcomes_awaiting_approval(request.user)
    outcomes_page = Paginator(pairs, 25).get_page(request.GET.get("outcomes_page"))
    context = {
        "page": page,
        "outcomes_page": outcomes_page,
        "outcomes": selectors.outcomes_waiting(list(outcomes_page)),
        "nav_section": "plans",
    }
    return render(request, "public/approvals.html", context)


def _update_for(user, pk: int) -> Update:
    update = get_object_or_404(
        Update.objects.select_related("action__plan", "action__section").filter(
            action__plan__in=plans_visible_to(user), action__deleted_at__isnull=True
        ),
        pk=pk,
    )
    require(services.can_publish_updates(user, update.action.plan), services.PUBLISHERS_ONLY)
    return update


@require_http_methods(["GET", "POST"])
def update_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    """Approve an update's public text, keep it internal, or withdraw it once published."""
    update = _update_for(request.user, pk)
    decision = PublicUpdate.objects.filter(update=update).first()
    published = decision is not None and decision.state == PublicUpdate.State.PUBLISHED
    initial = {"text": decision.text if decision is not None and published else update.narrative}
    forms_by_choice: dict[str, forms.Form] = {
        "approve": ApproveForm(initial=initial),
        "internal": KeepInternalForm(),
        "withdraw": ReasonForm(),
    }
    choice = request.POST.get("do", "")
    if request.method == "POST" and choice in DECISIONS:
        form_class, decide, done = DECISIONS[choice]
        form = forms_by_choice[choice] = form_class(request.POST)
        if form.is_valid():
            with errors_on(form):
                decide(actor=request.user, update=update, **form.cleaned_data)
                messages.success(request, done)
                return redirect("public:approvals")
    approve, keep, withdraw = forms_by_choice.values()
    context = {
        "update": update,
        "decision": decision,
        "published": published,
        "approve": approve,
        "keep": keep,
        "withdraw": withdraw,
        "nav_section": "plans",
    }
    return render(request, "public/update_decide.html", context)


def _decide_outcome(
    request: SignedInRequest,
    choice: str,
    plan: Plan,
    outcome: Outcome,
    decision: PublicOutcome | None,
    data: dict[str, Any],
) -> None:
    if choice == "approve":
        services.outcome_publish(actor=request.user, plan=plan, outcome=outcome, **data)
    elif choice == "internal":
        services.outcome_keep_internal(actor=request.user, plan=plan, outcome=outcome, **data)
    elif decision is None:
        raise ValidationError("This “you said, we did” is not published.")
    else:
        services.outcome_withdraw(actor=request.user, public_outcome=decision, **data)


@require_http_methods(["GET", "POST"])
def outcome_decide(request: SignedInRequest, pk: int, plan: int) -> HttpResponse:
    """Approve what the public reads of a "you said, we did" on one plan's page (the
    register's words or an edited version), keep it internal, or withdraw it once published."""
    found = plan_get_for_user(request.user, plan)
    require(services.can_publish_updates(request.user, found), services.PUBLISHERS_ONLY)
    outcome, decision, readable = selectors.outcome_for_decision(request.user, found, pk)
    published = decision is not None and decision.state == PublicOutcome.State.PUBLISHED
    if decision is not None and published:
        initial = {"activity_title": decision.activity_title}
        initial |= {"you_said": decision.you_said, "we_did": decision.we_did}
    else:  # the register's own words, to publish as they are or edited
        initial = {"activity_title": outcome.activity.title}
        initial |= {"you_said": outcome.you_said, "we_did": outcome.we_did}
    forms_by_choice: dict[str, forms.Form] = {
        "approve": OutcomeApproveForm(initial=initial),
        "internal": KeepInternalForm(),
        "withdraw": ReasonForm(),
    }
    choice = request.POST.get("do", "")
    if request.method == "POST" and choice in OUTCOME_DECISIONS:
        form_class, done = OUTCOME_DECISIONS[choice]
        form = forms_by_choice[choice] = form_class(request.POST)
        if form.is_valid():
            with errors_on(form):
                _decide_outcome(request, choice, found, outcome, decision, form.cleaned_data)
                messages.success(request, done)
                return redirect("public:approvals")
    approve, keep, withdraw = forms_by_choice.values()
    context = {
        "plan": found,
        "outcome": outcome,
        "decision": decision,
        "published": published,
        "readable": readable,
        # The register's text changed after the public version was approved: worth a look.
        "changed_since": bool(published and decision and outcome.updated_at > decision.decided_at),
        "approve": approve,
        "keep": keep,
        "withdraw": withdraw,
        "nav_section": "plans",
    }
    return render(request, "public/outcome_decide.html", context)


@require_http_methods(["GET", "POST"])
def action_withhold(request: SignedInRequest, pk: int) -> HttpResponse:
    action = action_get_light(request.user, pk)
    services.require_manager(request.user, action.plan)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.action_withhold(actor=request.user, action=action, **form.cleaned_data)
            messages.success(request, f"{action.long_label(80)} is withheld from the public.")
            return redirect("public:manage", pk=action.plan_id)
    context = {"form": form, "plan": action.plan, "what": action.long_label(120)}
    return render(request, "public/withhold.html", context)


@require_http_methods(["GET", "POST"])
def section_withhold(request: SignedInRequest, pk: int) -> HttpResponse:
    section = section_get_for_user(request.user, pk)
    services.require_manager(request.user, section.plan)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.section_withhold(actor=request.user, section=section, **form.cleaned_data)
            messages.success(request, f"Section {section.title} is withheld from the public.")
            return redirect("public:manage", pk=section.plan_id)
    context = {"form": form, "plan": section.plan, "what": f"section {section.title}"}
    return render(request, "public/withhold.html", context)


@require_POST
def withholding_release(request: SignedInRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        Withholding.objects.filter(plan__in=plans_visible_to(request.user)), pk=pk
    )
    services.withholding_release(actor=request.user, withholding=row)
    messages.success(request, "It shows on the public page again.")
    return redirect("public:manage", pk=row.plan_id)


# --- Public events ------------------------------------------------------------------------------


@login_not_required
@require_GET
def events_index(request: HttpRequest) -> HttpResponse:
    areas = selectors.areas_with_events(timezone.now())
    return _public(render(request, "public/events_index.html", {"areas": areas}))


@login_not_required
@require_GET
def area_events(request: HttpRequest, pk: int) -> HttpResponse:
    """An area's events from the start of today by date, or one ward's (``?ward=``), 50 a
    page. Kept in the cache under the events' stamp and the day: rendering 50 events is
    most of a request's cost (docs/benchmarks.md)."""
    area = selectors.public_area_get(pk)
    # Only what the page reads goes into its cache key, so odd parameters cannot fill the cache.
    ward_id = _number(request.GET.get("ward", ""))
    page_number = _number(request.GET.get("page", ""))

    def build() -> str:
        since = selectors.start_of_today()
        wards = selectors.wards_with_events(area, since)
        ward = next((w.area for w in wards if str(w.area.pk) == ward_id), None)
        events = selectors.public_events(area, since, ward)
        page = Paginator(events, 50).get_page(page_number or 1)
        context = {"area": area, "ward": ward, "wards": wards, "page": page}
        return render_to_string("public/area_events.html", context, request)

    key = ("public-events", area.pk, area.updated_at, ward_id, page_number, *_origin(request))
    html = cached((*key, selectors.events_stamp(), timezone.localdate()), build)
    return _public(HttpResponse(html))


@login_not_required
@require_GET
def area_events_ics(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.public_area_get(pk)
    now = timezone.now()
    base = f"{request.scheme}://{request.get_host()}"
    body = area_ical(area, selectors.feed_events(area, now), base, now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="events-{area.pk}.ics"'
    return _public(response)


@login_not_required
@require_GET
def event(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.public_event_get(pk)
    return _public(render(request, "public/event.html", {"event": found}))


@require_GET
def events_manage(request: SignedInRequest) -> HttpResponse:
    """The events of the user's organisations, coming first, and how much notice the public
    had over the last twelve months and what is coming."""
    now = timezone.now()
    events = selectors.events_for_manager(request.user)
    context = {
        "page": paginate(request, events.filter(starts_at__gte=now), per_page=50),
        "notice": selectors.notice_by_area(events, now - dt.timedelta(days=365)),
        "notice_days": selectors.NOTICE_DAYS,
        "nav_section": "engagement",
    }
    return render(request, "public/events_manage.html", context)


def _event_initial(request: SignedInRequest) -> dict[str, object]:
    """A new event of an activity (``?activity=``) or a meeting (``?meeting=``), prefilled."""
    initial: dict[str, object] = {}
    if request.GET.get("activity", "").isdigit():
        activity = activity_get_for_user(request.user, int(request.GET["activity"]))
        initial |= {"title": activity.title, "organisation": activity.register.organisation_id}
        first_area = activity.areas.order_by("path").first()
        if first_area is not None:
            initial["area"] = first_area.pk
    if request.GET.get("meeting", "").isdigit():
        meeting = meeting_get_for_user(request.user, int(request.GET["meeting"]))
        initial |= {
            "title": meeting.title or meeting.body.name,
            "organisation": meeting.body.organisation_id,
            "place": meeting.location,
            "date": meeting.date,
        }
    return initial


def _event_links(request: SignedInRequest) -> dict[str, Any]:
    links: dict[str, Any] = {}
    if request.GET.get("activity", "").isdigit():
        links["activity"] = activity_get_for_user(request.user, int(request.GET["activity"]))
    if request.GET.get("meeting", "").isdigit():
        links["meeting"] = meeting_get_for_user(request.user, int(request.GET["meeting"]))
    return links


@require_http_methods(["GET", "POST"])
def event_create(request: SignedInRequest) -> HttpResponse:
    organisations = Organisation.objects.filter(pk__in=organisation_ids_for(request.user))
    if request.user.is_superuser:
        organisations = Organisation.objects.all()
    links = _event_links(request)
    form = EventForm(
        request.POST or None,
        organisations=organisations.order_by("name"),
        initial=_event_initial(request),
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            data = {k: v for k, v in form.cleaned_data.items() if k not in TIME_FIELDS}
            created = services.event_publish(actor=request.user, **data, **form.times(), **links)
            messages.success(request, f"{created.title} is on the public calendar.")
            return redirect("public:events_manage")
    context = {"form": form, "links": links, "nav_section": "engagement", "event": None}
    return render(request, "public/event_form.html", context)


def _managed_event(request: SignedInRequest, pk: int) -> Event:
    return get_object_or_404(selectors.events_for_manager(request.user), pk=pk)


@require_http_methods(["GET", "POST"])
def event_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _managed_event(request, pk)
    local = timezone.localtime(found.starts_at)
    initial = {
        "organisation": found.organisation_id,
        "area": found.area_id,
        "title": found.title,
        "purpose": found.purpose,
        "place": found.place,
        "date": local.date(),
        "start": local.time(),
        "end": timezone.localtime(found.ends_at).time() if found.ends_at else None,
    }
    organisations = Organisation.objects.filter(pk=found.organisation_id)
    form = EventForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in TIME_FIELDS and k != "organisation"
            }
            services.event_update(actor=request.user, event=found, **data, **form.times())
            messages.success(request, f"{found.title} is changed.")
            return redirect("public:events_manage")
    context = {"form": form, "links": {}, "nav_section": "engagement", "event": found}
    return render(request, "public/event_form.html", context)


@require_http_methods(["GET", "POST"])
def event_cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _managed_event(request, pk)
    form = EventCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.event_cancel(actor=request.user, event=found, **form.cleaned_data)
            messages.success(request, f"{found.title} is marked cancelled.")
            return redirect("public:events_manage")
    return render(
        request,
        "public/event_cancel.html",
        {"form": form, "event": found, "nav_section": "engagement"},
    )
