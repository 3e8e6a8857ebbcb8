"""`plantrack backup` and `plantrack restore` on the database the suite runs on (SQLite, or
PostgreSQL with DATABASE_URL). Transactional tests: pg_dump, in another process, sees only
committed rows."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from plantrack import cli
from plantrack.core.tests.factories import build_world, make_action
from plantrack.demo.loader import load_demo
from plantrack.evidence import services as evidence
from plantrack.evidence.tests import samples
from plantrack.ops import backup
from plantrack.plans import services as plans
from plantrack.plans.models import Action

pytestmark = pytest.mark.django_db(transaction=True)


def _backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", out=str(path), stdout=out)
    return out.getvalue()


def _restore(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def _manifest(path: Path) -> dict:
    with tarfile.open(path) as tar:
        member = tar.extractfile(backup.MANIFEST)
        assert member is not None
        return json.loads(member.read())


def _rewrite(source: Path, target: Path, change) -> None:
    """A copy of ``source`` whose manifest ``change`` edited, with its checksum made to match:
    an archive that is whole but not one this database may take."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        manifest = json.loads(old.extractfile(backup.MANIFEST).read())  # type: ignore[union-attr]
        change(manifest)
        data = json.dumps(manifest).encode()
        for member in old.getmembers():
            if member.name == backup.MANIFEST:
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
            elif member.name == backup.MANIFEST_SUM:
                line = f"{hashlib.sha256(data).hexdigest()}  {backup.MANIFEST}\n".encode()
                member.size = len(line)
                new.addfile(member, io.BytesIO(line))
            else:
                new.addfile(member, old.extractfile(member))


def _attach(world, data: bytes):
    update = plans.update_post(
        actor=world.owner, action=world.action, narrative="Minutes signed off.", rag="green"
    )
    return evidence.evidence_attach_file(
        actor=world.owner, target=update, upload=samples.upload("minutes.pdf", data)
    )


def _scratch_databases() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'plantrack_verify_%'")
        return [row[0] for row in cursor.fetchall()]


def test_the_demo_round_trips_table_by_table(tmp_path):
    load_demo()
    world = build_world()
    attached = _attach(world, samples.pdf_bytes("Board minutes"))
    archive = tmp_path / "plantrack.tar"
    live = backup.live_digests()

    said = _backup(archive)

    assert f"{len(live)} tables" in said and "stored files" in said
    manifest = _manifest(archive)
    # Every table's rows and digest, as the live database has them.
    assert manifest["tables"] == live
    assert manifest["tables"]["plans_action"]["rows"] == Action.objects.count() > 100
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["plans"].startswith("0")
    assert manifest["members"][f"files/{attached.file.name}"]["sha256"] == attached.sha256

    report = _restore(archive, "--verify")

    rows = {line.split()[0]: line for line in report.splitlines()[2:-1]}
    assert set(rows) == set(live)
    assert all(line.endswith(" ok") for line in rows.values())
    assert report.splitlines()[-1].startswith(f"verify: all {len(live)} tables match")
    assert backup.live_digests() == live
    assert _scratch_databases() == []


def test_a_restore_brings_back_the_rows_and_the_files_byte_for_byte(tmp_path):
    world = build_world()
    data = samples.pdf_bytes("Signed-off minutes")
    attached = _attach(world, data)
    archive = tmp_path / "plantrack.tar"
    _backup(archive)
    before = backup.live_digests()
    # Since the backup: a new action, and the evidence file lost.
    make_action(world.plan, world.manager, ref="LATER/1")
    default_storage.delete(attached.file.name)
    assert backup.live_digests() != before

    with pytest.raises(CommandError, match="restore cancelled; nothing changed"):
        _restore(archive)
    assert Action.objects.filter(ref="LATER/1").exists()

    report = _restore(archive, "--yes")

    assert "verify: all" in report.splitlines()[-1]
    assert backup.live_digests() == before
    assert not Action.objects.filter(ref="LATER/1").exists()
    with default_storage.open(attached.file.name, "rb") as restored:
        assert restored.read() == data


def test_verify_never_touches_the_live_database(tmp_path):
    world = build_world()
    archive = tmp_path / "plantrack.tar"
    _backup(archive)
    make_action(world.plan, world.manager, ref="AFTER/1")
    live = backup.live_digests()

    report = _restore(archive, "--verify")

    assert "verify: all" in report.splitlines()[-1]
    assert backup.live_digests() == live
    assert Action.objects.filter(ref="AFTER/1").exists()
    assert _scratch_databases() == []


@pytest.fixture
def world(transactional_db):
    return build_world()


@pytest.fixture
def archive(world, tmp_path) -> Path:
    default_storage.save("evidence/2025/01/kept.txt", ContentFile(b"kept"))
    path = tmp_path / "plantrack.tar"
    _backup(path)
    return path


def _corrupt(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    with tarfile.open(path) as tar:
        offset = tar.getmember(_manifest(path)["database"]["member"]).offset_data
    data[offset + 200] ^= 0xFF
    bad = path.with_name("corrupt.tar")
    bad.write_bytes(bytes(data))
    return bad


def _truncated(path: Path) -> Path:
    bad = path.with_name("truncated.tar")
    bad.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return bad


def _not_an_archive(path: Path) -> Path:
    bad = path.with_name("notes.tar")
    bad.write_text("not a backup\n")
    return bad


def _format_2(path: Path) -> Path:
    bad = path.with_name("format-2.tar")
    _rewrite(path, bad, lambda manifest: manifest.update(format_version=2))
    return bad


def _other_vendor(path: Path) -> Path:
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    bad = path.with_name("other-vendor.tar")

    def change(manifest):
        manifest["database"]["vendor"] = other

    _rewrite(path, bad, change)
    return bad


def _linked_manifest(path: Path) -> Path:
    """The manifest as a link (or, alike, a sparse member that reads back as gigabytes)."""
    bad = path.with_name("linked.tar")
    with tarfile.open(path) as source, tarfile.open(bad, "w") as target:
        for member in source.getmembers():
            if member.name == "manifest.json":
                link = tarfile.TarInfo("manifest.json")
                link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
                target.addfile(link)
            else:
                target.addfile(member, source.extractfile(member))
    return bad


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_corrupt, r"is corrupt: database\.\w+ does not match its checksum"),
        (_truncated, r"is truncated"),
        (_not_an_archive, r"is not a PlanTrack backup \(not a tar archive\)"),
        (_format_2, r"format version 2; this PlanTrack reads version 1"),
        (_other_vendor, r"is a backup of a (SQLite|PostgreSQL) database; this PlanTrack runs on"),
        (lambda path: path.with_name("missing.tar"), r"no such file: .*missing\.tar"),
        (_linked_manifest, r"manifest\.json is not a plain file"),
    ],
    ids=["corrupt", "truncated", "not-an-archive", "format-2", "other-vendor", "missing", "link"],
)
def test_a_bad_archive_is_refused_in_one_line_with_nothing_changed(
    world, archive, spoil, message, capsys
):
    bad = spoil(archive)
    default_storage.delete("evidence/2025/01/kept.txt")
    make_action(world.plan, world.manager, ref="NEW/1")
    live = backup.live_digests()

    for args in (["--verify"], ["--yes"]):
        assert cli.main(["restore", *args, str(bad)]) == 1
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and error.startswith("plantrack: ")
        assert re.search(message, error), error

    assert backup.live_digests() == live
    assert not default_storage.exists("evidence/2025/01/kept.txt")


def test_a_failed_backup_leaves_no_file(tmp_path, monkeypatch):
    build_world()
    out = tmp_path / "plantrack.tar"

    def fail(*args, **kwargs):
        raise backup.BackupError("the disk is full")

    monkeypatch.setattr(backup, "_add_bytes", fail)
    assert cli.main(["backup", "--out", str(out)]) == 1
    assert list(tmp_path.iterdir()) == []
    assert cli.main(["backup", "--out", str(tmp_path / "no" / "such.tar")]) == 1
