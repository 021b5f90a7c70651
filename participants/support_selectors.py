"""Reads about what surrounds the participant: learning places against the placements
that take them, and whom a group lesson can invite (a bounded search over the
participants a user may see)."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from plp.roles import is_coordinator

from .lifecycle import OPEN_PHASES, Phase
from .models import LearningPlace, Organisation, Participant, Placement


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

    @property
    def listed(self) -> int:
        """The places of the offers listed (all, or those started in a period)."""
        return sum(place.places for place in self.places)


def places_started(start: datetime.date, end: datetime.date) -> QuerySet:
    """Learning places whose start falls in [start, end]: the places counted as realised
    in that period (counting rule 13)."""
    return LearningPlace.objects.filter(start__gte=start, start__lte=end)


def learning_places_overview(
    day: datetime.date, started: tuple[datetime.date, datetime.date] | None = None
) -> list[EmployerPlaces]:
    """Per employer with learning places or a current placement: its places, how many
    run today, the placements that take them now and how many are free. Two queries.

    With `started` (a first and last day) only the places that start in that period and
    their employers: the places behind the figure "leerwerkplekken gerealiseerd". One
    query; the current placements are then left out."""
    rows: dict[int, EmployerPlaces] = {}
    places = places_started(*started) if started else LearningPlace.objects.all()
    for place in places.select_related("employer").order_by("employer__name", "start", "pk"):
        row = rows.setdefault(place.employer_id, EmployerPlaces(place.employer))
        row.places.append(place)
        place.runs_today = place.runs_on(day)
        if place.runs_today:
            row.capacity += place.places
    if started:
        return sorted(rows.values(), key=lambda r: r.employer.name.lower())
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


# The invite list of a group lesson: at most this many found at a time (refine the
# search for more), and a filter offers at most this many choices before it becomes a
# text field (a select of thousands costs more than the page).
INVITE_RESULTS = 50
FILTER_CHOICES_MAX = 100
# The phases of a file that is not closed, registration included.
INVITE_PHASES = [Phase.REGISTERED, *OPEN_PHASES]


@dataclass(frozen=True)
class InviteSearch:
    """What the planner searches on: number or name, and a coach, current employer
    (an id, or a name typed when there are too many to list) and phase."""

    q: str = ""
    coach: str = ""
    employer: str = ""
    phase: str = ""

    @classmethod
    def from_data(cls, data) -> "InviteSearch":
        return cls(
            **{
                name: data.get(f"invite_{name}", "").strip()[:100]
                for name in ("q", "coach", "employer", "phase")
            }
        )


def invite_candidates(
    visible: QuerySet,
    search: InviteSearch,
    *,
    exclude=(),
    day: datetime.date | None = None,
    limit: int = INVITE_RESULTS,
) -> tuple[list[Participant], bool]:
    """The open files among `visible` (`Participant.objects.for_user(user)`) that match
    `search`, by name, leaving out `exclude` (the ids already chosen): at most `limit`,
    and whether there are more. Each row carries `employer_name` (current placement).
    One query."""
    day = day or timezone.localdate()
    qs = visible.open_files(day)
    if search.q:
        qs = qs.search(search.q)
    if search.coach.isdigit():
        qs = qs.filter(coach_id=int(search.coach))
    elif search.coach:
        qs = qs.filter(Q(coach__username__iexact=search.coach) | Q(coach__last_name__iexact=search.coach))
    placed = current_placements(day).filter(participant=OuterRef("pk"))
    if search.employer.isdigit():
        qs = qs.filter(Exists(placed.filter(employer_id=int(search.employer))))
    elif search.employer:
        qs = qs.filter(Exists(placed.filter(employer__name__icontains=search.employer)))
    phases = {p.value for p in INVITE_PHASES}
    if search.phase in phases:
        qs = qs.in_phase([search.phase], day)
    if exclude:
        qs = qs.exclude(pk__in=list(exclude))
    rows = list(
        qs.select_related("coach")
        .annotate(employer_name=Subquery(placed.order_by("-start").values("employer__name")[:1]))
        .order_by("last_name", "first_name", "number")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def invite_filters(user, visible: QuerySet, day: datetime.date) -> dict:
    """The choices of the invite filters: coaches (for coordinators) and the employers
    where the `visible` participants with an open file are placed now; each a list of
    (id, name), or None when there are too many to list (the filter is then typed).
    Two queries at most."""
    coaches = None
    if is_coordinator(user):
        guides = Participant.objects.open_files(day).filter(coach=OuterRef("pk"))
        rows = list(
            get_user_model()
            .objects.filter(Exists(guides), is_active=True)
            .order_by("first_name", "last_name", "username")
            .values_list("pk", "first_name", "last_name", "username")[: FILTER_CHOICES_MAX + 1]
        )
        coaches = [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]
    placed = current_placements(day).filter(employer=OuterRef("pk"), participant__in=visible.open_files(day))
    employers = list(
        Organisation.objects.filter(Exists(placed))
        .order_by("name")
        .values_list("pk", "name")[: FILTER_CHOICES_MAX + 1]
    )
    return {
        "coaches": coaches if coaches is None or len(coaches) <= FILTER_CHOICES_MAX else None,
        "coach_text": coaches is not None and len(coaches) > FILTER_CHOICES_MAX,
        "employers": employers if len(employers) <= FILTER_CHOICES_MAX else None,
        "phases": [(p.value, p.label) for p in INVITE_PHASES],
    }
