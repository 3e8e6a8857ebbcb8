"""'You said, we did' on a plan's public page: approved for the public first, as updates are,
by a manager or a named publisher who can read the register; shown while the activity is
completed and linked to the plan or to an action on the page."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from plantrack.engagement import services as engagement
from plantrack.plans.models import Plan
from plantrack.public import selectors, services
from plantrack.public.models import PublicOutcome
from plantrack.public.tests.conftest import DID, PUBLIC_DID, PUBLIC_SAID, SAID

pytestmark = pytest.mark.django_db

PLAN_URL = "/public/plans/youth-strategy/"


def _publish(outcomes, outcome=None, actor=None, **text) -> PublicOutcome:
    world = outcomes.published.world
    text = {"you_said": PUBLIC_SAID, "we_did": PUBLIC_DID} | text
    return services.outcome_publish(
        actor=actor or world.manager, plan=world.plan, outcome=outcome or outcomes.outcome, **text
    )


def _shown(plan: Plan) -> list[tuple[str, str, str]]:
    return [
        (row.activity, row.you_said, row.we_did)
        for row in selectors.public_plan_content(plan).you_said_we_did
    ]


def _never_the_registers_words(body: str) -> None:
    for secret in ("Joan Patel", "07700 900456", "PC Dawes", SAID, DID):
        assert secret not in body, secret


# --- The services ---------------------------------------------------------------------------


def test_a_manager_publishes_the_registers_words_edited_and_it_is_audited(outcomes):
    world = outcomes.published.world
    assert _shown(world.plan) == []
    decision = _publish(outcomes, activity_title="Youth forum on street safety")
    assert decision.state == PublicOutcome.State.PUBLISHED and decision.decided_by == world.manager
    assert decision.published_at is not None and decision.reason == ""
    assert _shown(world.plan) == [("Youth forum on street safety", PUBLIC_SAID, PUBLIC_DID)]
    row = decision.history.get()
    assert row.history_user == world.manager and row.history_type == "+"
    assert row.you_said == PUBLIC_SAID


def test_the_activitys_title_is_taken_as_it_stands_unless_given(outcomes):
    decision = _publish(outcomes)
    assert decision.activity_title == "Youth forum"


def test_a_named_publisher_who_reads_the_register_publishes_and_others_cannot(outcomes):
    published, world = outcomes.published, outcomes.published.world
    for someone in (world.owner, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            _publish(outcomes, actor=someone)
    services.publication_set_publishers(
        actor=world.manager,
        publication=published.publication,
        publishers=[world.owner, world.viewer],
    )
    # The viewer may publish updates but cannot read the register: no decision without
    # reading what is decided on.
    with pytest.raises(PermissionDenied, match="read the activity"):
        _publish(outcomes, actor=world.viewer)
    with pytest.raises(PermissionDenied, match="read the activity"):
        services.outcome_keep_internal(
            actor=world.viewer, plan=world.plan, outcome=outcomes.outcome
        )
    decision = _publish(outcomes, actor=world.owner)  # the forum's owner reads it
    assert decision.decided_by == world.owner
    assert not PublicOutcome.objects.exclude(pk=decision.pk).exists()


def test_only_a_completed_activity_linked_to_the_plan_or_a_shown_action(outcomes):
    world = outcomes.published.world
    with pytest.raises(ValidationError, match="completed activity linked"):
        _publish(outcomes, outcome=outcomes.running)
    _publish(outcomes, outcome=outcomes.via_action)  # linked to the owner's action
    engagement.activity_update(actor=world.manager, activity=outcomes.forum, plans=[])
    with pytest.raises(ValidationError, match="completed activity linked"):
        _publish(outcomes)
    engagement.activity_update(
        actor=world.manager, activity=outcomes.forum, actions=[world.other_action]
    )
    services.action_withhold(actor=world.manager, action=world.other_action, reason="Sensitive")
    with pytest.raises(ValidationError, match="completed activity linked"):
        _publish(outcomes)  # linked to an action withheld from the page
    assert PublicOutcome.objects.count() == 1


def test_refused_on_a_plan_not_published_and_the_text_must_be_written(outcomes):
    world = outcomes.published.world
    with pytest.raises(ValidationError) as refused:
        _publish(outcomes, you_said=" ", we_did="")
    assert set(refused.value.message_dict) == {"you_said", "we_did"}
    services.plan_unpublish(actor=world.manager, plan=world.plan, reason="Review")
    with pytest.raises(ValidationError, match="not published"):
        _publish(outcomes)
    assert not PublicOutcome.objects.exists()


def test_withdrawn_with_a_reason_and_published_again_in_the_same_row(outcomes):
    world = outcomes.published.world
    decision = _publish(outcomes)
    with pytest.raises(ValidationError, match="Say why"):
        services.outcome_withdraw(actor=world.manager, public_outcome=decision, reason=" ")
    with pytest.raises(PermissionDenied):
        services.outcome_withdraw(actor=world.owner, public_outcome=decision, reason="Names")
    withdrawn = services.outcome_withdraw(
        actor=world.manager, public_outcome=decision, reason="Names a resident"
    )
    assert withdrawn.state == PublicOutcome.State.WITHDRAWN and _shown(world.plan) == []
    with pytest.raises(ValidationError, match="not published"):
        services.outcome_withdraw(actor=world.manager, public_outcome=withdrawn, reason="Again")
    again = _publish(outcomes, we_did="Lights went up in the park.")
    assert again.pk == decision.pk and again.reason == ""
    assert again.published_at == decision.published_at  # when it first went out
    assert _shown(world.plan) == [("Youth forum", PUBLIC_SAID, "Lights went up in the park.")]
    states = [h.state for h in again.history.order_by("history_date")]
    assert states == ["published", "withdrawn", "published"]
    assert [h.history_user for h in again.history.order_by("history_date")][1] == world.manager


def test_a_publisher_who_cannot_read_the_register_may_still_withdraw(outcomes):
    published, world = outcomes.published, outcomes.published.world
    decision = _publish(outcomes)
    services.publication_set_publishers(
        actor=world.manager, publication=published.publication, publishers=[world.viewer]
    )
    withdrawn = services.outcome_withdraw(
        actor=world.viewer, public_outcome=decision, reason="Not ours to publish"
    )
    assert withdrawn.decided_by == world.viewer


def test_kept_internal_leaves_the_waiting_list_and_a_published_one_is_withdrawn_instead(
    outcomes,
):
    world = outcomes.published.world
    waiting = selectors.outcomes_awaiting_approval(world.manager, world.plan)
    assert {o for o, _ in waiting} == {outcomes.outcome.pk, outcomes.via_action.pk}
    kept = services.outcome_keep_internal(
        actor=world.manager, plan=world.plan, outcome=outcomes.via_action, reason="Names a school"
    )
    assert kept.state == PublicOutcome.State.INTERNAL and kept.reason == "Names a school"
    assert [o for o, _ in waiting.all()] == [outcomes.outcome.pk]
    _publish(outcomes)
    assert not waiting.all().exists()
    with pytest.raises(ValidationError, match="withdraw it instead"):
        services.outcome_keep_internal(
            actor=world.manager, plan=world.plan, outcome=outcomes.outcome
        )


def test_the_waiting_list_is_for_publishers_who_read_the_register_of_live_plans(outcomes):
    published, world = outcomes.published, outcomes.published.world
    services.publication_set_publishers(
        actor=world.manager, publication=published.publication, publishers=[world.viewer]
    )
    assert selectors.outcomes_awaiting_approval(world.manager).count() == 2
    for someone in (world.owner, world.viewer, world.outsider):
        assert not selectors.outcomes_awaiting_approval(someone).exists(), someone
    services.plan_unpublish(actor=world.manager, plan=world.plan, reason="Review")
    assert not selectors.outcomes_awaiting_approval(world.manager).exists()


def test_an_outcome_waits_on_each_plan_it_is_linked_to(outcomes):
    from plantrack.core.tests.factories import make_plan

    world = outcomes.published.world
    other = make_plan(world.manager, world.force, title="Community Charter", visibility="public")
    services.plan_publish(actor=world.manager, plan=other)
    engagement.activity_update(
        actor=world.manager, activity=outcomes.forum, plans=[world.plan, other]
    )
    waiting = selectors.outcomes_waiting(list(selectors.outcomes_awaiting_approval(world.manager)))
    forum = [(row.plan.title) for row in waiting if row.outcome == outcomes.outcome]
    assert sorted(forum) == ["Community Charter", "Youth Strategy"]
    _publish(outcomes)
    assert selectors.public_plan_content(other).you_said_we_did == []


# --- What the public page shows ---------------------------------------------------------------


def test_the_page_shows_it_only_while_completed_and_linked(outcomes):
    world = outcomes.published.world
    _publish(outcomes)
    _publish(outcomes, outcome=outcomes.via_action, activity_title="School visits")
    assert {row[0] for row in _shown(world.plan)} == {"Youth forum", "School visits"}
    # Reopened: it leaves the page; completed again, it is back with its approved text.
    engagement.activity_update(actor=world.manager, activity=outcomes.forum, status="running")
    assert [row[0] for row in _shown(world.plan)] == ["School visits"]
    engagement.activity_update(actor=world.manager, activity=outcomes.forum, status="completed")
    assert {row[0] for row in _shown(world.plan)} == {"Youth forum", "School visits"}
    # Unlinked from the plan; and an action withheld takes the outcome linked to it away.
    engagement.activity_update(actor=world.manager, activity=outcomes.forum, plans=[])
    services.action_withhold(actor=world.manager, action=world.action, reason="Sensitive")
    assert _shown(world.plan) == []


def test_a_withdrawn_or_kept_internal_outcome_is_not_shown(outcomes):
    world = outcomes.published.world
    decision = _publish(outcomes)
    services.outcome_keep_internal(
        actor=world.manager, plan=world.plan, outcome=outcomes.via_action
    )
    services.outcome_withdraw(actor=world.manager, public_outcome=decision, reason="Names")
    assert _shown(world.plan) == []


def test_editing_the_registers_text_leaves_the_public_text_as_approved(outcomes):
    world = outcomes.published.world
    _publish(outcomes)
    engagement.outcome_update(
        actor=world.manager, outcome=outcomes.outcome, we_did="Sgt Bloggs fixed it."
    )
    assert _shown(world.plan) == [("Youth forum", PUBLIC_SAID, PUBLIC_DID)]


def test_the_plans_version_moves_when_what_its_page_shows_of_an_outcome_changes(outcomes):
    world = outcomes.published.world

    def version() -> int:
        return Plan.objects.get(pk=world.plan.pk).version

    steps = [
        lambda: _publish(outcomes),
        lambda: engagement.outcome_update(
            actor=world.manager, outcome=outcomes.outcome, date=outcomes.outcome.date
        ),
        lambda: engagement.activity_update(
            actor=world.manager, activity=outcomes.forum, status="running"
        ),
        lambda: engagement.activity_update(
            actor=world.manager, activity=outcomes.forum, status="completed"
        ),
        lambda: engagement.activity_update(actor=world.manager, activity=outcomes.forum, plans=[]),
        lambda: engagement.outcome_delete(actor=world.manager, outcome=outcomes.outcome),
    ]
    # Another outcome first, so that the completed consultation may lose this one.
    engagement.outcome_record(
        actor=world.manager, activity=outcomes.forum, you_said="a", we_did="b"
    )
    for step in steps:
        before = version()
        step()
        assert version() > before
    assert not PublicOutcome.objects.exists()  # deleted with its outcome


# --- The pages --------------------------------------------------------------------------------


def _decide_url(outcomes, outcome=None) -> str:
    plan = outcomes.published.world.plan
    return reverse("public:outcome_decide", args=[(outcome or outcomes.outcome).pk, plan.pk])


def test_the_approvals_page_lists_what_waits_and_links_to_the_decision(client, outcomes):
    world = outcomes.published.world
    client.force_login(world.manager)
    page = client.get(reverse("public:approvals")).content.decode()
    assert "“You said, we did” waiting for approval" in page
    assert _decide_url(outcomes) in page and _decide_url(outcomes, outcomes.via_action) in page
    assert _decide_url(outcomes, outcomes.running) not in page
    manage = client.get(reverse("public:manage", args=[world.plan.pk])).content.decode()
    assert "and 2 “you said, we did” not yet decided" in manage


def test_approving_through_the_pages_shows_the_edit_signed_out(client, outcomes):
    world = outcomes.published.world
    client.force_login(world.manager)
    url = _decide_url(outcomes)
    form = client.get(url).content.decode()
    assert "Publish this “you said, we did”?" in form
    assert "Joan Patel" in form and "Youth forum" in form  # prefilled with the register's words
    response = client.post(url, {"do": "approve", "activity_title": "Youth forum", "we_did": "x"})
    assert "Write what people said, as the public will read it" in response.content.decode()
    assert not PublicOutcome.objects.exists()
    data = {"do": "approve", "activity_title": "Youth forum on safety"}
    response = client.post(url, data | {"you_said": PUBLIC_SAID, "we_did": PUBLIC_DID})
    assert response.status_code == 302 and response["Location"] == reverse("public:approvals")
    published = client.get(url).content.decode()
    assert "A published “you said, we did”" in published and "Withdraw from the public" in published
    client.logout()
    body = client.get(PLAN_URL).content.decode()
    assert "You said, we did" in body and "Youth forum on safety" in body
    assert PUBLIC_SAID in body and PUBLIC_DID in body
    _never_the_registers_words(body)


def test_withdrawing_through_the_pages_needs_a_reason(client, outcomes):
    world = outcomes.published.world
    _publish(outcomes)
    client.force_login(world.manager)
    url = _decide_url(outcomes)
    assert "Say why" in client.post(url, {"do": "withdraw", "reason": ""}).content.decode()
    assert client.post(url, {"do": "withdraw", "reason": "Names a resident"}).status_code == 302
    assert PublicOutcome.objects.get().state == PublicOutcome.State.WITHDRAWN
    client.logout()
    assert PUBLIC_SAID not in client.get(PLAN_URL).content.decode()


def test_keeping_it_internal_through_the_pages(client, outcomes):
    client.force_login(outcomes.published.world.manager)
    response = client.post(_decide_url(outcomes), {"do": "internal", "reason": "Names"})
    assert response.status_code == 302
    assert PublicOutcome.objects.get().state == PublicOutcome.State.INTERNAL


def test_a_refusal_of_the_service_is_shown_on_the_form(client, outcomes):
    world = outcomes.published.world
    client.force_login(world.manager)
    url = _decide_url(outcomes)
    services.plan_unpublish(actor=world.manager, plan=world.plan, reason="Review")
    data = {"do": "approve", "activity_title": "F", "you_said": "a", "we_did": "b"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This plan is not published" in response.content.decode()


def test_who_may_open_the_decision_page(client, outcomes):
    published, world = outcomes.published, outcomes.published.world
    url = _decide_url(outcomes)
    client.force_login(world.owner)  # a contributor on the plan, the forum's owner
    assert client.get(url).status_code == 403
    assert client.post(url, {"do": "internal"}).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.manager)
    assert client.put(url).status_code == 405
    # Not linked to the plan (a running activity) and not decided on: nothing to decide.
    assert client.get(_decide_url(outcomes, outcomes.running)).status_code == 404
    services.publication_set_publishers(
        actor=world.manager, publication=published.publication, publishers=[world.viewer]
    )
    client.force_login(world.viewer)  # a named publisher who cannot read the register
    assert client.get(url).status_code == 404
    _publish(outcomes)
    page = client.get(url).content.decode()
    assert PUBLIC_SAID in page and "Withdraw from the public" in page
    _never_the_registers_words(page)
    assert (
        client.post(
            url, {"do": "approve", "activity_title": "F", "you_said": "a", "we_did": "b"}
        ).status_code
        == 403
    )
    assert client.post(url, {"do": "withdraw", "reason": "Not ours"}).status_code == 302


def test_the_downloads_hold_what_the_page_shows(client, outcomes):
    _publish(outcomes, activity_title="Youth forum on safety")
    data = json.loads(client.get(PLAN_URL + "data.json").content)
    assert data["you_said_we_did"] == [
        {
            "activity": "Youth forum on safety",
            "you_said": PUBLIC_SAID,
            "we_did": PUBLIC_DID,
            "date": "2026-10-01",
        }
    ]
    csv = client.get(PLAN_URL + "data.csv").content.decode("utf-8-sig")
    assert "You said, we did" in csv and "Youth forum on safety" in csv and PUBLIC_SAID in csv
    for suffix in ("data.csv", "data.json", "feed.atom"):
        _never_the_registers_words(client.get(PLAN_URL + suffix).content.decode("utf-8-sig"))


def test_with_a_real_cache_an_approval_shows_at_once(client, outcomes, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "o"}
    }
    world = outcomes.published.world
    assert PUBLIC_SAID not in client.get(PLAN_URL).content.decode()
    decision = _publish(outcomes)
    assert PUBLIC_SAID in client.get(PLAN_URL).content.decode()
    engagement.activity_update(actor=world.manager, activity=outcomes.forum, status="running")
    assert PUBLIC_SAID not in client.get(PLAN_URL).content.decode()
    engagement.activity_update(actor=world.manager, activity=outcomes.forum, status="completed")
    assert PUBLIC_SAID in client.get(PLAN_URL).content.decode()
    services.outcome_withdraw(actor=world.manager, public_outcome=decision, reason="Names")
    assert PUBLIC_SAID not in client.get(PLAN_URL).content.decode()
