from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.packs import jobs, services
from plantrack.packs.models import Pack, PackFile
from plantrack.packs.tests.conftest import make_pack
from plantrack.plans import services as plans

pytestmark = pytest.mark.django_db


def _comment_all(pw) -> None:
    for action in (pw.w.action, pw.w.other_action):
        services.commentary_save(actor=pw.w.owner, action=action, period=pw.period, text="Noted.")


def test_prepare_builds_a_draft_with_its_snapshot(pw):
    pack = make_pack(pw)
    assert pack.status == Pack.Status.DRAFT
    assert pack.snapshot["body"]["name"] == "Youth Board"
    assert pack.title == pack.snapshot["title"]
    assert list(pack.plans.values_list("pk", flat=True)) == [pw.w.plan.pk]
    # The draft files are made by the same task, so that downloads never wait on rendering.
    drafts = PackFile.objects.filter(pack=pack)
    assert sorted(drafts.values_list("format", "draft")) == [
        ("docx", True),
        ("pdf", True),
        ("xlsx", True),
    ]


def test_only_managers_prepare_and_publish(pw):
    for user in (pw.w.owner, pw.w.viewer, pw.w.outsider):
        with pytest.raises(PermissionDenied):
            make_pack(pw, actor=user)
    pack = make_pack(pw)
    with pytest.raises(PermissionDenied):
        services.pack_publish(actor=pw.w.owner, pack=pack, allow_missing=True)


def test_publishing_needs_commentary_or_a_confirmation(pw):
    pack = make_pack(pw)
    with pytest.raises(ValidationError, match="2 exceptions in this pack have no commentary"):
        services.pack_publish(actor=pw.w.manager, pack=pack)
    pack.refresh_from_db()
    assert pack.status == Pack.Status.DRAFT and pack.published_by is None
    assert not PackFile.objects.filter(draft=False).exists()
    services.pack_publish(actor=pw.w.manager, pack=pack, allow_missing=True)
    pack = Pack.objects.get(pk=pack.pk)
    assert pack.status == Pack.Status.PUBLISHED and pack.published_by == pw.w.manager
    # The final files replace the draft ones.
    assert sorted(PackFile.objects.filter(pack=pack).values_list("format", "draft")) == [
        ("docx", False),
        ("pdf", False),
        ("xlsx", False),
    ]


def test_prepare_again_takes_in_new_commentary(pw):
    pack = make_pack(pw)
    _comment_all(pw)
    pack = services.pack_rebuild(actor=pw.w.manager, pack=pack)
    assert pack.snapshot["summary"]["missing_commentary"] == 0
    services.pack_publish(actor=pw.w.manager, pack=pack)


def test_a_published_pack_never_changes(pw):
    _comment_all(pw)
    pack = services.pack_publish(actor=pw.w.manager, pack=make_pack(pw))
    files = {f.format: f for f in PackFile.objects.filter(pack=pack)}
    assert set(files) == {"pdf", "docx", "xlsx"}
    before = {fmt: services.pack_file(pack, fmt) for fmt in files}
    for fmt, data in before.items():
        assert hashlib.sha256(data).hexdigest() == files[fmt].sha256
        assert len(data) == files[fmt].size
    snapshot = Pack.objects.get(pk=pack.pk).snapshot

    # Change the plan a lot: RAG, title, new update, new commentary.
    plans.update_post(actor=pw.w.manager, action=pw.w.action, narrative="Fixed.", rag="green")
    plans.action_update(actor=pw.w.manager, action=pw.w.other_action, title="Renamed")
    services.commentary_save(
        actor=pw.w.manager, action=pw.w.other_action, period=pw.period, text="New text."
    )

    pack = Pack.objects.get(pk=pack.pk)
    assert pack.snapshot == snapshot
    assert {fmt: services.pack_file(pack, fmt) for fmt in files} == before
    with pytest.raises(ValidationError, match="published"):
        services.pack_rebuild(actor=pw.w.manager, pack=pack)
    with pytest.raises(ValidationError, match="published"):
        services.pack_publish(actor=pw.w.manager, pack=pack)
    assert PackFile.objects.count() == 3


def test_a_draft_serves_its_stored_draft_files(pw, monkeypatch):
    import io

    import docx as python_docx

    pack = make_pack(pw)
    stored = PackFile.objects.get(pack=pack, format="docx", draft=True)
    monkeypatch.setattr(services, "render", lambda *a, **k: pytest.fail("rendered on demand"))
    data = services.pack_file(pack, "docx")
    assert data == bytes(stored.data)
    text = "\n".join(p.text for p in python_docx.Document(io.BytesIO(data)).paragraphs)
    assert "Draft: this pack has not been published" in text
    with pytest.raises(ValidationError):
        services.pack_file(pack, "odt")


def test_a_draft_without_stored_files_is_rendered_on_demand(pw):
    """Packs prepared before draft files were stored still download."""
    pack = make_pack(pw)
    PackFile.objects.filter(pack=pack).delete()
    assert services.pack_file(pack, "xlsx").startswith(b"PK")


def test_preparing_again_replaces_the_draft_files(pw):
    pack = make_pack(pw)
    before = set(PackFile.objects.filter(pack=pack).values_list("pk", flat=True))
    _comment_all(pw)
    services.pack_rebuild(actor=pw.w.manager, pack=pack)
    after = set(PackFile.objects.filter(pack=pack).values_list("pk", flat=True))
    assert len(after) == 3 and not before & after


def test_publishing_happens_in_a_task_and_freezes_the_pack_at_once(pw, monkeypatch):

    pack = make_pack(pw)
    queued = []
    monkeypatch.setattr(services, "publish_pack", SimpleNamespace(enqueue=queued.append))
    pack = services.pack_publish(actor=pw.w.manager, pack=pack, allow_missing=True)
    assert pack.status == Pack.Status.PUBLISHING and queued == [pack.pk]
    assert services.pack_progress(pack) is None  # the task has not started
    # While the files are made, nothing may change the pack.
    with pytest.raises(ValidationError, match="being published"):
        services.pack_rebuild(actor=pw.w.manager, pack=pack)
    with pytest.raises(ValidationError, match="being published"):
        services.pack_publish(actor=pw.w.manager, pack=pack, allow_missing=True)
    with pytest.raises(ValidationError, match="not ready"):
        services.pack_file(pack, "pdf")
    jobs.pack_publish_finish(pack.pk)
    pack.refresh_from_db()
    assert pack.status == Pack.Status.PUBLISHED and pack.published_at is not None
    assert services.pack_progress(pack) == 100
    jobs.pack_publish_finish(pack.pk)  # a second run of the task changes nothing
    assert PackFile.objects.filter(pack=pack).count() == 3


def test_a_failing_publish_leaves_a_draft_that_says_why(pw, monkeypatch):
    pack = make_pack(pw)
    drafts = set(PackFile.objects.filter(pack=pack).values_list("pk", flat=True))

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "render", broken)
    pack = services.pack_publish(actor=pw.w.manager, pack=pack, allow_missing=True)
    assert pack.status == Pack.Status.DRAFT and pack.published_by is None
    assert "could not be published" in pack.error
    assert set(PackFile.objects.filter(pack=pack).values_list("pk", flat=True)) == drafts
    monkeypatch.undo()
    pack = services.pack_publish(actor=pw.w.manager, pack=pack, allow_missing=True)
    assert pack.status == Pack.Status.PUBLISHED


def test_a_failing_build_marks_the_pack_failed(pw, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "build_snapshot", broken)
    pack = make_pack(pw)
    assert pack.status == Pack.Status.FAILED
    assert "error in PlanTrack" in pack.error
    monkeypatch.undo()
    assert services.pack_rebuild(actor=pw.w.manager, pack=pack).status == Pack.Status.DRAFT


def test_missing_commentary_now_counts_only_what_the_pack_covers(pw):
    """A body overseeing one section: a red action in another section of the plan is not its
    business, in the snapshot or in the count shown on the draft."""
    from plantrack.governance.models import Body, Oversight
    from plantrack.packs import selectors

    elsewhere = plans.section_create(actor=pw.w.manager, plan=pw.w.plan, title="Diversion")
    outside = plans.action_create(
        actor=pw.w.manager, plan=pw.w.plan, section=elsewhere, ref="YC/DIV/1", title="Divert"
    )
    plans.update_post(actor=pw.w.manager, action=outside, narrative="Late.", rag="red")
    group = Body.objects.create(name="Intelligence Group")
    Oversight.objects.create(body=group, plan=pw.w.plan, section=pw.w.section)
    pack = services.pack_prepare(actor=pw.w.manager, body=group, period=pw.period)
    assert pack.snapshot["summary"]["missing_commentary"] == 2
    assert selectors.missing_commentary_count(pack) == 2
    _comment_all(pw)
    assert selectors.missing_commentary_count(pack) == 0
    whole = make_pack(pw)  # the Youth Board oversees the whole plan
    assert selectors.missing_commentary_count(whole) == 1
