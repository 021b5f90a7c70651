"""Follow-up at 6 and 12 months after outflow, and "duurzaam uitgestroomd" in the figures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants import services
from participants.models import FollowUp
from reporting.figures import Period, compute_figures, participants_in
from tests.factories import OutflowFactory, ParticipantFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def outflow_for(coach, on):
    p = ParticipantFactory(coach=coach)
    TrajectoryFactory(participant=p, start=on - datetime.timedelta(days=200))
    return OutflowFactory(participant=p, date=on)


def test_add_months_keeps_the_end_of_the_month():
    assert services.add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert services.add_months(D(2025, 1, 15), 12) == D(2026, 1, 15)


def test_the_app_asks_at_6_and_12_months(coach):
    outflow = outflow_for(coach, D(2025, 1, 10))
    assert services.followups_due(coach, D(2025, 7, 9)) == []
    (due,) = services.followups_due(coach, D(2025, 7, 10))
    assert (due["months"], due["due_on"]) == (6, D(2025, 7, 10))
    with pytest.raises(ValidationError):
        services.followup_record(
            by=coach,
            followup=FollowUp(outflow=outflow, months=12, answered_on=D(2025, 7, 10), still_active=True),
        )
    services.followup_record(
        by=coach, followup=FollowUp(outflow=outflow, months=6, answered_on=D(2025, 7, 12), still_active=True)
    )
    assert services.followups_due(coach, D(2025, 12, 1)) == []
    (due,) = services.followups_due(coach, D(2026, 1, 10))
    assert due["months"] == 12


def test_lasting_outflow_needs_yes_at_6_and_12_months(coach):
    lasting = outflow_for(coach, D(2024, 3, 1))
    stopped = outflow_for(coach, D(2024, 4, 1))
    for outflow, answers in ((lasting, (True, True)), (stopped, (True, False))):
        for months, yes in zip(FollowUp.MONTHS, answers, strict=True):
            services.followup_record(
                by=coach,
                followup=FollowUp(
                    outflow=outflow,
                    months=months,
                    answered_on=services.add_months(outflow.date, months),
                    still_active=yes,
                ),
            )
    f = compute_figures(Period.year(2024))
    assert (f.totals.uitstroom, f.totals.uitstroom_duurzaam) == (2, 1)
    assert list(participants_in("uitstroom_duurzaam", Period.year(2024))) == [lasting.participant]


def test_today_shows_the_question_and_the_form_records_it(coach_client, coach):
    from django.utils import timezone

    outflow = outflow_for(coach, services.add_months(timezone.localdate(), -7))
    html = coach_client.get(reverse("participants:today")).content.decode()
    url = reverse("participants:followup-create", args=[outflow.participant_id, outflow.pk, 6])
    assert url in html
    response = coach_client.post(
        url, {"answered_on": timezone.localdate().isoformat(), "still_active": "1", "notes": "Werkt nog"}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().still_active is True
    assert (
        coach_client.get(
            reverse("participants:followup-create", args=[outflow.participant_id, outflow.pk, 7])
        ).status_code
        == 404
    )
