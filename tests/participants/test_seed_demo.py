import datetime

import pytest
from django.core.management import call_command

from participants.models import Organisation, Participant, ProgressEntry
from plp.models import AuditEntry
from reporting.figures import Period, compute_figures

pytestmark = pytest.mark.django_db

# The yearly table of the source report, under the counting rules.
EXPECTED = {
    2022: dict(
        instroom=7, voortraject=0, praktijkverklaring=0, ervaringscertificaat=0, uitval=0, uitstroom=0
    ),
    2023: dict(
        instroom=8, voortraject=0, praktijkverklaring=8, ervaringscertificaat=0, uitval=7, uitstroom=5
    ),
    2024: dict(
        instroom=14, voortraject=5, praktijkverklaring=0, ervaringscertificaat=0, uitval=0, uitstroom=3
    ),
    2025: dict(
        instroom=11, voortraject=4, praktijkverklaring=9, ervaringscertificaat=7, uitval=4, uitstroom=2
    ),
}
PROGRAMME = Period(datetime.date(2022, 1, 1), datetime.date(2025, 12, 31))


def test_seed_demo_reproduces_the_yearly_table_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "coordinator" in out and "coach1" in out and "demo-plp-2026!" in out

    figures = compute_figures(PROGRAMME, datetime.date(2025, 8, 1))
    for r in figures.years:
        got = dict(
            instroom=r.instroom,
            voortraject=r.voortraject,
            praktijkverklaring=r.trajecten["praktijkverklaring"],
            ervaringscertificaat=r.trajecten["ervaringscertificaat"],
            uitval=r.uitval,
            uitstroom=r.uitstroom_werk_of_opleiding,
        )
        assert got == EXPECTED[r.year], r.year

    assert figures.totals.instroom == Participant.objects.count() == 40
    employers = {e.werkgever for e in figures.werkgevers_met_uitstroom}
    assert employers == {"Werkdag B.V.", "Stichting Sein", "Spaarne Werkt"}
    assert figures.lopend_op_peildatum["praktijkverklaring"] == 9
    assert figures.lopend_op_peildatum["ervaringscertificaat"] == 6
    assert Organisation.objects.filter(name="Goldschmeding Foundation", kind="funder").exists()

    counts = (Participant.objects.count(), ProgressEntry.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo")
    assert (Participant.objects.count(), ProgressEntry.objects.count(), AuditEntry.objects.count()) == counts


def test_seed_demo_loads_example_catalogue_and_evidence():
    from participants.models import LearningGoal, Observation, QualificationFile

    call_command("seed_demo")
    files = list(QualificationFile.objects.values_list("title", flat=True))
    assert len(files) == 3 and all("(voorbeeld)" in t for t in files)
    goals, observations = LearningGoal.objects.count(), Observation.objects.count()
    assert 50 <= goals <= 120 and 5 * goals >= observations >= 2 * goals
    call_command("seed_demo")
    assert (LearningGoal.objects.count(), Observation.objects.count()) == (goals, observations)
