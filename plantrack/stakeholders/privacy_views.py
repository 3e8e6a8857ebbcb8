"""The data steward's pages: erasure, subject access, the retention review, the privacy notice
queue, the retention rules and the erasure log."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core.views import errors_on, paginate, refusal_as_message
from plantrack.plans.selectors import today
from plantrack.stakeholders import privacy, selectors, services, subject_access
from plantrack.stakeholders.forms import (
    KeepForm,
    NoticeSentForm,
    PrivacyNoticeForm,
    RetentionRuleForm,
    SubjectAccessForm,
)
from plantrack.stakeholders.models import AccessLog, Erasure, SubjectAccessRequest

NAV = "stakeholders"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _steward_database(request: SignedInRequest, pk: int):
    database = selectors.database_get_for_user(request.user, pk)
    privacy.require_steward(request.user, database)
    return database


def _steward_contact(request: SignedInRequest, pk: int):
    contact = selectors.contact_get_for_user(request.user, pk)
    privacy.require_steward(request.user, contact.database)
    return contact


def _page(request, template: str, **context) -> HttpResponse:
    return render(request, f"stakeholders/{template}", {"nav_section": NAV, **context})


# --- Erasure --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_erase(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = _steward_contact(request, pk)
    database = contact.database
    refusal = ""
    if request.method == "POST":
        try:
            privacy.contact_erase(actor=request.user, contact=contact)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        else:
            messages.success(request, "The contact was erased. The erasure log names no one.")
            return redirect("stakeholders:contacts", pk=database.pk)
    return _page(
        request,
        "erase.html",
        contact=contact,
        database=database,
        refusal=refusal,
        owned=privacy.open_follow_ups_owned(contact),
    )


@require_GET
def erasure_log(request: SignedInRequest, pk: int) -> HttpResponse:
    database = _steward_database(request, pk)
    page = paginate(request, selectors.erasures(database), selectors.PAGE_SIZE)
    return _page(request, "erasures.html", database=database, page=page)


# --- Subject access -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subject_access_open(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = _steward_contact(request, pk)
    form = SubjectAccessForm(
        request.POST if request.method == "POST" else None, initial={"received_on": today()}
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            case = privacy.subject_access_request_open(
                actor=request.user, contact=contact, **form.cleaned_data
            )
            messages.success(
                request, f"Request logged: the answer is due by {case.due_on:%-d %B %Y}."
            )
            return redirect("stakeholders:subject_access", pk=contact.database_id)
    return render(
        request,
        "stakeholders/form.html",
        {
            "nav_section": NAV,
            "form": form,
            "title": "Log a subject-access request",
            "back": contact.get_absolute_url(),
            "caption": contact.name,
        },
    )


@require_GET
def subject_access_cases(request: SignedInRequest, pk: int) -> HttpResponse:
    database = _steward_database(request, pk)
    cases = paginate(request, selectors.subject_access_cases(database), selectors.PAGE_SIZE)
    return _page(request, "subject_access.html", database=database, page=cases, today=today())


@require_GET
def subject_access_export(request: SignedInRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("json", "xlsx"):
        raise Http404("No such format")
    contact = _steward_contact(request, pk)
    services.personal_data_read(
        actor=request.user, contact=contact, how=AccessLog.How.SUBJECT_ACCESS
    )
    data = subject_access.collect(contact)
    if fmt == "json":
        body, kind = subject_access.as_json(data), "application/json"
    else:
        body, kind = subject_access.as_xlsx(data), XLSX
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="subject-access-{contact.pk}.{fmt}"'
    return response


@require_POST
def subject_access_close(request: SignedInRequest, pk: int) -> HttpResponse:
    case = selectors.subject_access_case_get(request.user, pk)
    status = request.POST.get("status", SubjectAccessRequest.Status.ANSWERED)
    with refusal_as_message(request):
        privacy.subject_access_request_close(actor=request.user, case=case, status=status)
        messages.success(request, "Request closed.")
    return redirect("stakeholders:subject_access", pk=case.database_id)


# --- Retention ------------------------------------------------------------------------------


@require_GET
def review_queue(request: SignedInRequest, pk: int) -> HttpResponse:
    database = _steward_database(request, pk)
    page = paginate(request, selectors.review_queue(database), selectors.PAGE_SIZE)
    return _page(request, "review_queue.html", database=database, page=page, form=KeepForm())


@require_POST
def retention_keep(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = _steward_contact(request, pk)
    form = KeepForm(request.POST)
    reason = form.cleaned_data["kept_reason"] if form.is_valid() else ""
    with refusal_as_message(request):
        privacy.retention_keep(actor=request.user, contact=contact, reason=reason)
        messages.success(request, f"{contact.name} kept: their retention period starts again.")
    return redirect("stakeholders:review_queue", pk=contact.database_id)


@require_POST
def contact_anonymise(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = _steward_contact(request, pk)
    with refusal_as_message(request):
        privacy.contact_anonymise(
            actor=request.user, contact=contact, reason=Erasure.Reason.STEWARD
        )
        messages.success(request, "The contact was anonymised.")
    return redirect("stakeholders:review_queue", pk=contact.database_id)


@require_http_methods(["GET", "POST"])
def retention_rules(request: SignedInRequest, pk: int) -> HttpResponse:
    database = _steward_database(request, pk)
    form = RetentionRuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            privacy.retention_rule_set(actor=request.user, database=database, **form.cleaned_data)
            messages.success(request, "Retention period saved; contacts of that kind rescheduled.")
            return redirect("stakeholders:retention_rules", pk=database.pk)
        messages.error(request, "Enter whole numbers: months from 1 to 240, days from 1 to 365.")
    rules = selectors.retention_rules(database)
    return _page(request, "retention_rules.html", database=database, rules=rules)


# --- Privacy notices ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notice_queue(request: SignedInRequest, pk: int) -> HttpResponse:
    database = _steward_database(request, pk)
    queue = selectors.notice_queue(database)
    form = NoticeSentForm(
        request.POST if request.method == "POST" else None,
        database=database,
        initial={"sent_on": today()},
    )
    if request.method == "POST" and form.is_valid():
        chosen = queue.filter(pk__in=request.POST.getlist("contacts"))
        with errors_on(form):
            count = services.privacy_notice_given(
                actor=request.user,
                contacts=list(chosen),
                notice=form.cleaned_data["notice"],
                on=form.cleaned_data["sent_on"],
            )
            messages.success(request, f"Recorded the notice as sent to {count} contact(s).")
            return redirect("stakeholders:notice_queue", pk=database.pk)
    page = paginate(request, queue, selectors.PAGE_SIZE)
    context = {"database": database, "page": page, "form": form, "today": today()}
    return _page(request, "notice_queue.html", **context)


@require_GET
def notice_merge(request: SignedInRequest, pk: int) -> HttpResponse:
    """The queue as a mail-merge file: name, email (if they may be emailed), address (if they
    may be written to) and the notice's text. Contacts marked "do not contact" are kept, marked,
    for the data steward to decide how the notice reaches them (UK GDPR art 14(5))."""
    database = _steward_database(request, pk)
    notice = database.privacy_notices.first()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "address", "due_by", "do_not_contact", "notice_text"])
    queue = list(selectors.notice_queue(database))
    # The steward's need to know was checked above: one write logs every read.
    AccessLog.objects.bulk_create(
        AccessLog(database=database, contact_id=c.pk, user=request.user, how=AccessLog.How.EXPORT)
        for c in queue
    )
    for contact in queue:
        writer.writerow(
            [
                contact.name,
                contact.email if contact.by_email else "",
                contact.address if contact.by_post else "",
                contact.notice_due_on.isoformat() if contact.notice_due_on else "",
                "yes" if contact.do_not_contact else "",
                notice.text if notice else "",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="privacy-notice-merge.csv"'
    return response


@require_http_methods(["GET", "POST"])
def notice_create(request: SignedInRequest, pk: int) -> HttpResponse:
    database = _steward_database(request, pk)
    form = PrivacyNoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.privacy_notice_create(
                actor=request.user, database=database, **form.cleaned_data
            )
            messages.success(request, "Privacy notice version added.")
            return redirect("stakeholders:notice_queue", pk=database.pk)
    context = {
        "nav_section": NAV,
        "form": form,
        "title": "Add a privacy notice version",
        "back": database.get_absolute_url(),
        "caption": str(database),
    }
    return render(request, "stakeholders/form.html", context)
