"""Reads about what surrounds the participant: learning places against the placements
that take them, and group lessons with their attendance."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Sum

from .models import LearningPlace, Organisation, Placement


def current_placements(day: datetime.date) -> QuerySet:
    """Placements running on `day` (started, not ended before it)."""
    return Placement.objects.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


def running_places(day: datetime.date) -> QuerySet:
    """Learning places offered on `day`."""
    return LearningPlace.objects.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


@dataclass
class EmployerPlaces:
    employer: Organisation
    places: list = field(default_factory=list)
    capacity: int = 0  # places offered today
    placements: list = field(default_factory=list)  # current placements there

    @property
    def taken(self) -> int:
        return len(self.placements)

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def over(self) -> int:
        return max(self.taken - self.capacity, 0)


def learning_places_overview(day: datetime.date) -> list[EmployerPlaces]:
    """Per employer with learning places or a current placement: its places, how many
    run today, the placements that take them now and how many are free. Two queries."""
    rows: dict[int, EmployerPlaces] = {}
    for place in LearningPlace.objects.select_related("employer").order_by("employer__name", "start", "pk"):
        row = rows.setdefault(place.employer_id, EmployerPlaces(place.employer))
        row.places.append(place)
        place.runs_today = place.runs_on(day)
        if place.runs_today:
            row.capacity += place.places
    placements = (
        current_placements(day).select_related("employer", "participant").order_by("participant__number")
    )
    for placement in placements:
        row = rows.setdefault(placement.employer_id, EmployerPlaces(placement.employer))
        row.placements.append(placement)
    return sorted(rows.values(), key=lambda r: r.employer.name.lower())


def free_places(employer_id: int, day: datetime.date) -> tuple[int, int]:
    """(places offered on `day`, current placements) at one employer."""
    capacity = running_places(day).filter(employer_id=employer_id).aggregate(n=Sum("places"))["n"] or 0
    return capacity, current_placements(day).filter(employer_id=employer_id).count()
