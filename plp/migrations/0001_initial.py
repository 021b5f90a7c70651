"""The audit trail as its own part: the model moves here from `participants` (migration
0018 there) without touching its table. object_repr gets an index in 0002 (CREATE INDEX only), so the
history of any record can be read."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("participants", "0018_auditentry_to_plp"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="time"
                            ),
                        ),
                        ("username", models.CharField(blank=True, max_length=150, verbose_name="username")),
                        ("role", models.CharField(blank=True, max_length=50, verbose_name="role")),
                        ("action", models.CharField(db_index=True, max_length=100, verbose_name="action")),
                        (
                            "participant_id",
                            models.BigIntegerField(db_index=True, null=True, verbose_name="participant"),
                        ),
                        ("object_repr", models.CharField(blank=True, max_length=200, verbose_name="object")),
                        (
                            "result",
                            models.CharField(
                                choices=[("allowed", "allowed"), ("denied", "denied")],
                                default="allowed",
                                max_length=10,
                                verbose_name="result",
                            ),
                        ),
                        ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="address")),
                        ("data", models.JSONField(blank=True, default=dict, verbose_name="data")),
                        (
                            "user",
                            models.ForeignKey(
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit entries",
                        "db_table": "participants_auditentry",
                        "ordering": ["-at", "-pk"],
                        "indexes": [
                            models.Index(fields=["user", "-at"], name="participant_user_id_77f0d6_idx")
                        ],
                    },
                ),
            ],
        ),
    ]
