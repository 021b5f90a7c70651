from django.db import migrations

# The dropout reason categories of the source report; coordinators can add more.
REASONS = [
    ("instapniveau", "Te hoog ingeschat instapniveau"),
    ("persoonlijk", "Persoonlijke omstandigheden (gezin, lichamelijk, psychisch)"),
    ("mismatch", "Mismatch met richting of inhoud"),
    ("leerbaarheid", "Belemmeringen in leerbaarheid (thuissituatie, motivatie)"),
    ("anders", "Anders"),
]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("coordinator", "coach"):
        Group.objects.get_or_create(name=name)
    DropoutReason = apps.get_model("participants", "DropoutReason")
    for position, (code, label) in enumerate(REASONS, start=1):
        DropoutReason.objects.get_or_create(code=code, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
