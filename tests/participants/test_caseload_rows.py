"""The caseload's rows, written by participants/caseload_rows.py: every column and badge
as the template wrote them, the coach's column for coordinators only, signals only for
those who may see them, and whatever users typed escaped."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import OrganisationFactory, ParticipantFactory, PlacementFactory, SignalFactory

pytestmark = pytest.mark.django_db


def row_of(html: str, name: str) -> str:
    return next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if name in r)


def test_a_row_shows_every_column_and_badge(coach, coordinator):
    today = timezone.localdate()
    p = ParticipantFactory(coach=coach, first_name="<b>Ada</b>", last_name="O'Neil & Co", number="N<1>")
    employer = OrganisationFactory(name="Bakkerij <De Zon>")
    PlacementFactory(
        participant=p,
        employer=employer,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=5),
    )
    SignalFactory(participant=p, raised_on=today)
    SignalFactory(participant=p, raised_on=today)

    coach_client, coordinator_client = Client(), Client()
    coach_client.force_login(coach)
    coordinator_client.force_login(coordinator)
    html = coach_client.get("/deelnemers/").content.decode()
    row = row_of(html, "Ada")
    assert (
        f'<a href="/deelnemers/{p.pk}/" class="fw-semibold">&lt;b&gt;Ada&lt;/b&gt; O&#x27;Neil &amp; Co</a>'
        in row
    )
    assert "N&lt;1&gt;" in row and "Bakkerij &lt;De Zon&gt;" in row
    assert f"tot {(today + datetime.timedelta(days=5)).strftime('%d-%m-%Y')}" in row
    assert "2 open signalen" in row
    assert "Plaatsing eindigt binnen 14 dagen" in row
    assert row.count("<td") == 5  # no coach column for a coach

    row = row_of(coordinator_client.get("/deelnemers/").content.decode(), "Ada")
    assert row.count("<td") == 6 and coach.get_full_name() in row and "2 open signalen" in row


def test_a_file_without_placement_contact_or_coach_shows_dashes(coordinator_client):
    ParticipantFactory(first_name="Bram", last_name="Zonder", coach=None)
    row = row_of(coordinator_client.get("/deelnemers/").content.decode(), "Bram")
    assert row.count(">–<") == 3 and "badge text-bg-danger" not in row
