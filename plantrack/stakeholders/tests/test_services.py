from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plantrack.core.tests.factories import make_org
from plantrack.engagement import services as engagement
from plantrack.stakeholders import selectors, services
from plantrack.stakeholders.models import (
    AccessLog,
    Basis,
    Contact,
    ContactKind,
    Database,
    DatabaseRole,
    FollowUp,
    Interaction,
    List,
    Rating,
    Role,
    Stakeholder,
)
from plantrack.stakeholders.tests.conftest import days_ago

pytestmark = pytest.mark.django_db

STEWARD = DatabaseRole.Role.DATA_STEWARD
MANAGER = DatabaseRole.Role.CONTACT_MANAGER


def _other_database(world):
    """Another force's stakeholder database, opened by the outsider, with one contact and one
    stakeholder of its own."""
    database = services.database_create(actor=world.outsider, organisation=world.other_force)
    contact = services.contact_create(
        actor=world.outsider, database=database, name="Elsewhere Person", email="e@example.org"
    )
    stakeholder = services.stakeholder_create(
        actor=world.outsider, database=database, organisation=make_org("Elsewhere Trust")
    )
    return database, contact, stakeholder


def _log(sh, *, days: int, contacts=(), stakeholder=None, actor=None, **fields) -> Interaction:
    return services.interaction_log(
        actor=actor or sh.steward,
        database=sh.database,
        stakeholder=sh.batca if stakeholder is None else stakeholder,
        date=days_ago(days),
        summary=fields.pop("summary", f"Met {days} days ago"),
        contacts=contacts,
        **fields,
    )


# --- The database and its roles -------------------------------------------------------------


def test_creator_is_steward_and_contact_manager_with_default_purposes_and_retention(world, sh):
    roles = set(
        DatabaseRole.objects.filter(database=sh.database, user=sh.steward).values_list(
            "role", flat=True
        )
    )
    assert roles == {STEWARD, MANAGER}
    access = selectors.database_access(sh.steward, sh.database)
    assert access.is_steward and access.is_manager and access.can_edit
    purposes = {p.name: p.default_basis for p in sh.database.purposes.all()}
    assert purposes == {"Community engagement": "public_task", "Newsletter": "consent"}
    rules = {r.kind: r.months for r in sh.database.retention.all()}
    assert set(rules) == set(ContactKind.values)
    assert rules[ContactKind.RESIDENT] == 24 and rules[ContactKind.ELECTED] == 48
    # Nobody else was given a role.
    assert set(DatabaseRole.objects.values_list("user_id", flat=True)) == {sh.steward.pk}


def test_a_second_database_for_the_same_organisation_is_refused(world, sh):
    for actor in (sh.steward, sh.member, sh.admin):
        with pytest.raises(ValidationError):
            services.database_create(actor=actor, organisation=world.force)
    assert Database.objects.filter(organisation=world.force).count() == 1


def test_only_members_of_the_organisation_open_its_database(world, sh):
    other = make_org("Kingston Council")
    # The owner keeps a relationship in the force's database but belongs to no organisation.
    for actor in (sh.outsider, sh.owner):
        with pytest.raises(PermissionDenied):
            services.database_create(actor=actor, organisation=other)
    assert not Database.objects.filter(organisation=other).exists()
    # The outsider opens one for their own force; a site admin for any organisation.
    mine = services.database_create(actor=sh.outsider, organisation=world.other_force)
    assert selectors.database_access(sh.outsider, mine).is_steward
    services.database_create(actor=sh.admin, organisation=other)
    assert Database.objects.filter(organisation=other).exists()


def test_the_last_data_steward_cannot_be_removed(world, sh):
    with pytest.raises(ValidationError):
        services.database_role_remove(
            actor=sh.steward, database=sh.database, user=sh.steward, role=STEWARD
        )
    assert selectors.database_access(sh.steward, sh.database).is_steward
    services.database_role_add(actor=sh.steward, database=sh.database, user=sh.member, role=STEWARD)
    services.database_role_remove(
        actor=sh.member, database=sh.database, user=sh.steward, role=STEWARD
    )
    access = selectors.database_access(sh.steward, sh.database)
    assert not access.is_steward and access.is_manager
    # Now the member is the last one.
    with pytest.raises(ValidationError):
        services.database_role_remove(
            actor=sh.member, database=sh.database, user=sh.member, role=STEWARD
        )


def test_only_stewards_and_site_admins_give_and_take_roles(world, sh):
    services.database_role_add(actor=sh.steward, database=sh.database, user=sh.member, role=MANAGER)
    # A contact manager, a relationship owner and an outsider give no roles.
    for actor in (sh.member, sh.owner, sh.outsider):
        with pytest.raises(PermissionDenied):
            services.database_role_add(
                actor=actor, database=sh.database, user=sh.owner, role=MANAGER
            )
        with pytest.raises(PermissionDenied):
            services.database_role_remove(
                actor=actor, database=sh.database, user=sh.steward, role=MANAGER
            )
    assert not DatabaseRole.objects.filter(user=sh.owner).exists()
    assert DatabaseRole.objects.filter(user=sh.steward, role=MANAGER).exists()
    # A site admin, without a role of their own, may.
    services.database_role_add(actor=sh.admin, database=sh.database, user=sh.owner, role=MANAGER)
    assert selectors.database_access(sh.owner, sh.database).can_edit
    services.database_role_remove(actor=sh.admin, database=sh.database, user=sh.owner, role=MANAGER)
    assert not selectors.database_access(sh.owner, sh.database).can_edit


def test_writes_are_for_contact_managers_and_stewards(world, sh):
    """Members, relationship owners and site admins without a role read but do not write."""
    for actor in (sh.member, sh.owner, sh.admin, sh.outsider):
        with pytest.raises(PermissionDenied):
            services.stakeholder_create(actor=actor, database=sh.database, organisation=make_org())
        with pytest.raises(PermissionDenied):
            services.contact_create(actor=actor, database=sh.database, name="Not added")
        with pytest.raises(PermissionDenied):
            services.stakeholder_update(actor=actor, stakeholder=sh.batca, notes="No")
    assert Stakeholder.objects.count() == 2
    assert not Contact.objects.filter(name="Not added").exists()
    assert Stakeholder.objects.get(pk=sh.batca.pk).notes == ""


# --- Stakeholders ---------------------------------------------------------------------------


def test_an_organisation_is_a_stakeholder_of_a_database_once(world, sh):
    with pytest.raises(ValidationError):
        services.stakeholder_create(
            actor=sh.steward, database=sh.database, organisation=sh.batca_org
        )
    assert Stakeholder.objects.filter(organisation=sh.batca_org).count() == 1


def test_contact_due_on_follows_the_frequency_and_the_last_contact(world, sh):
    today = timezone.localdate()
    # Never contacted: due the day the frequency is set; no frequency, never due.
    assert sh.batca.contact_due_on == today
    assert sh.rnid.contact_due_on is None
    _log(sh, days=10)
    sh.batca.refresh_from_db()
    assert sh.batca.last_contact_on == days_ago(10)
    assert sh.batca.contact_due_on == days_ago(10) + dt.timedelta(days=30)
    assert not selectors.contact_overdue(sh.batca, today)

    services.stakeholder_update(actor=sh.steward, stakeholder=sh.batca, contact_every_days=7)
    sh.batca.refresh_from_db()
    assert sh.batca.contact_due_on == days_ago(3)
    assert selectors.contact_overdue(sh.batca, today)

    services.stakeholder_update(actor=sh.steward, stakeholder=sh.batca, contact_every_days=None)
    sh.batca.refresh_from_db()
    assert sh.batca.contact_due_on is None and not selectors.contact_overdue(sh.batca, today)

    services.stakeholder_update(actor=sh.steward, stakeholder=sh.rnid, contact_every_days=90)
    sh.rnid.refresh_from_db()
    assert sh.rnid.contact_due_on == today


def test_editing_a_never_contacted_stakeholder_leaves_it_overdue(world, sh, monkeypatch):
    """Added 60 days ago to be contacted monthly and never contacted: overdue. Changing its
    notes (or anything but the frequency) is no contact and must not move the day it was due."""
    monkeypatch.setattr(services, "today", lambda: days_ago(60))
    added = services.stakeholder_create(
        actor=sh.steward,
        database=sh.database,
        organisation=make_org("Chessington schools cluster"),
        contact_every_days=30,
    )
    monkeypatch.undo()
    assert added.contact_due_on == days_ago(60)
    assert selectors.contact_overdue(added, timezone.localdate())

    services.stakeholder_update(actor=sh.steward, stakeholder=added, notes="Met the head")
    added.refresh_from_db()
    assert added.contact_due_on == days_ago(60)
    assert selectors.contact_overdue(added, timezone.localdate())


def test_ratings_are_kept_and_the_latest_is_on_the_stakeholder(world, sh):
    first = services.stakeholder_rate(
        actor=sh.steward, stakeholder=sh.batca, influence=3, interest=2, rated_on=days_ago(30)
    )
    services.stakeholder_rate(
        actor=sh.steward,
        stakeholder=sh.batca,
        influence=1,
        interest=1,
        rated_on=days_ago(1),
        reason="New committee",
    )
    batca = Stakeholder.objects.get(pk=sh.batca.pk)
    assert (batca.influence, batca.interest) == (1, 1)
    # An assessment entered late, for an earlier day, joins the history but is not the latest.
    services.stakeholder_rate(
        actor=sh.steward, stakeholder=sh.batca, influence=2, interest=3, rated_on=days_ago(90)
    )
    batca = Stakeholder.objects.get(pk=sh.batca.pk)
    assert (batca.influence, batca.interest) == (1, 1)
    history = list(selectors.rating_history(batca))
    assert [r.rated_on for r in history] == [days_ago(1), days_ago(30), days_ago(90)]
    assert Rating.objects.get(pk=first.pk).influence == 3
    assert history[0].rated_by == sh.steward and history[0].reason == "New committee"
    with pytest.raises(PermissionDenied):
        services.stakeholder_rate(
            actor=sh.owner, stakeholder=sh.batca, influence=3, interest=3, rated_on=days_ago(0)
        )
    assert Rating.objects.filter(stakeholder=sh.batca).count() == 3


# --- Contacts -------------------------------------------------------------------------------


def test_contact_email_is_kept_lower_case(world, sh):
    contact = services.contact_create(
        actor=sh.steward, database=sh.database, name="  Pat Partner ", email=" Pat@Example.ORG "
    )
    contact.refresh_from_db()
    assert contact.email == "pat@example.org" and contact.name == "Pat Partner"
    services.contact_update(actor=sh.steward, contact=contact, email="PAT.P@Example.org")
    assert Contact.objects.get(pk=contact.pk).email == "pat.p@example.org"


def test_a_contact_from_a_third_party_list_is_owed_the_notice_within_30_days(world, sh):
    received = services.contact_create(
        actor=sh.steward,
        database=sh.database,
        name="From a list",
        from_third_party=True,
        received_on=days_ago(5),
    )
    assert received.notice_due_on == days_ago(5) + dt.timedelta(days=30)
    today = services.contact_create(
        actor=sh.steward, database=sh.database, name="Today", from_third_party=True
    )
    assert today.notice_due_on == timezone.localdate() + dt.timedelta(days=30)
    own = services.contact_create(actor=sh.steward, database=sh.database, name="Met them")
    assert own.notice_due_on is None
    assert Contact.objects.get(pk=received.pk).notice_due_on == days_ago(5) + dt.timedelta(30)


def test_a_changed_email_clears_the_bounce(world, sh):
    services.contact_update(actor=sh.steward, contact=sh.chair, email_bounced_on=days_ago(3))
    # The same address, however written, has still bounced.
    services.contact_update(actor=sh.steward, contact=sh.chair, email="Sam.Madeup@Example.org")
    assert Contact.objects.get(pk=sh.chair.pk).email_bounced_on == days_ago(3)
    services.contact_update(actor=sh.steward, contact=sh.chair, email="sam@example.net")
    chair = Contact.objects.get(pk=sh.chair.pk)
    assert chair.email == "sam@example.net" and chair.email_bounced_on is None


def test_an_anonymised_contact_cannot_be_changed(world, sh):
    Contact.objects.filter(pk=sh.officer.pk).update(state=Contact.State.ANONYMISED)
    sh.officer.refresh_from_db()
    with pytest.raises(ValidationError):
        services.contact_update(actor=sh.steward, contact=sh.officer, name="Someone")
    assert Contact.objects.get(pk=sh.officer.pk).name == "Morgan Specimen"


def test_personal_data_read_needs_a_need_to_know_and_logs_each_read(world, sh):
    how = AccessLog.How.PAGE
    # A member of the organisation without a role, a site admin without one, an outsider, and
    # the relationship owner of BATCA reading RNID's officer: refused, and nothing logged.
    for actor, contact in (
        (sh.member, sh.chair),
        (sh.admin, sh.chair),
        (sh.outsider, sh.chair),
        (sh.owner, sh.officer),
    ):
        with pytest.raises(PermissionDenied):
            services.personal_data_read(actor=actor, contact=contact, how=how)
    assert not AccessLog.objects.exists()

    services.database_role_add(actor=sh.steward, database=sh.database, user=sh.member, role=MANAGER)
    services.personal_data_read(actor=sh.steward, contact=sh.officer, how=how)
    services.personal_data_read(actor=sh.member, contact=sh.chair, how=AccessLog.How.EXPORT)
    # The relationship owner of BATCA, where the chair holds a role.
    services.personal_data_read(actor=sh.owner, contact=sh.chair, how=how)
    services.personal_data_read(actor=sh.owner, contact=sh.chair, how=how)
    rows = list(
        AccessLog.objects.order_by("id").values_list("user_id", "contact_id", "how", "database_id")
    )
    assert rows == [
        (sh.steward.pk, sh.officer.pk, "page", sh.database.pk),
        (sh.member.pk, sh.chair.pk, "export", sh.database.pk),
        (sh.owner.pk, sh.chair.pk, "page", sh.database.pk),
        (sh.owner.pk, sh.chair.pk, "page", sh.database.pk),
    ]


def test_the_relationship_owner_loses_the_need_to_know_when_the_role_changes_hands(world, sh):
    services.stakeholder_role_update(actor=sh.steward, role=sh.chair_role, contact=None)
    with pytest.raises(PermissionDenied):
        services.personal_data_read(actor=sh.owner, contact=sh.chair, how=AccessLog.How.PAGE)
    assert not AccessLog.objects.exists()


# --- Roles held at stakeholders -------------------------------------------------------------


def test_handing_a_role_to_another_contact_keeps_the_role_and_its_history(world, sh):
    successor = services.contact_create(
        actor=sh.steward, database=sh.database, name="Alex Notreal", kind="representative"
    )
    before = Role.objects.filter(stakeholder=sh.batca).count()
    services.stakeholder_role_update(
        actor=sh.steward, role=sh.chair_role, contact=successor, since=days_ago(2)
    )
    role = Role.objects.get(pk=sh.chair_role.pk)
    assert role.contact == successor and role.title == "Chair" and role.main
    assert Role.objects.filter(stakeholder=sh.batca).count() == before
    # The contact point stays; the old holder is in its audit history, and is still a contact.
    holders = list(role.history.order_by("history_date", "history_id").values_list("contact_id"))
    assert holders == [(sh.chair.pk,), (successor.pk,)]
    assert role.history.latest("history_date").history_user == sh.steward
    assert Contact.objects.filter(pk=sh.chair.pk, state=Contact.State.ACTIVE).exists()


def test_a_role_is_held_by_a_contact_of_the_same_database(world, sh):
    _, foreign, _ = _other_database(world)
    with pytest.raises(ValidationError):
        services.stakeholder_role_update(actor=sh.steward, role=sh.chair_role, contact=foreign)
    with pytest.raises(ValidationError):
        services.stakeholder_role_create(
            actor=sh.steward, stakeholder=sh.batca, title="Treasurer", contact=foreign
        )
    assert Role.objects.get(pk=sh.chair_role.pk).contact == sh.chair
    assert not Role.objects.filter(title="Treasurer").exists()


# --- Interactions ---------------------------------------------------------------------------


def test_logging_an_interaction_refreshes_the_last_contact(world, sh):
    _log(sh, days=10, contacts=[sh.chair])
    batca = Stakeholder.objects.get(pk=sh.batca.pk)
    assert batca.last_contact_on == days_ago(10)
    assert batca.contact_due_on == days_ago(10) + dt.timedelta(days=30)
    assert Contact.objects.get(pk=sh.chair.pk).last_interaction_on == days_ago(10)
    # An older meeting entered late does not move it back; a newer one moves it on.
    _log(sh, days=40, contacts=[sh.chair])
    assert Stakeholder.objects.get(pk=sh.batca.pk).last_contact_on == days_ago(10)
    assert Contact.objects.get(pk=sh.chair.pk).last_interaction_on == days_ago(10)
    _log(sh, days=2, contacts=[sh.chair])
    batca = Stakeholder.objects.get(pk=sh.batca.pk)
    assert batca.last_contact_on == days_ago(2)
    assert batca.contact_due_on == days_ago(2) + dt.timedelta(days=30)
    assert Contact.objects.get(pk=sh.chair.pk).last_interaction_on == days_ago(2)
    # A contact who was not there keeps theirs.
    assert Contact.objects.get(pk=sh.officer.pk).last_interaction_on is None


def test_an_interaction_with_contacts_alone_refreshes_them(world, sh):
    interaction = services.interaction_log(
        actor=sh.steward,
        database=sh.database,
        date=days_ago(4),
        summary="Call",
        kind=Interaction.Kind.CALL,
        contacts=[sh.officer],
    )
    assert interaction.stakeholder is None
    assert Contact.objects.get(pk=sh.officer.pk).last_interaction_on == days_ago(4)


def test_an_interaction_refuses_other_databases_hidden_activities_and_no_one(world, sh):
    _, foreign_contact, foreign_stakeholder = _other_database(world)
    hidden_register = engagement.register_create(
        actor=world.outsider, organisation=world.other_force, title="Their register"
    )
    hidden = engagement.activity_create(
        actor=world.outsider, register=hidden_register, title="Their activity"
    )
    with pytest.raises(ValidationError):
        _log(sh, days=1, contacts=[sh.chair, foreign_contact])
    with pytest.raises(ValidationError):
        _log(sh, days=1, stakeholder=foreign_stakeholder)
    with pytest.raises(ValidationError):
        _log(sh, days=1, contacts=[sh.chair], activity=hidden)
    with pytest.raises(ValidationError):
        services.interaction_log(
            actor=sh.steward, database=sh.database, date=days_ago(1), summary="With whom?"
        )
    assert not Interaction.objects.filter(database=sh.database).exists()
    assert Contact.objects.get(pk=sh.chair.pk).last_interaction_on is None
    # An activity of a register the actor reads is fine.
    register = engagement.register_create(
        actor=sh.steward, organisation=world.force, title="Our register"
    )
    ours = engagement.activity_create(actor=sh.steward, register=register, title="Deaf link")
    assert _log(sh, days=1, contacts=[sh.chair], activity=ours).activity == ours


def test_a_relationship_owner_logs_for_their_stakeholder_only(world, sh):
    mine = _log(sh, days=3, contacts=[sh.chair], actor=sh.owner, staff=[world.owner_person])
    assert mine.recorded_by == sh.owner and list(mine.staff.all()) == [world.owner_person]
    assert Stakeholder.objects.get(pk=sh.batca.pk).last_contact_on == days_ago(3)
    with pytest.raises(PermissionDenied):
        _log(sh, days=3, stakeholder=sh.rnid, actor=sh.owner)
    with pytest.raises(PermissionDenied):
        services.interaction_log(
            actor=sh.owner,
            database=sh.database,
            date=days_ago(3),
            summary="Contacts alone",
            contacts=[sh.chair],
        )
    for actor in (sh.member, sh.admin):
        with pytest.raises(PermissionDenied):
            _log(sh, days=3, actor=actor)
    assert Interaction.objects.count() == 1


def test_deleting_an_interaction_recomputes_the_last_contact(world, sh):
    older = _log(sh, days=20, contacts=[sh.chair])
    newer = _log(sh, days=5, contacts=[sh.chair])
    services.interaction_delete(actor=sh.steward, interaction=newer)
    batca = Stakeholder.objects.get(pk=sh.batca.pk)
    assert batca.last_contact_on == days_ago(20)
    assert batca.contact_due_on == days_ago(20) + dt.timedelta(days=30)
    assert Contact.objects.get(pk=sh.chair.pk).last_interaction_on == days_ago(20)
    services.interaction_delete(actor=sh.steward, interaction=older)
    assert Stakeholder.objects.get(pk=sh.batca.pk).last_contact_on is None
    assert Contact.objects.get(pk=sh.chair.pk).last_interaction_on is None


def test_follow_ups_are_owned_by_our_staff_or_a_contact(world, sh):
    interaction = _log(sh, days=1, contacts=[sh.chair])
    with pytest.raises(ValidationError):
        services.interaction_follow_up_add(
            actor=sh.steward, interaction=interaction, title="Nobody's", due_on=days_ago(-7)
        )
    ours = services.interaction_follow_up_add(
        actor=sh.owner,
        interaction=interaction,
        title="Send the minutes",
        due_on=days_ago(-7),
        owner=world.owner_person,
    )
    theirs = services.interaction_follow_up_add(
        actor=sh.steward,
        interaction=interaction,
        title="Circulate the guidance",
        due_on=days_ago(-14),
        contact=sh.chair,
    )
    assert FollowUp.objects.filter(interaction=interaction).count() == 2
    with pytest.raises(ValidationError):
        services.interaction_follow_up_update(actor=sh.steward, follow_up=ours, owner=None)
    assert FollowUp.objects.get(pk=ours.pk).owner == world.owner_person
    services.interaction_follow_up_update(actor=sh.owner, follow_up=theirs, done=True)
    assert FollowUp.objects.get(pk=theirs.pk).done
    with pytest.raises(PermissionDenied):
        services.interaction_follow_up_update(actor=sh.member, follow_up=ours, done=True)
    assert not FollowUp.objects.get(pk=ours.pk).done


def test_a_follow_up_is_owned_by_a_contact_of_the_same_database(world, sh):
    _, foreign, _ = _other_database(world)
    interaction = _log(sh, days=1, contacts=[sh.chair])
    with pytest.raises(ValidationError):
        services.interaction_follow_up_add(
            actor=sh.steward,
            interaction=interaction,
            title="Theirs",
            due_on=days_ago(-7),
            contact=foreign,
        )
    follow_up = services.interaction_follow_up_add(
        actor=sh.steward,
        interaction=interaction,
        title="Ours",
        due_on=days_ago(-7),
        contact=sh.chair,
    )
    # Handing it over later is held to the same rule.
    with pytest.raises(ValidationError):
        services.interaction_follow_up_update(
            actor=sh.steward, follow_up=follow_up, contact=foreign
        )
    assert FollowUp.objects.get(pk=follow_up.pk).contact == sh.chair


# --- Lawful basis and privacy information ---------------------------------------------------


def test_consent_needs_when_how_and_the_words_shown(world, sh):
    with pytest.raises(ValidationError) as exc:
        services.lawful_basis_set(
            actor=sh.steward, contact=sh.chair, purpose=sh.newsletter, kind="consent"
        )
    assert set(exc.value.error_dict) == {"consent_on", "consent_source", "consent_wording"}
    with pytest.raises(ValidationError) as exc:
        services.lawful_basis_set(
            actor=sh.steward,
            contact=sh.chair,
            purpose=sh.newsletter,
            kind="consent",
            consent_on=days_ago(2),
            consent_source="Sign-up form at the ward panel",
            consent_wording="   ",
        )
    assert set(exc.value.error_dict) == {"consent_wording"}
    assert not Basis.objects.exists()
    basis = services.lawful_basis_set(
        actor=sh.steward,
        contact=sh.chair,
        purpose=sh.newsletter,
        kind="consent",
        consent_on=days_ago(2),
        consent_source="Sign-up form at the ward panel",
        consent_wording="Send me the newsletter",
    )
    assert basis.is_active and Basis.objects.get().consent_on == days_ago(2)


def test_other_bases_carry_no_consent(world, sh):
    basis = services.lawful_basis_set(
        actor=sh.steward,
        contact=sh.chair,
        purpose=sh.community,
        kind="public_task",
        consent_on=days_ago(2),
        consent_source="Form",
        consent_wording="Words",
        review_on=days_ago(-365),
    )
    basis = Basis.objects.get(pk=basis.pk)
    assert basis.kind == "public_task" and basis.review_on == days_ago(-365)
    assert (basis.consent_on, basis.consent_source, basis.consent_wording) == (None, "", "")


def test_setting_the_basis_again_replaces_it_for_that_purpose(world, sh):
    consent = services.lawful_basis_set(
        actor=sh.steward,
        contact=sh.chair,
        purpose=sh.newsletter,
        kind="consent",
        consent_on=days_ago(30),
        consent_source="Email reply",
        consent_wording="Yes please",
    )
    services.consent_withdraw(actor=sh.steward, basis=consent, on=days_ago(1))
    services.lawful_basis_set(
        actor=sh.steward, contact=sh.chair, purpose=sh.newsletter, kind="legitimate"
    )
    basis = Basis.objects.get(contact=sh.chair, purpose=sh.newsletter)
    assert basis.pk == consent.pk and basis.kind == "legitimate"
    assert basis.consent_on is None and basis.consent_source == ""
    assert basis.withdrawn_on is None and basis.is_active
    services.lawful_basis_set(
        actor=sh.steward, contact=sh.chair, purpose=sh.community, kind="public_task"
    )
    assert Basis.objects.filter(contact=sh.chair).count() == 2
    # A purpose of another database, and a reader without a role, are refused.
    other, _, _ = _other_database(world)
    with pytest.raises(ValidationError):
        services.lawful_basis_set(
            actor=sh.steward,
            contact=sh.chair,
            purpose=other.purposes.first(),
            kind="public_task",
        )
    with pytest.raises(PermissionDenied):
        services.lawful_basis_set(
            actor=sh.owner, contact=sh.chair, purpose=sh.community, kind="contract"
        )
    assert Basis.objects.filter(contact=sh.chair).count() == 2
    assert Basis.objects.get(contact=sh.chair, purpose=sh.community).kind == "public_task"


def test_only_consent_is_withdrawn(world, sh):
    task = services.lawful_basis_set(
        actor=sh.steward, contact=sh.chair, purpose=sh.community, kind="public_task"
    )
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=sh.steward, basis=task, on=days_ago(0))
    assert Basis.objects.get(pk=task.pk).withdrawn_on is None
    consent = services.lawful_basis_set(
        actor=sh.steward,
        contact=sh.chair,
        purpose=sh.newsletter,
        kind="consent",
        consent_on=days_ago(30),
        consent_source="Email reply",
        consent_wording="Yes please",
    )
    services.consent_withdraw(actor=sh.steward, basis=consent, on=days_ago(0))
    consent = Basis.objects.get(pk=consent.pk)
    assert consent.withdrawn_on == days_ago(0) and not consent.is_active


def test_giving_the_privacy_notice_takes_contacts_off_the_queue(world, sh):
    listed = services.contact_create(
        actor=sh.steward,
        database=sh.database,
        name="From a list",
        from_third_party=True,
        received_on=days_ago(10),
    )
    with pytest.raises(PermissionDenied):
        services.privacy_notice_create(
            actor=sh.member,
            database=sh.database,
            version="1.0",
            published_on=days_ago(100),
            text="We hold…",
        )
    notice = services.privacy_notice_create(
        actor=sh.steward,
        database=sh.database,
        version=" 1.0 ",
        published_on=days_ago(100),
        text="We hold your name",
    )
    assert notice.version == "1.0"
    _, foreign, _ = _other_database(world)
    with pytest.raises(ValidationError):
        services.privacy_notice_given(
            actor=sh.steward, contacts=[foreign], notice=notice, on=days_ago(1)
        )
    assert Contact.objects.get(pk=foreign.pk).notice is None
    assert (
        services.privacy_notice_given(
            actor=sh.steward, contacts=[listed], notice=notice, on=days_ago(1)
        )
        == 1
    )
    listed = Contact.objects.get(pk=listed.pk)
    assert listed.notice == notice and listed.notice_given_on == days_ago(1)
    assert listed.notice_due_on is None


# --- Lists ----------------------------------------------------------------------------------


def test_contact_lists_hold_only_this_databases_contacts_and_stakeholders(world, sh):
    other, foreign_contact, foreign_stakeholder = _other_database(world)
    residents = services.contact_list_create(
        actor=sh.steward, database=sh.database, name=" Residents "
    )
    assert residents.name == "Residents"
    affected = services.contact_list_create(
        actor=sh.steward, database=sh.database, name="Directly affected", parent=residents
    )
    foreign_list = services.contact_list_create(
        actor=world.outsider, database=other, name="Their list"
    )
    with pytest.raises(ValidationError):
        services.contact_list_create(
            actor=sh.steward, database=sh.database, name="Mixed", parent=foreign_list
        )
    with pytest.raises(ValidationError):
        services.contact_list_members_set(
            actor=sh.steward, list_=affected, contacts=[sh.chair, foreign_contact]
        )
    with pytest.raises(ValidationError):
        services.contact_list_members_set(
            actor=sh.steward, list_=affected, stakeholders=[foreign_stakeholder]
        )
    assert not affected.contacts.exists() and not affected.stakeholders.exists()
    with pytest.raises(PermissionDenied):
        services.contact_list_members_set(actor=sh.member, list_=affected, contacts=[sh.chair])
    services.contact_list_members_set(
        actor=sh.steward, list_=affected, contacts=[sh.chair], stakeholders=[sh.batca]
    )
    affected = List.objects.get(pk=affected.pk)
    assert list(affected.contacts.all()) == [sh.chair]
    assert list(affected.stakeholders.all()) == [sh.batca]
    assert not List.objects.filter(name="Mixed").exists()
