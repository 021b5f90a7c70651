"""The participant page's "Now" card and the forms that offer only what fits: a running
pause with its end form, the trial period, a closed file, closed signals in the
timeline, the mentor of the chosen employer, the issuer and trajectory choices."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.forms import CredentialForm, PlacementForm
from participants.models import Intake, Organisation, Pause, Placement
from plp.models import AuditEntry
from tests.factories import (
    MentorFactory,
    OrganisationFactory,
    OutflowFactory,
    PauseFactory,
    PlacementFactory,
    ProgressEntryFactory,
    SignalFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def detail(client, participant):
    return client.get(reverse("participants:participant-detail", args=[participant.pk]))


def test_paused_file_shows_since_reason_planned_end_and_ends_today(coach_client, coach, participant):
    today = timezone.localdate()
    TrajectoryFactory(participant=participant, start=today - datetime.timedelta(days=60))
    pause = PauseFactory(
        participant=participant,
        start=today - datetime.timedelta(days=10),
        planned_end=today + datetime.timedelta(days=20),
        reason="Operatie aan de knie",
    )
    page = detail(coach_client, participant).content.decode()
    assert "Gepauzeerd sinds" in page and "Operatie aan de knie" in page
    assert (today + datetime.timedelta(days=20)).strftime("%d-%m-%Y") in page
    assert "Pauze beëindigen" in page
    assert f'value="{today.isoformat()}"' in page  # the end date defaults to today

    url = reverse("participants:pause-end", args=[participant.pk, pause.pk])
    response = coach_client.post(url, {"end": today.isoformat()})
    assert response.status_code == 302
    pause.refresh_from_db()
    assert pause.end == today
    assert AuditEntry.objects.filter(
        action="participants.pause.ended", participant_id=participant.pk
    ).exists()
    # Ending it a second time is refused with a message, nothing changes.
    again = coach_client.post(url, {"end": today.isoformat()})
    assert again.status_code == 200 and "al beëindigd" in again.content.decode()


def test_pause_cannot_end_before_it_started(coach, participant):
    pause = PauseFactory(participant=participant, start=D(2024, 4, 1))
    with pytest.raises(Exception, match="niet eindigen vóór"):
        services.pause_end(by=coach, pause=pause, end=D(2024, 3, 1))
    pause.refresh_from_db()
    assert pause.end is None


def test_pause_end_is_for_the_assigned_coach(client, other_coach, participant):
    pause = PauseFactory(participant=participant, start=D(2024, 4, 1))
    client.force_login(other_coach)
    url = reverse("participants:pause-end", args=[participant.pk, pause.pk])
    assert client.post(url, {"end": "2024-05-01"}).status_code == 404
    assert Pause.objects.get(pk=pause.pk).end is None


def test_trial_period_end_is_shown(coach_client, participant):
    today = timezone.localdate()
    Intake.objects.create(
        participant=participant, date=today, trial_start=today, trial_end=today + datetime.timedelta(days=14)
    )
    page = detail(coach_client, participant).content.decode()
    assert 'data-testid="trial"' in page
    assert (today + datetime.timedelta(days=14)).strftime("%d-%m-%Y") in page


def test_closed_file_on_the_day_itself_shows_how_it_ended(coach_client, coach, participant):
    today = timezone.localdate()
    TrajectoryFactory(participant=participant, start=today - datetime.timedelta(days=90))
    PlacementFactory(participant=participant, start=today - datetime.timedelta(days=60))
    employer = OrganisationFactory(name="Bakkerij De Korenschoof")
    outflow = OutflowFactory.build(
        participant=participant, date=today, employer=employer, job_title="Bakker", kind="betaald werk"
    )
    services.outflow_record(by=coach, outflow=outflow)
    page = detail(coach_client, participant).content.decode()
    assert "Wissel van leerwerkplek" not in page
    assert 'data-testid="ended"' in page
    assert "Betaald werk" in page and "Bakkerij De Korenschoof" in page


def test_closed_signal_shows_date_and_note_in_timeline(coach_client, coach, participant):
    entry = ProgressEntryFactory(participant=participant, date=D(2024, 3, 1))
    signal = SignalFactory(participant=participant, entry=entry, raised_on=D(2024, 3, 1))
    services.signal_close(by=coach, signal=signal, closed_on=D(2024, 3, 15), note="Schuldhulp geregeld")
    page = detail(coach_client, participant).content.decode()
    assert "Signaal gesloten: Stress" in page
    assert "Schuldhulp geregeld" in page and "15-03-2024" in page


def test_mentor_of_another_employer_is_refused_with_a_clear_message(participant):
    ours = OrganisationFactory(name="Groenhuis")
    theirs = OrganisationFactory(name="Tuincentrum Oost")
    mentor = MentorFactory(organisation=theirs, name="Kees")
    form = PlacementForm(
        {"employer": ours.pk, "mentor": mentor.pk, "start": "2024-02-01"},
        instance=Placement(participant=participant),
    )
    assert not form.is_valid()
    assert form.errors["mentor"] == [
        "Kees werkt bij Tuincentrum Oost, niet bij Groenhuis. Kies een leermeester van Groenhuis."
    ]
    html = str(form["mentor"])
    assert f'data-organisation="{theirs.pk}"' in html and 'data-filter-by="id_employer"' in html


def test_credential_offers_schools_first_and_names_trajectories_by_kind_and_start(participant):
    OrganisationFactory(name="Aardfonds", kind=Organisation.Kind.FUNDER)
    OrganisationFactory(name="Zeeland College", kind=Organisation.Kind.SCHOOL)
    OrganisationFactory(name="Abc Bouw", kind=Organisation.Kind.EMPLOYER)
    TrajectoryFactory(participant=participant, start=D(2025, 9, 1), kind="praktijkverklaring")
    form = CredentialForm(participant=participant)
    issuers = [label for value, label in form.fields["issuer"].choices if value]
    assert issuers[0] == "Zeeland College (School)"
    assert not any("Aardfonds" in label for label in issuers)
    trajectories = [label for value, label in form.fields["trajectory"].choices if value]
    assert trajectories == ["Praktijkverklaring, gestart 01-09-2025"]
