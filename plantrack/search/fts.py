"""Full-text indexes of the big tables, actions (100,000 nationally), updates (1,000,000) and
engagement activities (50,000), one way per database:

- PostgreSQL: GIN indexes over ``to_tsvector('simple', …)`` expressions of the columns, and
  queries written with the very same expressions (``vector``), so the planner uses them.
- SQLite: external-content FTS5 tables (the text stays in the app's tables; FTS5 keeps only
  its index), kept in step by triggers on insert, update and delete.

The 'simple' configuration (lower case, no stemming, no stop words) matches words the way
SQLite's unicode61 tokenizer does, so a search finds the same rows on both. Words match at
their start: "partner" finds "partners" and "partnership".

Django rebuilds a SQLite table to alter it (a new table, the rows copied, the old one
dropped), and dropping a table drops its triggers: ``ensure_sqlite`` runs after every
``migrate`` (apps.py) and puts back what is missing, rebuilding the index when it does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, TextField, Value
from django.db.models.sql import Query

from plantrack.engagement.models import Activity
from plantrack.plans.models import Action, Update


@dataclass(frozen=True)
class Indexed:
    model: type[Action] | type[Update] | type[Activity]
    table: str  # the app's table
    fts: str  # the FTS5 table (SQLite) or the index (PostgreSQL)
    columns: tuple[str, ...]


ACTIONS = Indexed(
    Action, "plans_action", "search_action_fts", ("ref", "title", "description", "owner_text")
)
UPDATES = Indexed(Update, "plans_update", "search_update_fts", ("narrative",))
ACTIVITIES = Indexed(
    Activity, "engagement_activity", "search_activity_fts", ("title", "description", "owner_text")
)
INDEXED = (ACTIONS, UPDATES, ACTIVITIES)
CONFIG = "simple"


# --- PostgreSQL -----------------------------------------------------------------------------


def vector(indexed: Indexed) -> SearchVector:
    """The document of a row, as the GIN index holds it (``postgres_index_sql``). Slashes
    become spaces: PostgreSQL's parser reads "YC/INT/1" as one file path, SQLite's as three
    words, as the query's terms are."""
    columns = [
        Func(F(c), Value("/"), Value(" "), function="translate", output_field=TextField())
        for c in indexed.columns
    ]
    return SearchVector(*columns, config=CONFIG)


def postgres_query(terms: list[str]) -> SearchQuery:
    """Every term, each as the start of a word. Terms are letters and digits only (see
    ``selectors.terms``), so they cannot carry tsquery operators."""
    return SearchQuery(" & ".join(f"{t}:*" for t in terms), search_type="raw", config=CONFIG)


def postgres_index_sql(indexed: Indexed, connection: BaseDatabaseWrapper) -> str:
    """CREATE INDEX over the expression ``vector`` compiles to, so that the two never differ."""
    query = Query(indexed.model)
    compiler = query.get_compiler(connection=connection)
    expression = vector(indexed).resolve_expression(query)
    sql, params = compiler.compile(expression)
    sql = sql.replace(f'"{indexed.table}".', "")
    # The config and the empty strings of COALESCE are parameters in a query; an index needs
    # them written out.
    sql = sql % tuple("'{}'".format(str(p).replace("'", "''")) for p in params)
    return f'CREATE INDEX IF NOT EXISTS "{indexed.fts}" ON "{indexed.table}" USING gin ({sql})'


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_match(terms: list[str]) -> str:
    """An FTS5 query: every term, each as a quoted string; three letters or more also as the
    start of a word (a one- or two-letter prefix would read a large part of the index)."""
    return " ".join(f'"{t}"*' if len(t) >= 3 else f'"{t}"' for t in terms)


def _triggers(indexed: Indexed) -> dict[str, str]:
    cols = ", ".join(indexed.columns)
    new = ", ".join(f"new.{c}" for c in indexed.columns)
    old = ", ".join(f"old.{c}" for c in indexed.columns)
    insert = f"INSERT INTO {indexed.fts}(rowid, {cols}) VALUES (new.id, {new});"
    delete = (
        f"INSERT INTO {indexed.fts}({indexed.fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    )
    watched = ", ".join(indexed.columns)
    return {
        f"{indexed.fts}_ai": f"AFTER INSERT ON {indexed.table} BEGIN {insert} END",
        f"{indexed.fts}_ad": f"AFTER DELETE ON {indexed.table} BEGIN {delete} END",
        f"{indexed.fts}_au": (
            f"AFTER UPDATE OF {watched} ON {indexed.table} BEGIN {delete} {insert} END"
        ),
    }


def ensure_sqlite(connection: BaseDatabaseWrapper) -> list[str]:
    """Create what is missing of the FTS5 tables and their triggers; rebuild an index whose
    table or triggers were missing. Returns the FTS tables rebuilt."""
    rebuilt = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for indexed in INDEXED:
            if indexed.table not in present:
                continue
            missing = indexed.fts not in present
            if missing:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {indexed.fts} USING fts5("
                    f"{', '.join(indexed.columns)}, content='{indexed.table}', "
                    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
                )
            for name, body in _triggers(indexed).items():
                if name not in present:
                    missing = True
                    cursor.execute(f"CREATE TRIGGER {name} {body}")
            if missing:
                cursor.execute(f"INSERT INTO {indexed.fts}({indexed.fts}) VALUES ('rebuild')")
                rebuilt.append(indexed.fts)
    return rebuilt


def drop_sqlite(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for indexed in INDEXED:
            for name in _triggers(indexed):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {indexed.fts}")


def ensure(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "sqlite":
        ensure_sqlite(connection)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for indexed in INDEXED:
                cursor.execute(postgres_index_sql(indexed, connection))


def drop(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "sqlite":
        drop_sqlite(connection)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for indexed in INDEXED:
                cursor.execute(f'DROP INDEX IF EXISTS "{indexed.fts}"')
