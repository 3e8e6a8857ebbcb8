from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.packs import services
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
    assert not PackFile.objects.exists()  # drafts are rendered on demand


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
    assert pack.status == Pack.Status.DRAFT and not PackFile.objects.exists()
    services.pack_publish(actor=pw.w.manager, pack=pack, allow_missing=True)
    assert Pack.objects.get(pk=pack.pk).status == Pack.Status.PUBLISHED


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


def test_a_draft_renders_on_demand_marked_as_draft(pw):
    import io

    import docx as python_docx

    pack = make_pack(pw)
    data = services.pack_file(pack, "docx")
    text = "\n".join(p.text for p in python_docx.Document(io.BytesIO(data)).paragraphs)
    assert "Draft: this pack has not been published" in text
    with pytest.raises(ValidationError):
        services.pack_file(pack, "odt")


def test_a_failing_build_marks_the_pack_failed(pw, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "build_snapshot", broken)
    pack = make_pack(pw)
    assert pack.status == Pack.Status.FAILED
    assert "error in PlanTrack" in pack.error
    monkeypatch.undo()
    assert services.pack_rebuild(actor=pw.w.manager, pack=pack).status == Pack.Status.DRAFT
