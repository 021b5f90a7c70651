"""Remove typed text from audit entries written before the trail kept ids only (issue 12.6).

Earlier entries named their record by its text (a reminder's or document's title, an
organisation's name, a participant number, an import's file name) and kept search terms,
employer names and new organisations' names in their data. Those would outlive
anonymisation. This migration, run once by the owner of the tables, rewrites only those
parts: a participant becomes `participants.participant:<id>`, an account
`auth.user:<id>`, any other record name is emptied (its id was never stored); a search
becomes its length, word count and keyed hash (as log_action writes it now); employer and
organisation names become their ids. Who did what, when, to which participant stays as it
was. The append-only triggers are lifted for this transaction only, and the migration
writes an entry of its own (`participants.audit.scrubbed`) with the number of entries."""

import re

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

RECORD_REF = re.compile(r"^[a-z_]+\.[a-z_0-9]+:\d+$")
PHASES = {
    "registered",
    "intake",
    "pre_trajectory",
    "in_trajectory",
    "paused",
    "completed",
    "dropped_out",
    "outflowed",
}
PARTICIPANT_ACTIONS = {
    "participants.participant.created",
    "participants.participant.changed",
    "participants.participant.anonymised",
    "participants.participant.imported",
}


def fingerprint(q: str) -> dict:
    words = q.lower().split()
    digest = salted_hmac("plp.audit.search", " ".join(words), algorithm="sha256").hexdigest()[:16]
    return {"q_length": len(q), "q_words": len(words), "q_hash": digest} if q else {}


def scrubbed(entry, users: dict, organisations: dict) -> bool:
    """Rewrite one entry in place; True when anything changed."""
    before = (entry.object_repr, entry.data)
    data = dict(entry.data) if isinstance(entry.data, dict) else {}
    if entry.object_repr and not RECORD_REF.match(entry.object_repr):
        if entry.action in PARTICIPANT_ACTIONS and entry.participant_id:
            entry.object_repr = f"participants.participant:{entry.participant_id}"
        elif entry.action.startswith("auth.") and entry.object_repr in users:
            entry.object_repr = f"auth.user:{users[entry.object_repr]}"
        else:
            entry.object_repr = ""
    if entry.action == "participants.participant.searched" and "q" in data:
        data = {**{k: v for k, v in data.items() if k != "q"}, **fingerprint(str(data["q"] or ""))}
    elif entry.action == "participants.register.exported" and isinstance(data.get("filters"), dict):
        filters = data["filters"]
        kept = {
            k: v
            for k, v in filters.items()
            if (k == "phase" and v in PHASES) or (k == "coach" and str(v).isdigit()) or k.startswith("q_")
        }
        if "q" in filters:
            kept.update(fingerprint(str(filters["q"] or "")))
        data["filters"] = kept
    elif entry.action == "participants.register.imported" and data.get("new_organisations"):
        data["new_organisations"] = sorted(
            n if isinstance(n, int) else organisations.get(str(n).lower())
            for n in data["new_organisations"]
            if isinstance(n, int) or str(n).lower() in organisations
        )
    elif entry.action == "reporting.figure.traced" and data.get("figure") == "werkgever" and "key" in data:
        key = data.pop("key")
        data["employer"] = organisations.get(str(key).lower())
    if data != before[1]:
        entry.data = data
    return (entry.object_repr, entry.data) != before


def scrub(apps, connection) -> int:
    AuditEntry = apps.get_model("participants", "AuditEntry")
    Organisation = apps.get_model("participants", "Organisation")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    users = dict(User.objects.values_list("username", "pk"))
    organisations = {name.lower(): pk for name, pk in Organisation.objects.values_list("name", "pk")}
    candidates = AuditEntry.objects.exclude(object_repr="") | AuditEntry.objects.filter(
        action__in=[
            "participants.participant.searched",
            "participants.register.exported",
            "participants.register.imported",
            "reporting.figure.traced",
        ]
    )
    changed = [e for e in candidates.order_by("pk").iterator(chunk_size=2000) if scrubbed(e, users, organisations)]
    if not changed:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE participants_auditentry DISABLE TRIGGER plp_audit_append_only")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'plp_audit_no_update'")
            trigger = cursor.fetchone()
            cursor.execute("DROP TRIGGER IF EXISTS plp_audit_no_update")
        AuditEntry.objects.bulk_update(changed, ["object_repr", "data"], batch_size=1000)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE participants_auditentry ENABLE TRIGGER plp_audit_append_only")
        elif connection.vendor == "sqlite" and trigger:
            cursor.execute(trigger[0])
    AuditEntry.objects.create(action="participants.audit.scrubbed", data={"entries": len(changed)})
    return len(changed)


def up(apps, schema_editor):
    scrub(apps, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0016_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(up, migrations.RunPython.noop)]
