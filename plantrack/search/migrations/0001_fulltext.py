"""Full-text indexes of actions, updates and engagement activities (plantrack/search/fts.py): FTS5 tables and their
triggers on SQLite, GIN expression indexes on PostgreSQL; nothing on other databases."""

from __future__ import annotations

from django.db import migrations


def create(apps, schema_editor):
    from plantrack.search import fts

    fts.ensure(schema_editor.connection)


def remove(apps, schema_editor):
    from plantrack.search import fts

    fts.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_section_milestone_updated_at"),
        ("engagement", "0006_evaluation_tallies"),
    ]
    operations = [migrations.RunPython(create, remove, elidable=False)]
