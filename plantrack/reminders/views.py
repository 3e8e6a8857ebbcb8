from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plantrack.accounts.http import SignedInRequest
from plantrack.core.views import errors_on
from plantrack.governance.models import Body
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plan_get_for_user, plans_visible_to, today
from plantrack.reminders import calendars, selectors, services
from plantrack.reminders.forms import FeedForm, PreferenceForm, SubscribeForm
from plantrack.reminders.models import CalendarFeed


def _feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("reminders:feed_ics", args=[feed.token]))


SUBSCRIBE_HINTS = {
    CalendarFeed.Scope.PLAN: "Its open actions’ deadlines and review dates, and its milestones.",
    CalendarFeed.Scope.BODY: "Its meetings, and the deadlines of what it oversees.",
}


def _subscribe_url(feed: CalendarFeed) -> str:
    """Where to see a plan's or body's calendar address: the top of the settings page."""
    return f"{reverse('reminders:settings')}?{feed.scope}={feed.plan_id or feed.body_id}#subscribe"


def _subscribe(request: SignedInRequest, rows: list[dict]) -> dict | None:
    """The calendar a plan's or body's page sent the user for (?plan=12 or ?body=3): its
    address if they have it, else a button creating it. None, with one line, for a bad link."""
    if "plan" not in request.GET and "body" not in request.GET:
        return None
    form = SubscribeForm(request.GET)
    if not form.is_valid() or not (form.cleaned_data["plan"] or form.cleaned_data["body"]):
        messages.error(request, "That calendar link is not valid: choose a calendar below.")
        return None
    data = form.cleaned_data
    target: Plan | Body | None
    if data["plan"]:
        scope, field = CalendarFeed.Scope.PLAN, "plan_id"
        target = plans_visible_to(request.user).filter(pk=data["plan"]).first()
        refused = "You cannot follow that plan’s calendar: it is not a plan you can see."
    else:
        scope, field = CalendarFeed.Scope.BODY, "body_id"
        target = selectors.bodies_visible_to(request.user).filter(pk=data["body"]).first()
        refused = (
            "You can follow the calendar of a body you sit on, or of one overseeing a plan you "
            "can see."
        )
    if target is None:
        messages.error(request, refused)
        return None
    row = next((r for r in rows if getattr(r["feed"], field) == target.pk), None)
    return {"scope": scope, "target": target, "row": row, "hint": SUBSCRIBE_HINTS[scope]}


@require_http_methods(["GET", "POST"])
def reminder_settings(request: SignedInRequest) -> HttpResponse:
    pref = selectors.preference_for(request.user)
    form = PreferenceForm(
        request.POST or None, initial={"frequency": pref.frequency, "weekday": pref.weekday}
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.preference_set(actor=request.user, **form.cleaned_data)
            messages.success(request, "Reminder settings saved.")
            # The profile page shows this form too, and asks to come back to itself.
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
                return redirect(back)
            return redirect("reminders:settings")

    feeds = selectors.feeds_for(request.user)
    followed_plans = {f.plan_id for f in feeds if f.plan_id}
    followed_bodies = {f.body_id for f in feeds if f.body_id}
    visible_plans = set(
        plans_visible_to(request.user).filter(pk__in=followed_plans).values_list("pk", flat=True)
    )
    visible_bodies = set(
        selectors.bodies_visible_to(request.user)
        .filter(pk__in=followed_bodies)
        .values_list("pk", flat=True)
    )
    rows = []
    for feed in feeds:
        available = (
            feed.scope == CalendarFeed.Scope.USER
            or feed.plan_id in visible_plans
            or feed.body_id in visible_bodies
        )
        url = _feed_url(request, feed)
        rows.append(
            {
                "feed": feed,
                "url": url,
                "webcal": "webcal://" + url.split("://", 1)[1],
                "available": available,
            }
        )
    plans = [p for p in selectors.plans_to_follow(request.user) if p.pk not in followed_plans]
    bodies = [
        b
        for b in selectors.bodies_visible_to(request.user).order_by("name")
        if b.pk not in followed_bodies
    ]
    return render(
        request,
        "reminders/settings.html",
        {
            "nav_section": "reminders",
            "form": form,
            "pref": pref,
            "feeds": rows,
            "has_user_feed": any(f.scope == CalendarFeed.Scope.USER for f in feeds),
            "plans": plans,
            "bodies": bodies,
            "subscribe": _subscribe(request, rows),
        },
    )


@require_POST
def feed_create(request: SignedInRequest) -> HttpResponse:
    form = FeedForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors) or "Choose a calendar to add.")
        return redirect("reminders:settings")
    data = form.cleaned_data
    plan = body = None
    if data["scope"] == CalendarFeed.Scope.PLAN:
        plan = plan_get_for_user(request.user, data["plan"])
    elif data["scope"] == CalendarFeed.Scope.BODY:
        body = selectors.bodies_visible_to(request.user).filter(pk=data["body"]).first()
        if body is None:
            raise Http404("No such body")
    try:
        feed = services.feed_create(actor=request.user, scope=data["scope"], plan=plan, body=body)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages) or "That calendar was refused.")
    else:
        messages.success(request, f"Calendar “{feed.name}” is ready: copy its address below.")
        if feed.scope != CalendarFeed.Scope.USER:
            return redirect(_subscribe_url(feed))
    return redirect("reminders:settings")


@require_POST
def feed_reset(request: SignedInRequest, pk: int) -> HttpResponse:
    feed = selectors.feed_get_for_user(request.user, pk)
    services.feed_reset(actor=request.user, feed=feed)
    messages.success(
        request,
        f"“{feed.name}” has a new address. The old one no longer works: "
        "subscribe again with the new one.",
    )
    return redirect("reminders:settings")


@require_POST
def feed_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    feed = selectors.feed_get_for_user(request.user, pk)
    name = feed.name
    services.feed_delete(actor=request.user, feed=feed)
    messages.success(request, f"Calendar “{name}” removed. Its address no longer works.")
    return redirect("reminders:settings")


@login_not_required
@require_safe
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar behind a secret URL, for Outlook and Google Calendar to fetch.

    Access is checked on every request, before the cache is asked; an unchanged feed is a 304
    when the program sends the ETag back, else the cached bytes (built when its data changed)."""
    feed = selectors.feed_get_by_token(token)
    base_url = request.build_absolute_uri("/").rstrip("/")
    on = today()
    parts = calendars.feed_cache_parts(feed, base_url, on)
    response = HttpResponse(content_type="text/calendar; charset=utf-8")
    response["ETag"] = calendars.feed_etag(parts)
    # Private: the URL is a secret, so no shared cache may keep a copy.
    response["Cache-Control"] = f"private, max-age={calendars.MAX_AGE}"
    response["X-Robots-Tag"] = "noindex"
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    if conditional is not None and conditional is not response:
        return conditional
    response["Content-Disposition"] = 'inline; filename="plantrack.ics"'
    response.content = calendars.feed_ical_cached(feed, base_url, parts, on)
    return response
