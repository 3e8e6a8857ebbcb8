"""Helpers for test_plan_versions.py: the services as the code defines them (found, not
listed), the rich world they run against, and a row-by-row fingerprint of what plan pages show.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model

import plantrack
from plantrack.core import changes

# --- The services ---------------------------------------------------------------------------


def _modules():
    for info in pkgutil.walk_packages(plantrack.__path__, "plantrack."):
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts or parts[-1] in {"conftest", "wsgi", "asgi"}:
            continue
        yield importlib.import_module(info.name)


def _is_service(module, function) -> bool:
    """The house's service shape: every parameter keyword-only, and an ``actor`` among them,
    wherever the function lives (imports' jobs, saving, merging, the demo loaders...); in a
    services module (``services.py`` or a ``services`` package) a keyword-only function without
    an actor too (``person_email_verify(*, token)``, ``reminders_send``)."""
    params = list(inspect.signature(function).parameters.values())
    if any(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in params
    ):
        return False
    keyword_only = [p.name for p in params if p.kind == p.KEYWORD_ONLY]
    if not keyword_only:
        return False
    in_services = any(part.startswith("services") for part in module.__name__.split(".")[1:])
    return "actor" in keyword_only or in_services


def enumerated_services() -> dict[str, Callable]:
    """Every public service function of the plantrack package, by name. Names are the house's
    ``<entity>_<verb>`` and unique; two different functions with one name fail here."""
    found: dict[str, Callable] = {}
    for module in _modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__ or not _is_service(module, function):
                continue
            other = found.setdefault(name, function)
            assert other is function, (
                f"two services named {name}: {other.__module__} and {function.__module__}"
            )
    return found


# --- The world -----------------------------------------------------------------------------


@dataclass
class Objects:
    """The matrix world's users and objects by attribute (``o.manager``, ``o.line``), fetched
    again from the database for each test, since a recipe may change an instance in memory."""

    values: dict

    def __getattr__(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def fresh(self) -> Objects:
        return Objects(
            {
                name: type(value)._base_manager.get(pk=value.pk)
                if isinstance(value, Model) and value.pk is not None
                else value
                for name, value in self.values.items()
            }
        )


def build_versions_world() -> Objects:
    """The permission matrix's world (a restricted plan with something of every kind, built
    through the services), plus what a few kinds need to show on the plan: a decision about
    the action taken at the meeting (so the meeting's title shows on the action page), a spend
    and a second body that oversees nothing yet."""
    import datetime as dt
    from decimal import Decimal

    from plantrack.budgets import services as budgets
    from plantrack.governance import services as governance
    from plantrack.plans.selectors import today
    from tests.security.conftest import build_matrix_world

    matrix = build_matrix_world()
    values = {**{k: v for k, v in matrix.users.items() if v is not None}, **matrix.objects}
    o = Objects(values)
    values["action_decision"] = governance.decision_record(
        actor=o.manager,
        body=o.body,
        text="Approve the policy.",
        meeting=o.meeting,
        subject=o.action,
    )
    values["spend"] = budgets.spend_record(
        actor=o.manager, line=o.line, amount=Decimal(100), date_recorded=today()
    )
    values["spare_body"] = governance.body_create(actor=o.admin, name="Spare Board")
    values["today"] = today()
    values["past"] = today() - dt.timedelta(days=3)
    return o


# --- What plan pages show, row by row --------------------------------------------------------

# Columns that are the cache's bookkeeping, not what a page shows.
BOOKKEEPING = {"plans_plan": {"version"}}


@dataclass(frozen=True)
class Table:
    model: type[Model]  # the declared model whose pages show this table's rows
    owner_column: str | None  # for a many-to-many table: the column naming the model's row


def declared_tables() -> dict[str, Table]:
    """The tables of the models declared in core.changes, with their many-to-many tables
    (an action's dependencies show on its page)."""
    tables = {}
    for model in changes.declared_models():
        tables[model._meta.db_table] = Table(model, None)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                tables[through._meta.db_table] = Table(model, field.m2m_column_name())
    return tables


Rows = dict[str, dict[object, str]]


def rows_fingerprint(tables: dict[str, Table]) -> Rows:
    """Each table's rows by primary key, each as a hash of its values (bookkeeping left out)."""
    found: Rows = {}
    with connection.cursor() as cursor:
        for name, table in tables.items():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            columns = [c[0] for c in cursor.description]
            pk = table.model._meta.pk.column if table.owner_column is None else "id"
            at = columns.index(pk)
            kept = [i for i, c in enumerate(columns) if c not in BOOKKEEPING.get(name, ())]
            found[name] = {
                row[at]: hashlib.sha256(repr([row[i] for i in kept]).encode()).hexdigest()
                for row in cursor.fetchall()
            }
            if table.owner_column is not None:
                # Keep the owner of each link row, to ask which plans show it.
                cursor.execute(
                    f"SELECT id, {connection.ops.quote_name(table.owner_column)} "
                    f"FROM {connection.ops.quote_name(name)}"
                )
                found[f"{name}:owner"] = dict(cursor.fetchall())
    return found


@dataclass
class Difference:
    changed: list[tuple[str, object]]  # (table, pk) added or changed
    removed: list[tuple[str, object]]

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)

    def describe(self) -> str:
        return ", ".join(
            f"{verb} {table} #{pk}"
            for verb, rows in (("changed", self.changed), ("removed", self.removed))
            for table, pk in rows
        )


def difference(tables: dict[str, Table], before: Rows, after: Rows) -> Difference:
    changed, removed = [], []
    for name in tables:
        old, new = before[name], after[name]
        changed += [(name, pk) for pk, digest in new.items() if old.get(pk) != digest]
        removed += [(name, pk) for pk in old if pk not in new]
    return Difference(sorted(changed, key=repr), sorted(removed, key=repr))


def plans_showing(tables: dict[str, Table], after: Rows, name: str, pk) -> set[int]:
    """The plans whose pages show a row that is there now, by the declarations themselves."""
    table = tables[name]
    if table.owner_column is not None:
        pk = after[f"{name}:owner"][pk]
    return changes.plans_of(table.model._base_manager.get(pk=pk))
