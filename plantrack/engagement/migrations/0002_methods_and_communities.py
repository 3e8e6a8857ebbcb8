from django.db import migrations

# The methods named in seed 002's register (Table 2), and the usual others. Administrators
# extend the list in the admin; nothing refers to a method by its name.
METHODS = [
    ("Public meeting", "An open meeting anyone may attend"),
    ("Street briefing", "Officers meet residents at a set time and place in the street"),
    ("Survey", "A questionnaire, on paper, online or by interview"),
    ("Key individual interviews", "Interviews with key individuals in a ward"),
    ("Online consultation", "Views gathered online"),
    ("Presentation", "A talk or presentation with questions"),
    ("Q&A session", "Questions and answers"),
    ("Youth media project", "Young people make a film, drama, music or photographs"),
    ("Volunteer scheme", "Community members volunteer with the police"),
    ("Third-party reporting site", "A trusted place where crime can be reported"),
    ("Advisory group", "A standing group consulted on policy and practice"),
    ("Community event", "Attendance at or support for a community event"),
    ("Training course", "Training given to community members or partners"),
    ("Literature and leaflets", "Leaflets, fact sheets and merchandise"),
    ("Scheme for schools", "Work with pupils in schools"),
]


def add(apps, schema_editor):
    Method = apps.get_model("engagement", "Method")
    for position, (name, description) in enumerate(METHODS):
        Method.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("engagement", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
