from django.db import migrations

# Group descriptors for the communities an activity targets or an organisation serves: the
# ones seed 002's register names, and the usual others. Administrators extend the list. They
# describe groups, never a person.
COMMUNITIES = [
    "Young people",
    "Children and families",
    "Older people",
    "Black, Asian and minority ethnic communities",
    "Faith communities",
    "Deaf, deafened and hard of hearing people",
    "Disabled people",
    "LGBT+ communities",
    "Refugees and asylum seekers",
    "Gypsy, Roma and Traveller communities",
    "Victims of crime",
    "Residents of a neighbourhood",
    "Businesses",
    "Schools and students",
    "Hard-to-reach groups",
]


def add(apps, schema_editor):
    Community = apps.get_model("engagement", "Community")
    for name in COMMUNITIES:
        Community.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("engagement", "0003_register_version")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
