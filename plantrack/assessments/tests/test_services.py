from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.assessments import selectors, services
from plantrack.assessments.models import Framework, Item

pytestmark = pytest.mark.django_db


def test_an_import_saves_a_draft_with_its_items_and_their_kinds(world):
    framework = services.framework_import(
        actor=world.manager,
        organisation=world.force,
        title="GOOD PRACTICE CHECK LIST FOR BOROUGH SCHEMES",
        description="All boroughs should aspire to …",
        items=[
            services.ImportedItem("Regular (3-weekly?) reminder slides on MetBats;"),
            services.ImportedItem("Appointment of a SPOC at PC level;", group="People"),
        ],
    )
    assert framework.status == Framework.Status.DRAFT and framework.version_number == 1
    first, second = framework.items.order_by("position")
    assert (first.position, first.kind, first.cadence_days) == (0, "recurring", 21)
    assert (second.position, second.kind, second.group) == (1, "role", "People")


def test_an_import_with_no_items_writes_nothing(world):
    with pytest.raises(ValidationError):
        services.framework_import(
            actor=world.manager, organisation=world.force, title="Empty", items=[]
        )
    assert not Framework.objects.filter(title="Empty").exists()


def test_only_members_keep_an_organisations_frameworks(world, fw):
    with pytest.raises(PermissionDenied):
        services.framework_create(actor=world.outsider, organisation=world.force, title="X")
    with pytest.raises(PermissionDenied):
        services.item_create(actor=world.outsider, framework=fw.draft, text="Sneaked in")
    assert fw.draft.items.count() == 1


def test_the_status_moves_only_forward_as_allowed(world, fw):
    with pytest.raises(ValidationError, match="can become: retired"):
        services.framework_status_set(actor=world.manager, framework=fw.checklist, status="draft")
    services.framework_status_set(actor=world.manager, framework=fw.draft, status="consultation")
    services.framework_status_set(actor=world.manager, framework=fw.draft, status="published")
    services.framework_status_set(actor=world.manager, framework=fw.draft, status="retired")
    assert Framework.objects.get(pk=fw.draft.pk).status == "retired"


def test_an_empty_framework_cannot_be_published(world):
    empty = services.framework_create(actor=world.manager, organisation=world.force, title="E")
    with pytest.raises(ValidationError, match="no items"):
        services.framework_status_set(actor=world.manager, framework=empty, status="published")


def test_a_published_framework_is_fixed(world, fw):
    item = fw.checklist.items.first()
    with pytest.raises(ValidationError, match="new version"):
        services.item_update(actor=world.manager, item=item, text="Changed")
    with pytest.raises(ValidationError, match="new version"):
        services.item_create(actor=world.manager, framework=fw.checklist, text="Added")
    with pytest.raises(ValidationError, match="new version"):
        services.item_delete(actor=world.manager, item=item)
    with pytest.raises(ValidationError):
        services.framework_update(actor=world.manager, framework=fw.checklist, title="New")
    assert Item.objects.get(pk=item.pk).text == item.text


def test_a_new_version_maps_each_item_to_the_one_it_continues(world, fw):
    second = services.framework_new_version(actor=world.manager, framework=fw.checklist)
    assert (second.version_number, second.status, second.previous) == (2, "draft", fw.checklist)
    old = list(fw.checklist.items.order_by("position"))
    new = list(second.items.order_by("position"))
    assert [i.previous_id for i in new] == [i.pk for i in old]
    assert [i.text for i in new] == [i.text for i in old]
    # Its items change freely; one may be marked as not comparable, or continue another.
    services.item_update(actor=world.manager, item=new[0], not_comparable=True, text="Reworded")
    services.item_update(actor=world.manager, item=new[1], previous=old[2])
    with pytest.raises(ValidationError, match="version before"):
        services.item_update(actor=world.manager, item=new[2], previous=new[0])
    with pytest.raises(ValidationError, match="already has a next version"):
        services.framework_new_version(actor=world.manager, framework=fw.checklist)
    with pytest.raises(ValidationError):
        services.framework_new_version(actor=world.manager, framework=second)


def test_items_reorder(world, fw):
    services.item_create(actor=world.manager, framework=fw.draft, text="Methods are recorded")
    ids = list(fw.draft.items.order_by("position").values_list("pk", flat=True))
    services.items_reorder(actor=world.manager, framework=fw.draft, item_ids=ids[::-1])
    assert list(selectors.framework_items(fw.draft).values_list("pk", flat=True)) == ids[::-1]
    with pytest.raises(ValidationError):
        services.items_reorder(actor=world.manager, framework=fw.draft, item_ids=ids[:1])


def test_who_reads_what(world, fw):
    assert set(selectors.frameworks_visible_to(world.outsider)) == {fw.checklist}
    assert set(selectors.frameworks_visible_to(world.viewer)) == {fw.checklist, fw.draft}
    listed = {f.title: f for f in selectors.frameworks_for_list(world.manager)}
    assert listed[fw.checklist.title].item_count == 3
