import datetime
import hashlib
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from participants import judgments
from participants.models import Judgment
from participants.services import learning
from plp.models import AuditEntry
from tests.factories import LearningGoalFactory, PlacementFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def route(participant, coach):
    t = TrajectoryFactory(participant=participant, start=D(2024, 2, 1))
    PlacementFactory(participant=participant, start=D(2024, 2, 1), employer__name="Downies & Brownies")
    g1 = LearningGoalFactory(
        trajectory=t, work_process__code="B1-K1-W1", work_process__title="Ontvangt goederen"
    )
    g2 = LearningGoalFactory(
        trajectory=t, work_process__code="B1-K1-W2", work_process__title="Slaat goederen op"
    )
    for day, steps, action in (
        (1, {g1.pk: 2, g2.pk: 1}, ""),
        (15, {g1.pk: 4, g2.pk: 3}, "Pakte zelf de scanner."),
    ):
        learning.observation_record(
            by=coach,
            participant=participant,
            trajectory=t,
            date=D(2024, 3, day),
            observer="coach",
            steps=steps,
            action=action,
        )
    return t, g1, g2


def test_proposal_is_prefilled_from_the_evidence(route):
    t, g1, g2 = route
    p1, p2 = judgments.proposals(t)
    assert (p1.mastered, p2.mastered) == (True, False)
    assert p1.evidence_dates == [D(2024, 3, 1), D(2024, 3, 15)]
    assert "15-03-2024" in p1.motivation and "Pakte zelf de scanner." in p1.motivation


def test_sent_judgment_is_frozen_and_a_change_makes_a_new_version(route, coach):
    t, g1, g2 = route
    items = {g1.pk: (True, "Zelfstandig.", [D(2024, 3, 15)]), g2.pk: (False, "Nog met hulp.", [])}
    j = learning.judgment_save(
        by=coach, trajectory=t, items=items, mentor_name="Henk de Boer", signed_on=D(2024, 4, 1)
    )
    assert learning.judgment_save(by=coach, trajectory=t, items=items, mentor_name="Henk").pk == j.pk  # draft
    with pytest.raises(ValidationError):  # no signing date
        learning.judgment_send(by=coach, judgment=j, render=lambda _j: b"%PDF")
    j = learning.judgment_save(
        by=coach, trajectory=t, items=items, mentor_name="Henk de Boer", signed_on=D(2024, 4, 1)
    )
    j = learning.judgment_send(by=coach, judgment=j, render=judgments.judgment_pdf, on=D(2024, 4, 2))
    pdf = bytes(j.pdf)
    assert j.pdf_sha256 == hashlib.sha256(pdf).hexdigest() and j.is_sent
    # The PDF the school gets says it was sent, and when; never "draft".
    text = text_of(pdf)
    assert "CONCEPT" not in text and "verzonden op 02-04-2024" in text
    entry = AuditEntry.objects.get(action="participants.judgment.sent")
    assert entry.data == {"version": 1, "pdf_sha256": j.pdf_sha256}
    with pytest.raises(ValidationError):
        learning.judgment_send(by=coach, judgment=j, render=lambda _j: pdf)
    again = learning.judgment_save(by=coach, trajectory=t, items=items, mentor_name="Henk de Boer")
    assert again.version == 2 and again.pk != j.pk
    j.refresh_from_db()
    assert bytes(j.pdf) == pdf and j.items.get(goal=g2).motivation == "Nog met hulp."


def test_judgment_only_for_the_trajectorys_goals(route, coach):
    t, *_ = route
    stranger = LearningGoalFactory()
    with pytest.raises(ValidationError):
        learning.judgment_save(by=coach, trajectory=t, items={stranger.pk: (True, "", [])})
    assert not Judgment.objects.exists()


def test_judgment_pdf_text(route, coach, participant):
    t, g1, g2 = route
    j = learning.judgment_save(
        by=coach,
        trajectory=t,
        items={g1.pk: (True, "Zelfstandig uitgevoerd.", ["2024-03-15"]), g2.pk: (False, "", [])},
        mentor_name="Henk de Boer",
        signed_on=D(2024, 4, 1),
    )
    text = text_of(judgments.judgment_pdf(j))
    for expected in (
        "Samenvattend oordeel",
        "Sanne Jansen",
        "B1-K1-W1",
        "Ontvangt goederen",
        "Beheerst: ja",
        "Beheerst: nee",
        "Zelfstandig uitgevoerd.",
        "15-03-2024",
        "Henk de Boer",
        "Downies & Brownies",
        "CONCEPT",
    ):
        assert expected in text, expected


def test_judgment_page_saves_and_sends_then_pdf_download_is_audited(route, coach_client, participant):
    t, g1, g2 = route
    url = reverse("participants:judgment", args=[participant.pk, t.pk])
    page = coach_client.get(url)
    assert page.context["form"][f"mastered_{g1.pk}"].value() == "1"
    data = {
        f"mastered_{g1.pk}": "1",
        f"motivation_{g1.pk}": "Zelfstandig.",
        f"mastered_{g2.pk}": "0",
        f"motivation_{g2.pk}": "Nog niet.",
        "mentor_name": "Henk de Boer",
        "signed_on": "2024-04-01",
        "send": "1",
    }
    assert coach_client.post(url, data).status_code == 302
    j = Judgment.objects.get()
    assert j.is_sent
    response = coach_client.get(reverse("participants:judgment-download", args=[participant.pk, j.pk]))
    assert b"".join([response.content]) == bytes(j.pdf)
    assert "CONCEPT" not in text_of(response.content)
    assert AuditEntry.objects.filter(
        action="participants.judgment.exported", participant_id=participant.pk
    ).exists()


@override_settings(PLP_CERTIFICATE_NAME="Waardevol Werk-certificaat")
def test_certificate_pdf_for_the_participant(route, coach_client, participant):
    response = coach_client.get(reverse("participants:certificate-download", args=[participant.pk]))
    text = text_of(response.content)
    assert "Waardevol Werk-certificaat" in text and "Sanne Jansen" in text
    assert "Ontvangt goederen" in text and "Slaat goederen op" in text  # steps 4 and 3
    assert "Downies & Brownies" in text
    assert AuditEntry.objects.filter(action="participants.certificate.exported").count() == 1


def test_no_judgment_without_goals(participant, coach):
    t = TrajectoryFactory(participant=participant, start=D(2024, 2, 1))
    with pytest.raises(ValidationError):
        learning.judgment_save(by=coach, trajectory=t, items={})
    assert not Judgment.objects.exists()
