"""Every engagement service moves the version of the register it writes to (the evaluation
page is cached under it): the services are found, not listed, so a new one without a recipe
here fails."""

from __future__ import annotations

import inspect

import pytest
from django.utils import timezone

from plantrack.core.tests.factories import make_user
from plantrack.engagement import services
from plantrack.engagement.models import Method, Outcome, Output, Register

pytestmark = pytest.mark.django_db


def _services() -> set[str]:
    return {
        name
        for name, function in vars(services).items()
        if inspect.isfunction(function)
        and function.__module__ == services.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
    }


def _output(world, eng) -> Output:
    return services.output_record(actor=world.manager, activity=eng.activity, kind="wards", count=3)


def _outcome(world, eng) -> Outcome:
    return services.outcome_record(
        actor=world.manager, activity=eng.activity, you_said="a", we_did="b"
    )


def _follow_up(world, eng):
    return services.follow_up_create(
        actor=world.manager, activity=eng.activity, title="t", due_on=timezone.localdate()
    )


RECIPES = {
    "register_update": lambda w, e: services.register_update(
        actor=w.manager, register=e.register, title="New title"
    ),
    "register_manager_add": lambda w, e: services.register_manager_add(
        actor=w.manager, register=e.register, user=w.viewer
    ),
    "register_manager_remove": lambda w, e: services.register_manager_remove(
        actor=w.manager,
        register=e.register,
        user=services.register_manager_add(
            actor=w.manager, register=e.register, user=w.viewer
        ).user,
    ),
    "group_create": lambda w, e: services.group_create(
        actor=w.manager, register=e.register, name="G"
    ),
    "group_update": lambda w, e: services.group_update(actor=w.manager, group=e.group, name="H"),
    "group_delete": lambda w, e: services.group_delete(actor=w.manager, group=e.group),
    "activity_create": lambda w, e: services.activity_create(
        actor=w.manager, register=e.register, title="New"
    ),
    "activity_update": lambda w, e: services.activity_update(
        actor=w.manager, activity=e.activity, areas=[e.brent]
    ),
    "activity_delete": lambda w, e: services.activity_delete(actor=w.manager, activity=e.activity),
    "output_record": _output,
    "output_update": lambda w, e: services.output_update(
        actor=w.manager, output=_output(w, e), count=4
    ),
    "output_delete": lambda w, e: services.output_delete(actor=w.manager, output=_output(w, e)),
    "outcome_record": _outcome,
    "outcome_update": lambda w, e: services.outcome_update(
        actor=w.manager, outcome=_outcome(w, e), we_did="c"
    ),
    "outcome_delete": lambda w, e: services.outcome_delete(actor=w.manager, outcome=_outcome(w, e)),
    "follow_up_create": _follow_up,
    "follow_up_update": lambda w, e: services.follow_up_update(
        actor=w.manager, follow_up=_follow_up(w, e), done=True
    ),
    "follow_up_delete": lambda w, e: services.follow_up_delete(
        actor=w.manager, follow_up=_follow_up(w, e)
    ),
    "activity_update_post": lambda w, e: services.activity_update_post(
        actor=w.manager, activity=e.activity, narrative="n", rag="green"
    ),
    # Method and community names show on every register's pages.
    "list_entry_save": lambda w, e: services.list_entry_save(
        actor=make_user("list-keeper", is_superuser=True, is_staff=True),
        entry=Method(name="Walkabout with the ward panel"),
    ),
}
# Makes a register: there is nothing cached of it yet.
NEW = {"register_create"}
# Checks, not writes; and a write to an organisation, in no register.
CHECKS = {"require_manager", "require_editor", "organisation_communities_set"}


def test_every_service_has_a_recipe():
    assert _services() - NEW - CHECKS == set(RECIPES)


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_the_service_moves_the_register_version(name, world, eng):
    before = Register.objects.get(pk=eng.register.pk).version
    RECIPES[name](world, eng)
    assert Register.objects.get(pk=eng.register.pk).version > before


def test_saving_the_register_never_takes_its_version_back(world, eng):
    stale = Register.objects.get(pk=eng.register.pk)
    services.group_create(actor=world.manager, register=eng.register, name="Moves it")
    moved = Register.objects.get(pk=eng.register.pk).version
    services.register_update(actor=world.manager, register=stale, title="From a stale copy")
    assert Register.objects.get(pk=eng.register.pk).version > moved


def test_only_administrators_keep_the_lists(world, eng):
    from django.core.exceptions import PermissionDenied

    before = Register.objects.get(pk=eng.register.pk).version
    with pytest.raises(PermissionDenied):
        services.list_entry_save(actor=world.manager, entry=Method(name="Knocking on doors"))
    assert not Method.objects.filter(name="Knocking on doors").exists()
    assert Register.objects.get(pk=eng.register.pk).version == before
