"""Backup and restore of a whole deployment: the database and the stored files in one archive.

An archive is a plain tar file holding

- ``database.sqlite3`` (SQLite: a copy made with SQLite's online backup API, consistent while
  the app runs) or ``database.pgdump`` (PostgreSQL: ``pg_dump -Fc`` in one snapshot);
- ``files/<name>``: every file of the default storage (the evidence files; packs and import
  jobs keep their bytes in the database);
- ``manifest.json``: the format, when it was made, the PlanTrack version, the latest applied
  migration per app, the database vendor, each table's row count and content digest (taken
  in the same snapshot as the dump), and the size and SHA-256 of every other member;
- ``manifest.json.sha256``: the SHA-256 of ``manifest.json``, so every byte is covered.

Restoring checks every checksum before anything changes. ``--verify`` restores the database
into a scratch database (a temporary file, or a new PostgreSQL database dropped afterwards) and
compares each table with the manifest. This module knows no domain model: it works on tables
and stored files as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = "plantrack-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.json.sha256"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
FILES = "files/"
CHUNK = 1024 * 1024
PAGE = 2000  # rows read at a time when digesting a table

# Connection options of Django's PostgreSQL backend that are not libpq parameters.
_DJANGO_PG_OPTIONS = {
    "pool",
    "isolation_level",
    "server_side_binding",
    "assume_role",
    "prepare_threshold",
}
# libpq parameters that pg_dump and pg_restore take from the environment, never the command
# line (where other users of the machine could read them).
_PG_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore refused or failed; the message is one line for the user."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    expected_rows: int | None
    actual_rows: int | None
    matches: bool


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    size: int


@dataclass(frozen=True)
class Verification:
    checks: list[TableCheck]
    manifest: dict[str, Any]

    @property
    def ok(self) -> bool:
        return all(check.matches for check in self.checks)

    @property
    def differing(self) -> list[str]:
        return [check.table for check in self.checks if not check.matches]


# --- Table digests ------------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """A value as JSON can hold it, the same each time the same row is read on one vendor."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"f": repr(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b": bytes(value).hex()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {"d": {str(key): _canonical(item) for key, item in value.items()}}
    return {"s": str(value)}  # Decimal, dates and times, UUID, intervals


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Catalogue:
    """The few catalogue questions a digest asks, for one vendor's DB-API connection."""

    def __init__(self, vendor: str, connection: Any) -> None:
        self.vendor = vendor
        self.connection = connection
        self.param = "?" if vendor == "sqlite" else "%s"

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def tables(self) -> list[str]:
        if self.vendor == "sqlite":
            sql = (
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
        else:
            sql = (
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relname"
            )
        return [row[0] for row in self.rows(sql)]

    def columns(self, table: str) -> list[str]:
        if self.vendor == "sqlite":
            return sorted(row[1] for row in self.rows(f"PRAGMA table_info({_quote(table)})"))
        return sorted(
            row[0]
            for row in self.rows(
                "SELECT attname FROM pg_attribute WHERE attrelid = quote_ident(%s)::regclass "
                "AND attnum > 0 AND NOT attisdropped",
                (table,),
            )
        )

    def primary_key(self, table: str) -> list[str]:
        if self.vendor == "sqlite":
            info = self.rows(f"PRAGMA table_info({_quote(table)})")
            return [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
        return [
            row[0]
            for row in self.rows(
                "SELECT a.attname FROM pg_index i "
                "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE i.indrelid = quote_ident(%s)::regclass AND i.indisprimary "
                "ORDER BY k.ord",
                (table,),
            )
        ]


def _table_rows(catalogue: _Catalogue, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``table`` ordered by primary key: a page at a time after the last key seen
    when the key is one column, so a large table is never held in memory at once."""
    key = catalogue.primary_key(table)
    selected = ", ".join(_quote(column) for column in columns)
    if len(key) != 1:
        order = ", ".join(_quote(column) for column in (key or columns))
        cursor = catalogue.connection.cursor()
        try:
            cursor.execute(f"SELECT {selected} FROM {_quote(table)} ORDER BY {order}")
            while batch := cursor.fetchmany(PAGE):
                yield from batch
        finally:
            cursor.close()
        return
    position = columns.index(key[0])
    base = f"SELECT {selected} FROM {_quote(table)}"
    order = f" ORDER BY {_quote(key[0])} LIMIT {PAGE}"
    last: Any = None
    while True:
        if last is None:
            batch = catalogue.rows(base + order)
        else:
            where = f" WHERE {_quote(key[0])} > {catalogue.param}"
            batch = catalogue.rows(base + where + order, (last,))
        yield from batch
        if len(batch) < PAGE:
            return
        last = batch[-1][position]


def table_digests(vendor: str, connection: Any) -> dict[str, dict[str, Any]]:
    """Each table's row count and SHA-256 over its column names and its rows in key order."""
    catalogue = _Catalogue(vendor, connection)
    digests: dict[str, dict[str, Any]] = {}
    for table in catalogue.tables():
        columns = catalogue.columns(table)
        digest = hashlib.sha256(json.dumps(columns).encode())
        count = 0
        for row in _table_rows(catalogue, table, columns):
            line = json.dumps([_canonical(value) for value in row], separators=(",", ":"))
            digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
            count += 1
        digests[table] = {"rows": count, "sha256": digest.hexdigest()}
    return digests


def _latest_migrations(vendor: str, connection: Any) -> dict[str, str]:
    """The migration applied last for each app, from the django_migrations table."""
    catalogue = _Catalogue(vendor, connection)
    if "django_migrations" not in catalogue.tables():
        return {}
    latest: dict[str, str] = {}
    for app, name in catalogue.rows("SELECT app, name FROM django_migrations ORDER BY id"):
        latest[app] = name
    return dict(sorted(latest.items()))


# --- Databases ----------------------------------------------------------------------------------


def _live() -> Any:
    return connections["default"]


def _vendor() -> str:
    vendor = _live().vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"backups of a {vendor} database are not supported")
    return str(vendor)


def _sqlite_connect(name: str | Path) -> sqlite3.Connection:
    # No type converters: the digest reads the values as stored. uri=True as Django opens it,
    # so that a test's shared in-memory database is the same one.
    return sqlite3.connect(str(name), uri=True, timeout=20, isolation_level=None)


def _sqlite_live_name() -> str:
    name = str(_live().settings_dict["NAME"])
    if name == ":memory:" or (
        name.startswith("file:") and "mode=memory" in name and "cache=shared" not in name
    ):
        raise BackupError("the database is a private in-memory SQLite database; nothing to back up")
    return name


def _pg_params(dbname: str | None = None) -> dict[str, Any]:
    """libpq parameters of the live database (or of ``dbname`` on the same server)."""
    settings_dict = _live().settings_dict
    params: dict[str, Any] = {
        "dbname": dbname or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in _DJANGO_PG_OPTIONS and isinstance(value, str | int):
            params[key] = value
    return {key: value for key, value in params.items() if value is not None}


def _pg_env(params: dict[str, Any]) -> dict[str, str]:
    # The environment's own PG* settings (a PGPASSFILE, say) stay; the database's settings win.
    env = dict(os.environ)
    for key, value in params.items():
        if key in _PG_ENV:
            env[_PG_ENV[key]] = str(value)
    return env


def _pg_connect(dbname: str | None = None, *, autocommit: bool = False) -> Any:
    import psycopg

    try:
        return psycopg.connect(**_pg_params(dbname), autocommit=autocommit)
    except psycopg.Error as exc:
        raise BackupError(f"cannot connect to PostgreSQL: {_first_line(str(exc))}") from None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no message"


def _run_pg_tool(program: str, args: list[str], params: dict[str, Any]) -> None:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} is not installed (Debian: apt install postgresql-client); it is needed "
            "to back up or restore a PostgreSQL database"
        )
    result = subprocess.run(
        [path, *args], env=_pg_env(params), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
        raise BackupError(
            f"{program} failed: {_first_line(errors[0] if errors else result.stderr)}"
        )


@contextmanager
def _pg_snapshot(dbname: str | None = None) -> Iterator[Any]:
    """A read-only transaction in one snapshot, in UTC, on the live database (or ``dbname``)."""
    with closing(_pg_connect(dbname)) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        connection.execute("SET TIME ZONE 'UTC'")
        try:
            yield connection
        finally:
            connection.rollback()


@contextmanager
def _sqlite_snapshot(name: str | Path) -> Iterator[sqlite3.Connection]:
    with closing(_sqlite_connect(name)) as connection:
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("ROLLBACK")


def _dump_database(vendor: str, target: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Write the live database to ``target``; return its table digests and migrations, read
    from the very data written."""
    if vendor == "sqlite":
        with (
            closing(_sqlite_connect(_sqlite_live_name())) as source,
            closing(sqlite3.connect(target, isolation_level=None)) as copy,
        ):
            source.backup(copy)  # one step: a consistent copy, writers wait meanwhile
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        with _sqlite_snapshot(target) as copy:
            return table_digests(vendor, copy), _latest_migrations(vendor, copy)
    with _pg_snapshot() as connection:
        # pg_dump reads the snapshot this transaction exported, so the digests below describe
        # exactly the rows dumped, whatever the app writes meanwhile.
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run_pg_tool(
            "pg_dump",
            ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            _pg_params(),
        )
        return table_digests(vendor, connection), _latest_migrations(vendor, connection)


# --- Stored files -------------------------------------------------------------------------------


def _stored_files(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(folders):
        yield from _stored_files(storage, prefix + sub)


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add(tar: tarfile.TarFile, name: str, source: IO[bytes], size: int) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    reader = _Hashing(source)
    tar.addfile(info, reader)
    return {"size": reader.size, "sha256": reader.sha256.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    _add(tar, name, io.BytesIO(data), len(data))


# --- Backup -------------------------------------------------------------------------------------


def _plantrack_version() -> str:
    try:
        return importlib.metadata.version("plantrack")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def backup(out: str | Path, *, log: Callable[[str], None] = lambda line: None) -> BackupResult:
    """Write a backup archive to ``out``: first to a temporary name beside it, renamed once
    complete, so a failed backup never leaves a partial archive under that name."""
    out = Path(out)
    if out.is_dir():
        raise BackupError(
            f"{out} is a folder; give the archive's file name, e.g. {out}/plantrack.tar"
        )
    if not out.parent.is_dir():
        raise BackupError(f"no such folder: {out.parent}")
    vendor = _vendor()
    fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            tempfile.TemporaryDirectory(prefix=".plantrack-backup-", dir=out.parent) as work,
        ):
            database = Path(work) / DATABASE_MEMBERS[vendor]
            log(f"Copying the {VENDOR_NAMES[vendor]} database")
            digests, migrations = _dump_database(vendor, database)
            members: dict[str, dict[str, Any]] = {}
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                with open(database, "rb") as source:
                    members[database.name] = _add(
                        tar, database.name, source, database.stat().st_size
                    )
                log("Copying the stored files")
                files = 0
                for name in _stored_files(default_storage):
                    with default_storage.open(name, "rb") as source:
                        member = FILES + name
                        members[member] = _add(tar, member, source, default_storage.size(name))
                    files += 1
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(),
                    "plantrack_version": _plantrack_version(),
                    "database": {"vendor": vendor, "member": database.name},
                    "migrations": migrations,
                    "tables": digests,
                    "members": members,
                }
                manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
                _add_bytes(tar, MANIFEST, manifest_bytes)
                digest = hashlib.sha256(manifest_bytes).hexdigest()
                _add_bytes(tar, MANIFEST_SUM, f"{digest}  {MANIFEST}\n".encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return BackupResult(
        path=out,
        tables=len(digests),
        rows=sum(table["rows"] for table in digests.values()),
        files=files,
        size=out.stat().st_size,
    )


# --- Reading an archive -------------------------------------------------------------------------


class Archive:
    """An archive whose manifest and every member's checksum have been checked."""

    def __init__(self, path: Path, tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
        self.path = path
        self.tar = tar
        self.manifest = manifest

    @property
    def vendor(self) -> str:
        return str(self.manifest["database"]["vendor"])

    def member(self, name: str) -> IO[bytes]:
        source = self.tar.extractfile(name)
        if source is None:
            raise BackupError(f"{self.path}: {name} is not a file")
        return source

    def files(self) -> list[str]:
        return sorted(
            name[len(FILES) :] for name in self.manifest["members"] if name.startswith(FILES)
        )

    def extract_database(self, folder: Path) -> Path:
        target = folder / self.manifest["database"]["member"]
        with self.member(self.manifest["database"]["member"]) as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)
        return target


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "" not in name.split("/")


# A manifest lists tables and files: far below this, however large the deployment.
MANIFEST_MAX_BYTES = 64 * 1024 * 1024


def _plain(member: tarfile.TarInfo) -> bool:
    """A regular file as it is stored: not a link, a device, nor a GNU sparse member (a few
    bytes in the archive that read back as gigabytes)."""
    return member.type in (tarfile.REGTYPE, tarfile.AREGTYPE) and not member.issparse()


def _read_manifest(path: Path, tar: tarfile.TarFile) -> dict[str, Any]:
    names = set(tar.getnames())
    if MANIFEST not in names or MANIFEST_SUM not in names:
        raise BackupError(
            f"{path} is not a PlanTrack backup, or is truncated: it has no {MANIFEST}"
        )
    for name in (MANIFEST, MANIFEST_SUM):
        member = tar.getmember(name)
        if not _plain(member) or member.size > MANIFEST_MAX_BYTES:
            raise BackupError(f"{path} is corrupt: {name} is not a plain file of a sane size")
    manifest_file = tar.extractfile(MANIFEST)
    sum_file = tar.extractfile(MANIFEST_SUM)
    if manifest_file is None or sum_file is None:
        raise BackupError(f"{path} is not a PlanTrack backup: {MANIFEST} is not a file")
    manifest_bytes = manifest_file.read()
    expected = sum_file.read().decode("ascii", "replace").split()[:1]
    if [hashlib.sha256(manifest_bytes).hexdigest()] != expected:
        raise BackupError(f"{path} is corrupt: {MANIFEST} does not match its checksum")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise BackupError(f"{path} is corrupt: {MANIFEST} is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a PlanTrack backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup in format version {manifest.get('format_version')!r}; "
            f"this PlanTrack reads version {FORMAT_VERSION}"
        )
    database = manifest.get("database") or {}
    if database.get("vendor") not in DATABASE_MEMBERS or database.get("member") not in (
        manifest.get("members") or {}
    ):
        raise BackupError(f"{path} is corrupt: its manifest names no database")
    return manifest


def _check_members(path: Path, tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    expected: dict[str, dict[str, Any]] = manifest["members"]
    present = {member.name: member for member in tar.getmembers()}
    extra = set(present) - set(expected) - {MANIFEST, MANIFEST_SUM}
    missing = set(expected) - set(present)
    if missing:
        raise BackupError(
            f"{path} is truncated or corrupt: {len(missing)} member(s) missing, e.g. {min(missing)}"
        )
    if extra:
        raise BackupError(f"{path} is corrupt: {min(extra)} is not in its manifest")
    for name, want in expected.items():
        member = present[name]
        if not _plain(member) or not _safe_member_name(name):
            raise BackupError(f"{path} is corrupt: {name} is not a plain file")
        source = tar.extractfile(member)
        if source is None:
            raise BackupError(f"{path} is corrupt: {name} is not a plain file")
        digest = hashlib.sha256()
        size = 0
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        if size != want.get("size") or digest.hexdigest() != want.get("sha256"):
            raise BackupError(f"{path} is corrupt: {name} does not match its checksum")


@contextmanager
def open_archive(path: str | Path) -> Iterator[Archive]:
    """Open ``path`` and check it whole: its manifest, the database vendor, and the checksum of
    every member. Raises BackupError (one line) before anything is changed."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"no such file: {path}")
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        tar = tarfile.open(path, mode="r:")  # noqa: SIM115 - closed by the "with tar" below
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{path} is not a PlanTrack backup (not a tar archive)") from None
    with tar:
        try:
            manifest = _read_manifest(path, tar)
            vendor = _vendor()
            if manifest["database"]["vendor"] != vendor:
                raise BackupError(
                    f"{path} is a backup of a {VENDOR_NAMES[manifest['database']['vendor']]} "
                    f"database; this PlanTrack runs on {VENDOR_NAMES[vendor]}"
                )
            _check_members(path, tar, manifest)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"{path} is truncated or corrupt ({_first_line(str(exc))})") from None
        yield Archive(path, tar, manifest)


# --- Restore and verify -------------------------------------------------------------------------


def compare(manifest: dict[str, Any], actual: dict[str, dict[str, Any]]) -> Verification:
    expected: dict[str, dict[str, Any]] = manifest["tables"]
    checks = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        checks.append(
            TableCheck(
                table=table,
                expected_rows=want["rows"] if want else None,
                actual_rows=got["rows"] if got else None,
                matches=want is not None and want == got,
            )
        )
    return Verification(checks=checks, manifest=manifest)


def _scratch_sqlite(archive: Archive, work: Path) -> dict[str, dict[str, Any]]:
    extracted = archive.extract_database(work)
    scratch = work / "scratch.sqlite3"
    with (
        closing(sqlite3.connect(extracted, isolation_level=None)) as source,
        closing(sqlite3.connect(scratch, isolation_level=None)) as target,
    ):
        source.backup(target)
    with _sqlite_snapshot(scratch) as connection:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(
                f"the restored database fails SQLite's integrity check: {problems[0]}"
            )
        return table_digests("sqlite", connection)


def _scratch_postgresql(archive: Archive, work: Path) -> dict[str, dict[str, Any]]:
    from psycopg import sql

    dump = archive.extract_database(work)
    name = f"plantrack_verify_{secrets.token_hex(6)}"
    with closing(_pg_connect(autocommit=True)) as admin:
        encoding, collate, ctype = admin.execute(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
        admin.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING {} LC_COLLATE {} LC_CTYPE {}"
            ).format(
                sql.Identifier(name),
                sql.Literal(encoding),
                sql.Literal(collate),
                sql.Literal(ctype),
            )
        )
        try:
            _run_pg_tool(
                "pg_restore",
                ["--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={name}", str(dump)],
                _pg_params(name),
            )
            with _pg_snapshot(name) as connection:
                return table_digests("postgresql", connection)
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def verify(archive: Archive) -> Verification:
    """Restore the archive's database into a scratch database and compare each table with the
    manifest. The live database is never touched."""
    with tempfile.TemporaryDirectory(prefix="plantrack-verify-") as work:
        if archive.vendor == "sqlite":
            actual = _scratch_sqlite(archive, Path(work))
        else:
            actual = _scratch_postgresql(archive, Path(work))
    return compare(archive.manifest, actual)


def live_digests() -> dict[str, dict[str, Any]]:
    """The live database's table digests, read in one snapshot."""
    vendor = _vendor()
    if vendor == "sqlite":
        with _sqlite_snapshot(_sqlite_live_name()) as connection:
            return table_digests(vendor, connection)
    with _pg_snapshot() as connection:
        return table_digests(vendor, connection)


def unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations the backup had applied that this PlanTrack does not have: it was made by a
    newer version."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, name in manifest.get("migrations", {}).items()
        if (app, name) not in known
    ]


def _restore_files(archive: Archive, storage: Storage) -> int:
    restored = 0
    for name in archive.files():
        want = archive.manifest["members"][FILES + name]["sha256"]
        if storage.exists(name):
            digest = hashlib.sha256()
            with storage.open(name, "rb") as current:
                while chunk := current.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() == want:
                continue
            storage.delete(name)
        with archive.member(FILES + name) as source:
            content = File(source, name=name)
            # Said, not guessed: File would take the size of the archive it names.
            content.size = archive.manifest["members"][FILES + name]["size"]
            saved = storage.save(name, content)
        if saved != name:
            storage.delete(saved)
            raise BackupError(f"the storage kept {name} under another name ({saved})")
        restored += 1
    return restored


def restore(archive: Archive, *, log: Callable[[str], None] = lambda line: None) -> Verification:
    """Replace the live database with the archive's and put back its stored files (files
    stored since are left in place); then compare the live database with the manifest."""
    unknown = unknown_migrations(archive.manifest)
    if unknown:
        raise BackupError(
            f"the backup was made by a newer PlanTrack (migration {unknown[0]} is unknown here); "
            "install that version before restoring it"
        )
    live = _live()
    live.close()  # a connection of ours must not hold the tables being replaced
    with tempfile.TemporaryDirectory(prefix="plantrack-restore-") as work:
        extracted = archive.extract_database(Path(work))
        log(f"Restoring the {VENDOR_NAMES[archive.vendor]} database")
        if archive.vendor == "sqlite":
            with (
                closing(sqlite3.connect(extracted, isolation_level=None)) as source,
                closing(_sqlite_connect(_sqlite_live_name())) as target,
            ):
                source.backup(target)  # all pages at once, under SQLite's own locks
        else:
            _run_pg_tool(
                "pg_restore",
                [
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={live.settings_dict['NAME']}",
                    str(extracted),
                ],
                _pg_params(),
            )
    live.close()
    log("Restoring the stored files")
    restored = _restore_files(archive, default_storage)
    log(
        f"{restored} of {len(archive.files())} stored files written (the others were already there)"
    )
    return compare(archive.manifest, live_digests())


def created_at(manifest: dict[str, Any]) -> str:
    try:
        return (
            dt.datetime.fromisoformat(manifest["created_at"]).strftime("%Y-%m-%d %H:%M %Z").strip()
        )
    except (KeyError, TypeError, ValueError):
        return "an unknown time"
