"""Merge of the report rollups' lesson days and the stored "ready for judgment"."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0027_lesson_day"),
        ("participants", "0027_ready_for_judgment"),
    ]

    operations = []
