"""The data steward's and contact manager's lists take the same number of queries for 3 rows
as for 30: the retention review, the privacy-notice queue, subject-access cases, the erasure
and access logs, the lists, a list's members and mailing, and the probable duplicates."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from plantrack.stakeholders import duplicates, privacy, services
from plantrack.stakeholders.models import AccessLog, Contact, Erasure, List, Role
from plantrack.stakeholders.tests.test_query_counts import FEW, MANY, _counts, _page

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def _people(sh, n: int, **fields) -> list[Contact]:
    made = [
        Contact(database=sh.database, name=f"Person {k} Q{k}", email=f"p{k}@example.org", **fields)
        for k in (next(_seq) for _ in range(n))
    ]
    for contact in made:
        duplicates.set_keys(contact)
    added = Contact.objects.bulk_create(made)
    Role.objects.bulk_create(Role(stakeholder=sh.batca, title="Member", contact=c) for c in added)
    return added


def _growing(sh, make):
    """grow(total): make rows until there are ``total`` of them (made by ``make(sh, n)``)."""
    made: list = []

    def grow(total: int) -> None:
        made.extend(make(sh, total - len(made)))

    return grow


def _assert_flat(client, sh, url, make):
    client.force_login(sh.steward)
    few, many = _counts(_growing(sh, make), _page(client, url))
    assert few == many


def test_the_retention_review(client, sh):
    make = lambda sh, n: _people(  # noqa: E731
        sh, n, state=Contact.State.REVIEW, anonymise_on=dt.date(2027, 1, 1)
    )
    _assert_flat(client, sh, reverse("stakeholders:review_queue", args=[sh.database.pk]), make)


def test_the_privacy_notice_queue(client, sh):
    make = lambda sh, n: _people(sh, n, notice_due_on=dt.date(2027, 1, 1))  # noqa: E731
    _assert_flat(client, sh, reverse("stakeholders:notice_queue", args=[sh.database.pk]), make)


def test_the_subject_access_cases(client, sh):
    def make(sh, n):
        return [
            privacy.subject_access_request_open(
                actor=sh.steward, contact=c, received_on=dt.date(2026, 11, 1)
            )
            for c in _people(sh, n)
        ]

    _assert_flat(client, sh, reverse("stakeholders:subject_access", args=[sh.database.pk]), make)


def test_the_erasure_and_access_logs(client, sh):
    def erasures(sh, n):
        return Erasure.objects.bulk_create(
            Erasure(database=sh.database, contact_id=next(_seq), erased_by=sh.steward)
            for _ in range(n)
        )

    def reads(sh, n):
        return AccessLog.objects.bulk_create(
            AccessLog(database=sh.database, contact_id=next(_seq), user=sh.steward, how="page")
            for _ in range(n)
        )

    _assert_flat(client, sh, reverse("stakeholders:erasures", args=[sh.database.pk]), erasures)
    _assert_flat(client, sh, reverse("stakeholders:access_log", args=[sh.database.pk]), reads)


def test_the_lists_and_a_lists_members(client, sh):
    def lists(sh, n):
        return [
            services.contact_list_create(
                actor=sh.steward, database=sh.database, name=f"List {next(_seq)}"
            )
            for _ in range(n)
        ]

    _assert_flat(client, sh, reverse("stakeholders:lists", args=[sh.database.pk]), lists)
    news = services.contact_list_create(actor=sh.steward, database=sh.database, name="News")

    def members(sh, n):
        added = _people(sh, n)
        news.contacts.add(*added)
        return added

    _assert_flat(client, sh, reverse("stakeholders:list", args=[news.pk]), members)
    assert List.objects.filter(database=sh.database).count() == MANY + 1


def test_the_probable_duplicates(client, sh):
    def pairs(sh, n):
        made = []
        for _ in range(n):
            k = next(_seq)
            for name in (f"Dup {k} Twin", f"Twin, Dup {k}"):
                made.append(
                    services.contact_create(
                        actor=sh.steward,
                        database=sh.database,
                        name=name,
                        email=f"dup{k}@example.org",
                    )
                )
        return made[: n * 2]

    _assert_flat(client, sh, reverse("stakeholders:duplicates", args=[sh.database.pk]), pairs)


def test_the_mail_merge_file_logs_each_person_in_one_write(client, sh):
    url = reverse("stakeholders:notice_merge", args=[sh.database.pk])

    def make(sh, n):
        return _people(sh, n, notice_due_on=dt.date(2027, 1, 1))

    client.force_login(sh.steward)
    grow = _growing(sh, make)
    grow(FEW)
    before = AccessLog.objects.count()
    text = client.get(url).content.decode()
    assert text.count("@example.org") == FEW and "notice_text" in text
    assert AccessLog.objects.count() - before == FEW
    _assert_flat(client, sh, url, make)
