"""Rule 9 in the report: the employers with the most participants by name with their job
titles, the others in one line, and a total the lines add up to; each number traces to
its participants, and the PDF shows the same."""

import datetime
import re

import pytest
from django.urls import reverse

from participants.models import Outflow
from reporting.figures import TOP_EMPLOYERS, Period, compute_figures, participants_in
from reporting.pdf import render_pdf
from reporting.report import report_context
from tests.factories import OrganisationFactory, ParticipantFactory
from tests.reporting.test_report import pdf_text

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = Period(D(2025, 1, 1), D(2025, 12, 31))


@pytest.fixture
def employers():
    """TOP_EMPLOYERS + 3 employers: employer i hired i + 1 participants in 2025 (the first
    two also in 2024, outside the period); one participant went twice to the same
    employer under two titles, and one also to a second employer."""
    made = []
    for i in range(TOP_EMPLOYERS + 3):
        employer = OrganisationFactory(name=f"Werkgever {i:02d}")
        made.append(employer)
        for j in range(i + 1):
            p = ParticipantFactory()
            Outflow.objects.create(
                participant=p,
                date=D(2025, 3, 1),
                kind="betaald werk",
                employer=employer,
                job_title=f"Functie {j % 2}",
            )
        Outflow.objects.create(participant=p, date=D(2024, 3, 1), kind="betaald werk", employer=employer)
    twice = Outflow.objects.filter(employer=made[-1]).first().participant
    Outflow.objects.create(
        participant=twice, date=D(2025, 4, 1), kind="detachering", employer=made[-1], job_title="X"
    )
    Outflow.objects.create(participant=twice, date=D(2025, 5, 1), kind="detachering", employer=made[0])
    Outflow.objects.create(participant=ParticipantFactory(), date=D(2025, 5, 1), kind="anders")  # no employer
    return made


def test_the_top_employers_by_name_and_the_others_in_one_line(employers):
    f = compute_figures(YEAR)
    listed = f.werkgevers_met_uitstroom
    assert len(listed) == TOP_EMPLOYERS
    # Most participants first, then by name: employers 00-02 (2, 2 and 3) are the others.
    assert [e.werkgever for e in listed[:2]] == [
        f"Werkgever {TOP_EMPLOYERS + 2:02d}",
        f"Werkgever {TOP_EMPLOYERS + 1:02d}",
    ]
    assert listed[0].aantal == TOP_EMPLOYERS + 3  # the participant who went twice counts once
    assert listed[0].functies == ("Functie 0", "Functie 1", "X")
    rest = {f"Werkgever {i:02d}": i + 1 + (i == 0) for i in range(TOP_EMPLOYERS + 3)}
    for e in listed:
        assert (
            rest.pop(e.werkgever) == e.aantal == participants_in("werkgever", YEAR, key=e.werkgever).count()
        )
    assert sorted(rest) == ["Werkgever 00", "Werkgever 01", "Werkgever 02"]
    assert (f.werkgevers_overig.werkgevers, f.werkgevers_overig.deelnemers) == (3, sum(rest.values()))
    others = participants_in("werkgevers_overig", YEAR)
    assert others.count() == sum(rest.values())
    total = sum(e.aantal for e in listed) + f.werkgevers_overig.deelnemers
    # Every employer's participants: the one who went to two employers counts at both.
    assert participants_in("werkgever", YEAR).count() == total - 1
    # The JSON export (an interface for scripts) lists every employer, in the same order.
    exported = f.as_json()["werkgevers_met_uitstroom"]
    assert [e["werkgever"] for e in exported[:TOP_EMPLOYERS]] == [e.werkgever for e in listed]
    assert sorted(e["werkgever"] for e in exported[TOP_EMPLOYERS:]) == sorted(rest)
    assert sum(e["aantal"] for e in exported) == total and "werkgevers_overig" not in f.as_json()


def test_the_pdf_lists_the_top_employers_the_others_and_the_total(employers, tmp_path):
    text = pdf_text(render_pdf(report_context(YEAR, YEAR.end)), tmp_path)
    rows = [line for line in text.splitlines() if re.match(r"\s*Werkgever \d\d ", line)]
    assert len(rows) == TOP_EMPLOYERS and "Werkgever 00" not in text
    other = next(line for line in text.splitlines() if "andere werkgevers" in line)
    assert other.split()[0] == "3" and other.split()[-1] == str(1 + 1 + 2 + 3)
    f = compute_figures(YEAR)
    total = next(line for line in text.splitlines() if "Totaal, 28 werkgevers" in line)
    assert total.split()[-1] == str(sum(e.aantal for e in f.werkgevers_met_uitstroom) + 7)


def test_the_browser_version_traces_the_other_employers_and_the_total(employers, coordinator_client):
    html = coordinator_client.get(
        reverse("reporting:overview"), {"start": "2025-01-01", "end": "2025-12-31", "peildatum": "2025-12-31"}
    ).content.decode()
    assert "figure=werkgevers_overig" in html and "figure=werkgever&amp;from" in html
    url = reverse("reporting:trace") + "?figure=werkgevers_overig&from=2025-01-01&to=2025-12-31"
    response = coordinator_client.get(url)
    assert len(response.context["participants"]) == 7
    assert "Werkgevers met uitstroom buiten de lijst" in response.content.decode()
