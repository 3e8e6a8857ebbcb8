"""Owners on a public page: a post only where it reads as one, never a name the importer filed
as a post (a security review of 7 Dec: "Patel", "J.Smith", "jane doe" were published)."""

from __future__ import annotations

import pytest

from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.saving import import_parsed
from plantrack.plans.models import Plan
from plantrack.public import services
from plantrack.public.selectors import owners_shown, public_post

pytestmark = pytest.mark.django_db

OWNERS = "SNT Sgt Patel", "J.Smith", "jane doe", "Mohammed", "PC Bob Jones", "Youth Crime Lead"


@pytest.mark.parametrize(
    ("post", "holder", "shown"),
    [
        ("Youth Crime Lead", "", "Youth Crime Lead"),
        ("Head of Intelligence", "A Person", "Head of Intelligence"),
        ("SNT Sgt", "", "SNT Sgt"),
        ("Patel", "", ""),
        ("J.Smith", "", ""),
        ("jane doe", "", ""),
        ("DC Smith", "John Smith", ""),
    ],
)
def test_a_post_is_shown_only_when_it_reads_as_one(post, holder, shown):
    assert public_post(post, holder) == shown


def test_owner_cells_the_importer_misreads_publish_no_name(client, world):
    text = "Ref\tAction\tOwner\n" + "".join(
        f"{n}\tAction {n}\t{owner}\n" for n, owner in enumerate(OWNERS, 1)
    )
    parsed = parse_bytes("plan.txt", text.encode(), is_text=True)
    import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    plan = Plan.objects.exclude(pk=world.plan.pk).get()
    plan.visibility = Plan.Visibility.ORGANISATION
    plan.save()
    services.plan_publish(actor=world.manager, plan=plan, slug="imported")
    for suffix in ("", "data.csv", "data.json"):
        body = client.get("/public/plans/imported/" + suffix).content.decode("utf-8-sig")
        for name in ("Patel", "Smith", "jane", "doe", "Mohammed", "Bob", "Jones"):
            assert name not in body, (suffix, name)
        assert "Youth Crime Lead" in body


def test_an_organisation_alone_is_left_out_beside_a_post_of_it():
    entries = [
        "Barnet Police",
        "Youth Crime Lead, Barnet Police",
        "Youth Crime Lead, Barnet Police",
        "Barnet Council",
        "",
    ]
    assert owners_shown(entries) == ["Youth Crime Lead, Barnet Police", "Barnet Council"]
