"""Clean the control characters that text stored before input was cleaned may hold.

Updates are append-only, so an update with a vertical tab or a NUL in it could not be
removed when it broke the plan's export and every board pack. The writers cope with such text
now; this makes the stored rows what they would have been had input been cleaned then (line
breaks as "\\n", other control characters dropped), so pages and the API show them clean
too. Nothing else in the text changes; audit history rows keep what was written."""

from django.db import migrations

from plantrack.core.text import clean_text

FIELDS = {
    "Plan": ["title", "summary"],
    "Section": ["title", "description"],
    "Action": ["title", "description"],
    "Milestone": ["title"],
    "Update": ["narrative"],
}


def clean_stored_text(apps, schema_editor):
    for name, fields in FIELDS.items():
        model = apps.get_model("plans", name)
        rows = model.objects.values_list("pk", *fields).order_by("pk").iterator(chunk_size=2000)
        for pk, *values in rows:
            changed = {
                field: clean_text(value)
                for field, value in zip(fields, values, strict=True)
                if value and clean_text(value) != value
            }
            if changed:
                model.objects.filter(pk=pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_bounded_text"),
    ]

    operations = [
        migrations.RunPython(clean_stored_text, migrations.RunPython.noop, elidable=True),
    ]
