"""Borough contact lists through the one importer: reading, the preview's duplicates, saving
with the decisions made, and what is forgotten afterwards."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from plantrack.core.tests.factories import build_world, make_org
from plantrack.imports.contact_lists import read_contact_list
from plantrack.imports.models import ImportJob
from plantrack.stakeholders import services
from plantrack.stakeholders.models import Contact, Merge, Role, Stakeholder

pytestmark = pytest.mark.django_db

LIST = (
    "Full name,E-mail,Mobile,Organisation,Position,Notes\n"
    "Sam Madeup,sam@example.org,020 7946 0101,Balham & Tooting Community Association,Chair,\n"
    "Alex Notreal,alex(at)example.org,020 7946 0102,Balham & Tooting Community Association,"
    "Treasurer,\n"
    "Jo Fictional,,phone me,Tooting Traders,Secretary,\n"
    '"Madeup, Sam",SAM@example.org,,,,Listed twice\n'
    ",,,,,\n"
    "Priya Sample,priya@example.org,,New Residents Group,Chair,\n"
)


def test_a_list_is_read_by_its_headers_and_bad_details_are_kept_with_a_warning():
    rows = read_contact_list("ward panel.csv", LIST.encode())
    assert [r.name for r in rows] == [
        "Sam Madeup",
        "Alex Notreal",
        "Jo Fictional",
        "Madeup, Sam",
        "Priya Sample",
    ]
    assert rows[0].organisation == "Balham & Tooting Community Association"
    assert rows[0].role == "Chair" and rows[0].phone == "020 7946 0101"
    alex = rows[1]
    assert alex.email == "" and "alex(at)example.org" in alex.notes
    assert "not a valid email address" in alex.warnings[0]
    assert "does not look like a phone number" in rows[2].warnings[0]


def test_first_name_and_surname_columns_make_the_name():
    book = Workbook()
    sheet = book.active
    sheet.append(["Our ward panel members"])
    sheet.append(["Forename", "Surname", "Email address", "Tel"])
    sheet.append(["Grace", "Testperson", "grace@example.org", "020 7946 0103"])
    out = io.BytesIO()
    book.save(out)
    (row,) = read_contact_list("panel.xlsx", out.getvalue())
    assert (row.name, row.email, row.phone) == (
        "Grace Testperson",
        "grace@example.org",
        "020 7946 0103",
    )


def test_a_table_with_no_people_is_refused_with_one_line():
    with pytest.raises(ValidationError, match="No list of people"):
        read_contact_list("plan.csv", b"Ref,Action,Owner\n1,Do it,Insp\n")


@pytest.fixture
def db_world():
    w = build_world()
    w.database = services.database_create(actor=w.manager, organisation=w.force)
    batca = make_org("Balham & Tooting Community Association")
    stakeholder = services.stakeholder_create(
        actor=w.manager, database=w.database, organisation=batca
    )
    w.sam = services.contact_create(
        actor=w.manager, database=w.database, name="Sam Madeup", email="sam@example.org"
    )
    services.stakeholder_role_create(
        actor=w.manager, stakeholder=stakeholder, title="Chair", contact=w.sam
    )
    return w


def _upload(client, w, **extra):
    client.force_login(w.manager)
    return client.post(
        reverse("stakeholders:contacts_import", args=[w.database.pk]),
        {
            "file": SimpleUploadedFile("ward panel.csv", LIST.encode(), content_type="text/csv"),
            "source": "Wandsworth ward panel list",
            "from_third_party": "on",
            "kind": "resident",
            **extra,
        },
    )


def test_the_preview_suggests_merging_probable_duplicates(client, db_world):
    response = _upload(client, db_world)
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:preview", args=[job.pk])
    page = client.get(response.url)
    lines = page.context["lines"]
    sam = db_world.sam.pk
    # Row 1 is the database's Sam (same email); row 4 is Sam again, "Madeup, Sam".
    assert lines[0]["chosen"] == f"merge:{sam}"
    assert {s.decision for s in lines[3]["suggestions"]} == {"row:0", f"merge:{sam}"}
    assert lines[1]["chosen"] == "new" and lines[1]["suggestions"] == []
    assert "not a valid email address" in page.content.decode()
    assert Contact.objects.count() == 1  # nothing saved before the confirmation


def test_saving_applies_each_decision_and_forgets_the_file(client, db_world):
    _upload(client, db_world)
    job = ImportJob.objects.get()
    sam = db_world.sam.pk
    response = client.post(
        reverse("imports:confirm", args=[job.pk]),
        {
            "row-0": f"merge:{sam}",
            "row-1": "new",
            "row-2": "skip",
            "row-3": "row:0",
            "row-5": "new",
        },
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SAVED
    assert bytes(job.data) == b"" and "contacts" not in job.parsed
    assert job.choices["result"] == {
        "added": 2,
        "merged": 2,
        "skipped": 1,
        "stakeholders_added": 1,
    }
    live = Contact.objects.exclude(state=Contact.State.MERGED)
    assert sorted(live.values_list("name", flat=True)) == [
        "Alex Notreal",
        "Priya Sample",
        "Sam Madeup",
    ]
    # Both rows naming Sam were merged into the contact already held: recorded, undoable.
    assert Merge.objects.filter(kept_id=sam).count() == 2
    priya = Contact.objects.get(name="Priya Sample")
    assert priya.from_third_party and priya.notice_due_on is not None
    assert priya.source == "Wandsworth ward panel list" and priya.kind == "resident"
    new_group = Stakeholder.objects.get(organisation__name="New Residents Group")
    assert Role.objects.get(stakeholder=new_group).contact == priya
    alex = Contact.objects.get(name="Alex Notreal")
    assert "alex(at)example.org" in alex.notes and alex.email == ""


def test_a_row_merged_into_a_row_left_out_saves_nothing(client, db_world):
    _upload(client, db_world)
    job = ImportJob.objects.get()
    client.post(reverse("imports:confirm", args=[job.pk]), {"row-0": "skip", "row-3": "row:0"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    assert "Nothing was saved" in job.error
    assert Contact.objects.count() == 1


def test_only_contact_managers_import_and_see_the_job(client, db_world):
    _upload(client, db_world)
    job = ImportJob.objects.get()
    client.force_login(db_world.owner)
    url = reverse("stakeholders:contacts_import", args=[db_world.database.pk])
    assert client.get(url).status_code == 404  # the owner cannot see the database
    assert client.get(reverse("imports:preview", args=[job.pk])).status_code == 404


def test_between_equal_matches_the_record_held_longest_is_chosen(client, db_world):
    services.contact_create(
        actor=db_world.manager,
        database=db_world.database,
        name="Madeup, Sam",
        email="sam@example.org",
    )
    _upload(client, db_world)
    page = client.get(reverse("imports:preview", args=[ImportJob.objects.get().pk]))
    assert page.context["lines"][0]["chosen"] == f"merge:{db_world.sam.pk}"
