"""The audit trail is append-only in the database itself (issue 12.8): no update, no
delete of entries younger than five years, no replace; on PostgreSQL the app's role may
only insert and read, while retention keeps working."""

import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from participants import services
from participants.models import Participant, ProgressEntry, Trajectory
from plp import audit
from plp.models import AuditEntry
from tests.factories import DropoutFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def years_ago(years: int) -> datetime.datetime:
    now = timezone.now()
    return now.replace(year=now.year - years, day=min(now.day, 28))


def refused(sql: str, params=()) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_cannot_be_updated_deleted_or_replaced(coach):
    entry = audit.log_action(by=coach, action="participants.participant.viewed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    refused("DELETE FROM participants_auditentry")
    row = [entry.pk, entry.at]
    if connection.vendor == "sqlite":
        refused(
            "INSERT OR REPLACE INTO participants_auditentry (id, at, username, role, action, object_repr, "
            "result, data) VALUES (%s, %s, 'mallory', '', 'tampered', '', 'allowed', '{}')",
            row,
        )
        refused(
            "REPLACE INTO participants_auditentry (id, at, username, role, action, object_repr, result, data) "
            "VALUES (%s, %s, 'mallory', '', 'tampered', '', 'allowed', '{}')",
            row,
        )
    else:
        refused(
            "INSERT INTO participants_auditentry (id, at, username, role, action, object_repr, result, data) "
            "VALUES (%s, %s, 'mallory', '', 'tampered', '', 'allowed', '{}') "
            "ON CONFLICT (id) DO UPDATE SET action = EXCLUDED.action",
            row,
        )
    assert AuditEntry.objects.get(pk=entry.pk).action == "participants.participant.viewed"
    assert AuditEntry.objects.count() == 1


def test_retention_still_removes_entries_older_than_five_years(coach):
    recent = audit.log_action(by=coach, action="participants.participant.viewed")
    almost = AuditEntry.objects.create(action="x", at=years_ago(5) + datetime.timedelta(days=2))
    ancient = AuditEntry.objects.create(action="x", at=years_ago(6))
    assert audit.audit_purge() == 1
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {recent.pk, almost.pk}
    assert ancient.pk not in AuditEntry.objects.values_list("pk", flat=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL flushes with TRUNCATE")
def test_flush_empties_the_trail_and_keeps_its_guards(coach):
    # Django's flush (the test runner between transactional tests) empties every table
    # with DELETE on SQLite (plp/sqlite_backend).
    audit.log_action(by=coach, action="participants.participant.viewed")
    call_command("flush", "--noinput", verbosity=0)
    assert not AuditEntry.objects.exists()
    entry = audit.log_action(by=None, action="participants.participant.viewed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.fixture
def app_role(db):
    """A role as production's app would have it (created in the test's transaction, so
    it goes when the test ends)."""
    role = f"plp_audit_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    out = io.StringIO()
    call_command("grant_app_role", role, stdout=out)
    assert "SELECT and INSERT only on participants_auditentry" in out.getvalue()
    return role


@postgresql_only
def test_the_app_role_can_only_add_to_the_trail_and_the_app_still_works(
    app_role, coach, participant, settings
):
    entry = audit.log_action(by=coach, action="participants.participant.viewed", participant=participant)
    AuditEntry.objects.create(action="x", at=years_ago(6))
    closed = DropoutFactory(
        participant=TrajectoryFactory().participant, date=datetime.date(2020, 1, 1)
    ).participant
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (app_role, False)

    refused("UPDATE participants_auditentry SET action = 'tampered' WHERE id = %s", [entry.pk])
    refused("DELETE FROM participants_auditentry WHERE id = %s", [entry.pk])
    refused("TRUNCATE participants_auditentry")
    refused("ALTER TABLE participants_auditentry DISABLE TRIGGER plp_audit_append_only")
    refused("ALTER TABLE participants_auditentry DISABLE TRIGGER ALL")
    refused("DROP TRIGGER plp_audit_append_only ON participants_auditentry")
    refused(
        "CREATE OR REPLACE FUNCTION plp_audit_append_only() RETURNS trigger AS $$ BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql"
    )
    refused("SET session_replication_role = replica")
    refused(f"ALTER TABLE participants_auditentry OWNER TO {app_role}")
    refused("DROP TABLE participants_auditentry")
    assert AuditEntry.objects.get(pk=entry.pk).action == "participants.participant.viewed"

    # The app still works: reads, writes and their audit entries, retention.
    audit.log_action(by=coach, action="participants.participant.viewed", participant=participant)
    trajectory = services.trajectory_save(
        by=coach,
        trajectory=Trajectory(
            participant=participant, kind="praktijkverklaring", start=datetime.date(2024, 2, 1)
        ),
    )
    services.progress_entry_record(
        by=coach,
        entry=ProgressEntry(
            participant=participant, date=datetime.date(2024, 3, 1), kind="coaching", duration_minutes=30
        ),
        signal_kinds=["stress"],
    )
    services.record_delete(by=coach, instance=trajectory)
    settings.PLP_RETENTION_YEARS = 2
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "1 deelnemer(s) geanonimiseerd" in out.getvalue()
    assert "1 logregel(s) ouder dan vijf jaar verwijderd" in out.getvalue()
    assert Participant.objects.get(pk=closed.pk).anonymised_at
    assert AuditEntry.objects.filter(
        action="participants.participant.anonymised", participant_id=closed.pk
    ).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role


@postgresql_only
def test_grant_app_role_refuses_a_superuser_or_the_owner(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        me = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="superuser|owns"):
        call_command("grant_app_role", me)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", f"plp_audit_missing_{uuid.uuid4().hex[:8]}")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
def test_grant_app_role_is_for_postgresql(db):
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("grant_app_role", "plp")
