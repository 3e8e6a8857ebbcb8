"""The heat map is cached (assessments/fragments.py) under the versions of the framework's
cycles, the choices, the organisations and the reader's plans: each kind of change shows at
once with a real cache, and every write to a cycle moves its version (cycles._save)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.assessments import cycles
from plantrack.assessments.models import Cycle
from plantrack.core.tests.factories import make_user
from plantrack.directory import services as directory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_cache")]


def _heat_map(client, world, cw) -> str:
    client.force_login(world.manager)
    page = client.get(reverse("assessments:cycle", args=[cw.cycle.pk])).content.decode()
    return page[page.index('id="heat-map"') :]


def _version(cw) -> int:
    return Cycle.objects.get(pk=cw.cycle.pk).version


def test_an_answer_a_review_and_a_rename_show_at_once(client, world, cw):
    first = cw.cycle.framework.items.order_by("position").first()
    assert "Partly in place" not in _heat_map(client, world, cw)
    cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=first, level="partly")
    assert "Partly in place" in _heat_map(client, world, cw)
    cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=first, level="embedded")
    shown = _heat_map(client, world, cw)
    assert "Embedded" in shown and "Partly in place" not in shown
    admin = make_user("admin", is_superuser=True)
    directory.organisation_update(
        actor=admin, organisation=cw.barnet.organisation, name="Barnet Borough"
    )
    assert "Barnet Borough" in _heat_map(client, world, cw)


def test_every_write_to_a_cycle_moves_its_version(world, cw):
    items = list(cw.cycle.framework.items.order_by("position"))
    steps = [
        lambda: cycles.unit_assessors_set(
            actor=world.manager, unit=cw.brent, assessors=[cw.brent_assessor]
        ),
        lambda: cycles.cycle_reviewers_set(
            actor=world.manager, cycle=cw.cycle, reviewers=[cw.reviewer]
        ),
        *[
            (
                lambda item=item: cycles.answer_save(
                    actor=cw.barnet_assessor, unit=cw.barnet, item=item, level="partly"
                )
            )
            for item in items
        ],
        lambda: cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet),
        lambda: cycles.answer_review(
            actor=cw.reviewer,
            answer=cw.barnet.answers.get(item=items[0]),
            decision="challenge",
            text="Evidence?",
        ),
        lambda: cycles.answer_reply(
            actor=cw.barnet_assessor, answer=cw.barnet.answers.get(item=items[0]), text="Here"
        ),
        lambda: cycles.cycle_close(actor=world.manager, cycle=cw.cycle),
    ]
    for step in steps:
        before = _version(cw)
        step()
        assert _version(cw) > before, step


def test_a_return_s_cached_rows_follow_answers_evidence_reviews_and_the_reader(client, world, cw):
    """The return's rows are cached (fragments.return_rows): an answer, a piece of evidence,
    its removal and a review show at once, and each reader sees their own controls."""
    from plantrack.evidence.models import Evidence
    from plantrack.evidence.services import evidence_attach_link, evidence_remove

    url = reverse("assessments:unit", args=[cw.barnet.pk])

    def page(user) -> str:
        client.force_login(user)
        return client.get(url).content.decode()

    items = list(cw.cycle.framework.items.order_by("position"))
    assert "0 of 3 items answered" in page(cw.barnet_assessor)
    answers = [
        cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=item, level="in_place")
        for item in items
    ]
    assert "3 of 3 items answered" in page(cw.barnet_assessor)
    evidence_attach_link(
        actor=cw.barnet_assessor, target=answers[0], url="https://example.org/r", title="Rota"
    )
    assert "Rota" in page(cw.barnet_assessor)
    evidence_remove(actor=cw.barnet_assessor, evidence=Evidence.objects.get(title="Rota"))
    assert "Rota" not in page(cw.barnet_assessor)
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    reviewing = page(cw.reviewer)
    assert "Record the review" in reviewing and 'value="@@CSRF@@"' not in reviewing
    assert "Record the review" not in page(cw.barnet_assessor)
    cycles.answer_review(
        actor=cw.reviewer, answer=answers[1], decision="challenge", text="Which slides?"
    )
    challenged = page(cw.barnet_assessor)
    assert "Challenged:" in challenged and "Which slides?" in challenged
