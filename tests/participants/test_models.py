import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    ParticipantFactory,
    PauseFactory,
    PlacementFactory,
    SignalFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    "factory, fields",
    [
        (TrajectoryFactory, {"start": D(2024, 3, 1), "end": D(2024, 2, 28)}),
        (PlacementFactory, {"start": D(2024, 3, 1), "end": D(2024, 2, 28)}),
        (PauseFactory, {"start": D(2024, 3, 1), "end": D(2024, 2, 28)}),
        (SignalFactory, {"raised_on": D(2024, 3, 1), "closed_on": D(2024, 2, 28)}),
    ],
)
def test_end_before_start_is_refused_by_the_database(factory, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


def test_end_on_start_day_is_allowed():
    assert TrajectoryFactory(start=D(2024, 3, 1), end=D(2024, 3, 1), outcome="behaald").pk


def test_one_open_placement_per_participant():
    first = PlacementFactory(end=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(participant=first.participant, start=D(2024, 6, 1), end=None)
    PlacementFactory(participant=first.participant, start=D(2023, 1, 1), end=D(2023, 6, 1))


def test_participant_number_is_unique():
    ParticipantFactory(number="PLP-2024-007")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(number="PLP-2024-007")


def test_progress_entry_duration_must_be_positive():
    from tests.factories import ProgressEntryFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressEntryFactory(duration_minutes=0)


def test_trajectory_clean_messages_are_on_the_fields():
    t = TrajectoryFactory.build(participant=ParticipantFactory(), start=D(2024, 3, 1), end=D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        t.full_clean()
    assert "end" in error.value.message_dict
    t.end = D(2024, 4, 1)
    with pytest.raises(ValidationError) as error:
        t.full_clean()  # ongoing with an end date
    assert "outcome" in error.value.message_dict
