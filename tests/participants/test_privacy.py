"""Rights of the data subject, retention and the classification of personal data."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from participants import services
from participants.models import Participant
from participants.privacy import PERSONAL_DATA, linked_models, participant_export, processing_register
from plp import audit
from plp.models import AuditEntry
from reporting.figures import Period, compute_figures
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db
D = datetime.date


def test_every_field_of_every_participant_model_is_classified():
    assert sorted(PERSONAL_DATA) == linked_models(), "add the new model to participants/privacy.py"
    for label, fields in PERSONAL_DATA.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.concrete_fields} | {f.name for f in model._meta.many_to_many}
        assert names == set(fields), f"{label}: classify {names - set(fields)}, remove {set(fields) - names}"


def test_export_holds_every_linked_model(coordinator, demo_dump):
    load_demo(demo_dump)
    p = Participant.objects.filter(outflows__isnull=False).first()
    data = participant_export(p)
    expected = {str(apps.get_model(label)._meta.verbose_name_plural) for label in linked_models()}
    assert expected | {"toegangslog"} == set(data)
    assert data["deelnemers"][0]["deelnemernummer"] == p.number
    assert data["uitstroom"] and data["voortgangsnotities"]


def test_export_views(coordinator_client, participant):
    url = reverse("participants:participant-export", args=[participant.pk])
    data = json.loads(coordinator_client.get(url).content)
    assert data["deelnemers"][0]["voornaam"] == "Sanne"
    pdf = coordinator_client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert AuditEntry.objects.filter(action="participants.participant.exported").count() == 2


def test_anonymising_keeps_the_figures(coordinator, demo_dump):
    load_demo(demo_dump)
    period = Period(D(2022, 1, 1), D(2025, 12, 31))
    before = compute_figures(period, D(2025, 8, 1)).as_json()
    for p in Participant.objects.all()[:15]:
        services.participant_anonymise(by=coordinator, participant=p)
    assert compute_figures(period, D(2025, 8, 1)).as_json() == before
    p = Participant.objects.get(pk=Participant.objects.first().pk)
    assert p.first_name == "Geanonimiseerd" and p.last_name == "" and p.birth_date is None
    assert p.number.startswith("ANON-") and p.anonymised_at
    assert not p.entries.exclude(notes="").exists()
    assert p.intake.motivation == ""
    assert AuditEntry.objects.filter(action="participants.participant.anonymised").count() == 15


def test_anonymise_page_needs_the_number_typed(coordinator_client, participant):
    url = reverse("participants:participant-anonymise", args=[participant.pk])
    coordinator_client.post(url, {"confirm": "verkeerd"})
    participant.refresh_from_db()
    assert participant.anonymised_at is None
    coordinator_client.post(url, {"confirm": participant.number})
    participant.refresh_from_db()
    assert participant.anonymised_at is not None


def test_apply_retention(coordinator, settings, demo_dump):
    load_demo(demo_dump)
    settings.PLP_RETENTION_YEARS = 2
    due = services.retention_due(D(2026, 11, 24))
    # Every file closed before 24 November 2024: the 2023 exits and the 2024 outflows.
    assert len(due) == 15
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "proefdraai" in out.getvalue()
    assert not Participant.objects.filter(anonymised_at__isnull=False).exists()
    due_today = {p.pk for p in services.retention_due()}
    call_command("apply_retention", stdout=io.StringIO())
    assert (
        set(Participant.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)) == due_today
    )
    assert services.retention_due() == []


def test_processing_register_command():
    out = io.StringIO()
    call_command("processing_register", stdout=out)
    text = out.getvalue()
    assert "AVG artikel 30" in text and "bijzonder persoonsgegeven" in text
    assert text.strip() == processing_register().strip()


def test_audit_entries_older_than_five_years_are_purged(coach):
    from django.utils import timezone

    old = audit.log_action(by=coach, action="participants.participant.viewed")
    recent = audit.log_action(by=coach, action="participants.participant.viewed")
    # Entries cannot be updated, so an old one is inserted with an old timestamp.
    ancient = AuditEntry.objects.create(action="x", at=timezone.now().replace(year=timezone.now().year - 6))
    assert audit.audit_purge() == 1
    assert AuditEntry.objects.filter(pk__in=[old.pk, recent.pk]).count() == 2
    assert not AuditEntry.objects.filter(pk=ancient.pk).exists()


def test_coordinator_sees_a_users_activity(coordinator_client, coach, participant):
    audit.log_action(by=coach, action="participants.participant.viewed", participant=participant)
    response = coordinator_client.get(reverse("participants:user-edit", args=[coach.pk]))
    assert "Deelnemer: bekeken" in response.content.decode()
