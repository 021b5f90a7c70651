import datetime

import pytest
from django.core.management import call_command

from participants.models import AuditEntry, Organisation, Participant, ProgressEntry
from reporting.figures import Period, compute_figures, yearly_table

pytestmark = pytest.mark.django_db

# The yearly table of the source report, under the counting rules.
EXPECTED = {
    2022: dict(instroom=7, voortraject=0, praktijkverklaring=0, ervaringscertificaat=0, dropout=0, outflow=0),
    2023: dict(instroom=8, voortraject=0, praktijkverklaring=8, ervaringscertificaat=0, dropout=7, outflow=5),
    2024: dict(
        instroom=14, voortraject=5, praktijkverklaring=0, ervaringscertificaat=0, dropout=0, outflow=3
    ),
    2025: dict(
        instroom=11, voortraject=4, praktijkverklaring=9, ervaringscertificaat=7, dropout=4, outflow=2
    ),
}


def test_seed_demo_reproduces_the_yearly_table_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "coordinator" in out and "coach1" in out and "demo-plp-2026!" in out

    for f in yearly_table(2022, 2025):
        got = dict(
            instroom=f.instroom,
            voortraject=f.voortraject,
            praktijkverklaring=f.trajectories["praktijkverklaring"],
            ervaringscertificaat=f.trajectories["ervaringscertificaat"],
            dropout=f.dropout,
            outflow=f.outflow_work_or_education,
        )
        assert got == EXPECTED[f.period.start.year], f.period

    total = compute_figures(
        Period(datetime.date(2022, 1, 1), datetime.date(2025, 12, 31)), datetime.date(2025, 8, 1)
    )
    assert total.instroom == Participant.objects.count() == 40
    assert {e.employer for e in total.employers} == {"Werkdag B.V.", "Stichting Sein", "Spaarne Werkt"}
    assert total.active_at_reference["praktijkverklaring"] == 9
    assert total.active_at_reference["ervaringscertificaat"] == 6
    assert Organisation.objects.filter(name="Goldschmeding Foundation", kind="funder").exists()

    counts = (Participant.objects.count(), ProgressEntry.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo")
    assert (Participant.objects.count(), ProgressEntry.objects.count(), AuditEntry.objects.count()) == counts
