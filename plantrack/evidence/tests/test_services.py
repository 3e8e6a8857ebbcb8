from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from plantrack.evidence import services
from plantrack.evidence.models import Evidence
from plantrack.evidence.tests import samples
from plantrack.evidence.tests.conftest import stored_files
from plantrack.plans import services as plans
from plantrack.plans.models import Plan, Update

pytestmark = pytest.mark.django_db

REFUSED = "is not a PDF, Word, Excel, CSV or image file."


def _attach(world, update, name: str, data: bytes, **kwargs) -> Evidence:
    return services.evidence_attach_file(
        actor=world.owner, target=update, upload=samples.upload(name, data), **kwargs
    )


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Types, read from the bytes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "mime", "label"),
    [
        ("report.pdf", samples.pdf_bytes, "application/pdf", "PDF"),
        (
            "minutes.docx",
            samples.docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word",
        ),
        (
            "figures.xlsx",
            samples.xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel",
        ),
        ("photo.png", samples.png_bytes, "image/png", "PNG image"),
        ("photo.jpg", samples.jpeg_bytes, "image/jpeg", "JPEG image"),
        ("chart.gif", samples.gif_bytes, "image/gif", "GIF image"),
        ("banner.webp", samples.webp_bytes, "image/webp", "WebP image"),
        ("counts.csv", lambda: b"Ward,Count\nEast,12\n", "text/csv", "CSV"),
        ("notes.txt", lambda: "Café notes\n".encode(), "text/plain", "Text"),
    ],
)
def test_each_kind_taken_is_recognised_from_its_bytes(world, update, name, build, mime, label):
    data = build()
    evidence = _attach(world, update, name, data)
    evidence.refresh_from_db()
    assert evidence.kind == "file" and evidence.mime_type == mime
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.original_name == name and evidence.title == name
    with default_storage.open(evidence.file.name) as stored:
        assert stored.read() == data
    from plantrack.evidence.files import type_label

    assert type_label(mime) == label


def test_the_name_on_disk_is_random_never_the_uploaders(world, update):
    evidence = _attach(world, update, "Jane Smith <script>.pdf", samples.pdf_bytes())
    name = evidence.file.name
    assert name.startswith("evidence/") and name.endswith(".pdf")
    assert "Jane" not in name and "script" not in name
    again = _attach(world, update, "Jane Smith <script>.pdf", samples.pdf_bytes())
    assert again.file.name != name


def test_the_extension_stored_is_the_types_not_the_names(world, update):
    evidence = _attach(world, update, "photo.pdf", samples.png_bytes())
    assert evidence.mime_type == "image/png" and evidence.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("evil.pdf", samples.exe_bytes),
        ("evil.exe", samples.exe_bytes),
        ("macro.docx", samples.docm_bytes),
        ("archive.xlsx", samples.plain_zip_bytes),
        (
            "slides.docx",
            lambda: samples.zip_with_types(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
            ),
        ),
        ("unicode.csv", lambda: "a,b\n1,2\n".encode("utf-16")),
        ("data.csv", lambda: b"a,b\n\x00\x01\x02"),
        ("page.svg", lambda: b"\x81\x8d\x8f not text"),
    ],
)
def test_anything_else_is_refused_with_one_line_and_nothing_kept(world, update, name, build):
    before = stored_files()
    with pytest.raises(ValidationError) as caught:
        _attach(world, update, name, build())
    assert caught.value.message_dict == {"file": [f"{name} {REFUSED}"]}
    assert not Evidence.objects.exists()
    assert stored_files() == before


def test_a_renamed_program_is_refused_whatever_the_browser_says(world, update):
    upload = samples.upload("evil.pdf", samples.exe_bytes(), content_type="application/pdf")
    with pytest.raises(ValidationError, match=r"evil\.pdf is not a PDF, Word, Excel, CSV or image"):
        services.evidence_attach_file(actor=world.owner, target=update, upload=upload)


def test_office_97_files_are_refused_with_what_to_do(world, update):
    with pytest.raises(ValidationError) as caught:
        _attach(world, update, "old.doc", samples.ole_bytes())
    assert caught.value.messages == [
        "old.doc is an Office 97–2003 file: save it as .docx or .xlsx and upload that."
    ]


def test_windows_1252_text_is_taken(world, update):
    evidence = _attach(world, update, "costs.csv", "Cost,£9,000 – p.a.\n".encode("cp1252"))
    assert evidence.mime_type == "text/csv"


def test_an_html_page_is_kept_as_text_and_downloads_as_text(world, update):
    from plantrack.evidence.files import download_name

    evidence = _attach(world, update, "page.html", b"<script>alert(1)</script>")
    assert evidence.mime_type == "text/plain"
    assert download_name(evidence.original_name, evidence.mime_type) == "page.html.txt"


def test_size_limits(world, update, settings):
    settings.PLANTRACK_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        _attach(world, update, "big.csv", b"a," * 51)
    assert caught.value.messages == [
        "big.csv is 102\xa0bytes: the largest file taken is 100\xa0bytes."
    ]
    with pytest.raises(ValidationError) as caught:
        _attach(world, update, "empty.pdf", b"")
    assert caught.value.messages == ["empty.pdf is empty."]
    assert _attach(world, update, "ok.csv", b"a," * 50).size == 100
    assert Evidence.objects.count() == 1


def test_the_uploaded_name_is_cleaned(world, update):
    evidence = _attach(world, update, "C:\\Users\\jo\\My report\x00.pdf", samples.pdf_bytes())
    assert evidence.original_name == "My report.pdf"
    assert _attach(world, update, "x" * 400 + ".pdf", samples.pdf_bytes()).original_name == (
        "x" * 251 + ".pdf"
    )


def test_a_title_given_is_kept_and_bounded(world, update):
    evidence = _attach(world, update, "r.pdf", samples.pdf_bytes(), title="  Signed policy ")
    assert evidence.title == "Signed policy"
    before = stored_files()
    with pytest.raises(ValidationError) as caught:
        _attach(world, update, "r.pdf", samples.pdf_bytes(), title="t" * 1001)
    assert "title" in caught.value.message_dict
    assert stored_files() == before


def test_a_file_stored_is_removed_again_when_the_row_is_not_saved(world, update, monkeypatch):
    before = stored_files()

    def fail(instance, *, actor):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "save_validated", fail)
    with pytest.raises(RuntimeError):
        _attach(world, update, "r.pdf", samples.pdf_bytes())
    assert stored_files() == before


# --- Who may attach -----------------------------------------------------------------------------


def test_the_author_and_the_managers_attach_to_an_update(world, update, manager_update):
    assert _attach(world, update, "a.pdf", samples.pdf_bytes()).uploaded_by == world.owner
    by_manager = services.evidence_attach_file(
        actor=world.manager, target=update, upload=samples.upload("b.pdf", samples.pdf_bytes())
    )
    assert by_manager.uploaded_by == world.manager


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_readers_and_outsiders_may_not_attach(world, update, who):
    with pytest.raises(PermissionDenied):
        services.evidence_attach_file(
            actor=getattr(world, who),
            target=update,
            upload=samples.upload("a.pdf", samples.pdf_bytes()),
        )
    with pytest.raises(PermissionDenied):
        services.evidence_attach_link(
            actor=getattr(world, who), target=update, url="https://example.org", title="x"
        )
    assert not Evidence.objects.exists()


def test_an_owner_may_not_attach_to_someone_elses_update(world, manager_update):
    with pytest.raises(PermissionDenied):
        _attach(world, manager_update, "a.pdf", samples.pdf_bytes())


def test_an_author_who_lost_their_role_may_no_longer_attach(world, update):
    plans.plan_role_remove(actor=world.manager, plan=world.plan, user=world.owner)
    with pytest.raises(PermissionDenied):
        _attach(world, update, "a.pdf", samples.pdf_bytes())


def test_permission_is_asked_before_the_file_is_read(world, update):
    # A refused user hears "no", not what is wrong with their file.
    with pytest.raises(PermissionDenied):
        services.evidence_attach_file(
            actor=world.viewer, target=update, upload=samples.upload("e.pdf", samples.exe_bytes())
        )


def test_nothing_may_be_attached_to_an_unregistered_model(world):
    plan = Plan.objects.get(pk=world.plan.pk)
    with pytest.raises(PermissionDenied):
        services.evidence_attach_link(
            actor=world.manager, target=plan, url="https://example.org", title="x"
        )


# --- Links --------------------------------------------------------------------------------------


def test_a_link(world, update):
    evidence = services.evidence_attach_link(
        actor=world.owner, target=update, url=" https://example.org/report ", title="Report"
    )
    evidence.refresh_from_db()
    assert (evidence.kind, evidence.url, evidence.title) == (
        "link",
        "https://example.org/report",
        "Report",
    )
    assert not evidence.file and evidence.size == 0


@pytest.mark.parametrize(
    ("url", "title", "field"),
    [
        ("javascript:alert(1)", "x", "url"),
        ("ftp://example.org/file", "x", "url"),
        ("data:text/html,<b>x</b>", "x", "url"),
        ("https://", "x", "url"),
        ("https://example.org", "", "title"),
        ("https://example.org/" + "a" * 2000, "x", "url"),
    ],
)
def test_bad_links_are_refused(world, update, url, title, field):
    with pytest.raises(ValidationError) as caught:
        services.evidence_attach_link(actor=world.owner, target=update, url=url, title=title)
    assert field in caught.value.message_dict
    assert not Evidence.objects.exists()


# --- Removing -----------------------------------------------------------------------------------


def test_removing_is_recorded_and_deletes_the_file_on_commit(
    world, update, django_capture_on_commit_callbacks
):
    evidence = _attach(world, update, "a.pdf", samples.pdf_bytes())
    name = evidence.file.name
    with django_capture_on_commit_callbacks() as callbacks:
        services.evidence_remove(actor=world.manager, evidence=evidence)
        assert default_storage.exists(name)  # not before the commit
    assert not Evidence.objects.exists()
    deleted = Evidence.history.filter(history_type="-").get()
    assert deleted.history_user == world.manager and deleted.title == "a.pdf"
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)


def test_who_may_not_attach_may_not_remove(world, update):
    evidence = _attach(world, update, "a.pdf", samples.pdf_bytes())
    for user in (world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            services.evidence_remove(actor=user, evidence=Evidence.objects.get(pk=evidence.pk))
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_attaching_and_removing_move_the_plans_version(world, update):
    def version() -> int:
        return Plan.objects.get(pk=world.plan.pk).version

    start = version()
    evidence = _attach(world, update, "a.pdf", samples.pdf_bytes())
    assert version() > start
    start = version()
    services.evidence_remove(actor=world.owner, evidence=evidence)
    assert version() > start


def test_history_names_who_attached(world, update):
    evidence = _attach(world, update, "a.pdf", samples.pdf_bytes())
    assert evidence.history.get().history_user == world.owner


# --- Posting an update with its evidence ---------------------------------------------------------


def test_an_update_posted_with_a_file_keeps_both(world):
    update = plans.update_post(
        actor=world.owner,
        action=world.action,
        narrative="Signed off.",
        rag="green",
        evidence=samples.upload("signed.pdf", samples.pdf_bytes()),
    )
    evidence = Evidence.objects.get()
    assert evidence.target == update and evidence.uploaded_by == world.owner


def test_an_update_with_a_refused_file_is_not_posted(world):
    before = stored_files()
    with pytest.raises(ValidationError) as caught:
        plans.update_post(
            actor=world.owner,
            action=world.action,
            narrative="Signed off.",
            rag="green",
            evidence=samples.upload("evil.pdf", samples.exe_bytes()),
        )
    assert caught.value.message_dict == {"evidence": [f"evil.pdf {REFUSED}"]}
    assert not Update.objects.exists() and not Evidence.objects.exists()
    assert stored_files() == before


# --- Housekeeping -------------------------------------------------------------------------------


def test_pruning_deletes_only_old_files_no_evidence_names(world, update):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    kept = _attach(world, update, "kept.pdf", samples.pdf_bytes())
    orphan = default_storage.save("evidence/2020/01/orphan.pdf", ContentFile(b"%PDF-1.4"))
    # A file newer than a day may belong to a row being saved: left alone.
    assert services.evidence_orphans_prune() == []
    later = timezone.now() + dt.timedelta(days=2)
    # (Other tests' files, whose rows were rolled back, are orphans too.)
    assert orphan in services.evidence_orphans_prune(now=later)
    assert not default_storage.exists(orphan) and default_storage.exists(kept.file.name)
    call_command("prune_evidence", "--hours", "1")
