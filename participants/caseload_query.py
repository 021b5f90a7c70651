"""The caseload's queries, compiled once per shape (participants/prepared.py).

Every caseload page asks the database the same few things: the files shared with the
user, how many files match (up to the cap), the ids of the page (for a name search: a
sample of the matches, then the page up to its bound), and the overview of those rows.
Built by the ORM on each request, their SQL cost more CPU than the database needs to
answer them (about half of a coach's caseload page). Here each is compiled once per
`Shape` (the day, the role, how many files are shared and words searched, the phase and
flag filters), and the values are filled in: the user's id, the shared ids, the search
words, a search page's bound and the page's ids.

`matching` is the one definition of the page's filters, for the compiled queries and for
the filters they leave to the ORM (the coach filter, the data-quality checks)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q

from plp.roles import is_coordinator

from .goals import ready_for_judgment
from .models import Participant, Phase
from .paging import NAME_ORDER, up_to
from .prepared import Prepared
from .querysets import ParticipantQuerySet, attention

# The attention flags filtered through `querysets.attention()` (its keys).
ATTENTION_FLAGS = ("signals", "no_contact", "placement_ending")
# What the rows show of a participant and of their coach; `from_db` wants model order.
ROW_FIELDS = (
    *("id", "number", "first_name", "last_name", "coach_id"),
    *("stored_phase", "phase_on", "phase_until", "ready_for_judgment"),
)
COACH_FIELDS = ("id", "username", "first_name", "last_name")
OVERVIEW = ("last_contact", "open_signals", "placement_employer", "placement_end")


def matching(
    qs: ParticipantQuerySet,
    *,
    day: datetime.date,
    coordinator: bool,
    user_id: int,
    q: str,
    phase: str,
    flag: str,
) -> ParticipantQuerySet:
    """`qs` (the files the user may see) with the caseload's attention flag, search and
    phase: no phase is the open files, "all" (or an unknown phase) every file."""
    if flag in ATTENTION_FLAGS:
        flags = attention(day)
        if not coordinator:
            # Signals are special data: only of the participants the user coaches.
            flags["signals"] &= Q(coach=user_id)
        qs = qs.with_overview(day).filter(flags[flag])
    elif flag == "ready":
        qs = qs.filter(ready_for_judgment())
    if q:
        qs = qs.search(q)
    if phase in Phase.values:
        qs = qs.in_phase([phase], day)
    elif not phase:
        qs = qs.open_files(day)
    return qs


@dataclass(frozen=True)
class Shape:
    """What makes the caseload's SQL differ, other than the values filled in."""

    day: datetime.date
    coordinator: bool
    shared: int  # the number of shared ids (padded to a power of two)
    words: int
    phase: str  # "", "all" or a Phase value
    flag: str  # "", "ready" or one of ATTENTION_FLAGS


def _files(values: tuple, shape: Shape) -> ParticipantQuerySet:
    """The page's files with `values` = (user id, *shared ids, *words)."""
    user_id, shared = values[0], list(values[1 : 1 + shape.shared])
    words = values[1 + shape.shared : 1 + shape.shared + shape.words]
    qs = (
        Participant.objects.all()
        if shape.coordinator
        else Participant.objects.assigned_or_shared(user_id, shared)
    )
    return matching(
        qs,
        day=shape.day,
        coordinator=shape.coordinator,
        user_id=user_id,
        q=" ".join(words),
        phase=shape.phase,
        flag=shape.flag,
    )


SHARED = Prepared(lambda pk: Participant.team.through.objects.filter(user=pk).values_list("participant_id"))
COUNT = Prepared(
    lambda values, shape, limit: _files(values, shape).order_by().values_list("pk")[:limit],
    outer="SELECT COUNT(*) FROM ({}) subquery",
)
IDS = Prepared(
    lambda values, shape, bottom, size: _files(values, shape).values_list("pk")[bottom : bottom + size]
)
# A name search's pages (paging.SearchPaginator): the values end with the bound's key.
SAMPLE = Prepared(
    lambda values, shape, limit: _files(values, shape).order_by().values_list(*NAME_ORDER)[:limit],
    outer="SELECT * FROM ({}) sample ORDER BY 1, 2, 3",
)
UP_TO = Prepared(
    lambda values, shape, bottom, size: up_to(_files(values[:-3], shape), values[-3:]).values_list("pk")[
        bottom : bottom + size
    ]
)
ROWS = Prepared(
    lambda ids, day: (
        Participant.objects.filter(pk__in=ids)
        .with_overview(day)
        .order_by()
        .values(*ROW_FIELDS, *(f"coach__{f}" for f in COACH_FIELDS[1:]), *OVERVIEW)
    )
)


class Caseload:
    """One caseload page's files (the user's, filtered), for the compiled paginators
    (paging.CompiledPaginator and CompiledSearchPaginator)."""

    def __init__(self, user, *, day: datetime.date, q: str, phase: str, flag: str):
        coordinator = is_coordinator(user)
        shared = () if coordinator else tuple(row[0] for row in SHARED.rows(user.pk))
        if shared:  # padded with its last id: a few compiled variants, the same files
            shared += shared[-1:] * ((1 << (len(shared) - 1).bit_length()) - len(shared))
        words = tuple(q.split())
        self.values = (user.pk, *shared, *words)
        self.shape = Shape(
            day=day,
            coordinator=coordinator,
            shared=len(shared),
            words=len(words),
            phase=phase if phase in Phase.values or not phase else "all",
            flag=flag if flag in ATTENTION_FLAGS or flag == "ready" else "",
        )

    def found(self, limit: int) -> int:
        return COUNT.rows(self.values, self.shape, limit)[0][0]

    def ids(self, bottom: int, size: int) -> list[int]:
        return [row[0] for row in IDS.rows(self.values, self.shape, bottom, size)]

    def sample(self, limit: int) -> list[tuple]:
        return SAMPLE.rows(self.values, self.shape, limit)

    def ids_up_to(self, last: tuple, bottom: int, size: int) -> list[int]:
        return [row[0] for row in UP_TO.rows((*self.values, *last), self.shape, bottom, size)]


def _in_model_order(model, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


def overview_rows(ids: list[int], day: datetime.date, size: int) -> list[Participant]:
    """The participants `ids`, in that order, with the overview of `with_overview(day)`
    and their coach (names only); the rest of their fields deferred. One query, compiled
    once for up to `size` ids (the list is padded with its last id)."""
    if not ids:
        return []
    padded = tuple(ids) + (ids[-1],) * (size - len(ids))
    found = {row["id"]: row for row in ROWS.values(padded, day)}
    user_model, db = get_user_model(), connection.alias
    fields, coach_fields = _in_model_order(Participant, ROW_FIELDS), _in_model_order(user_model, COACH_FIELDS)
    coach_names = {f: f if f == "id" else f"coach__{f}" for f in coach_fields}
    rows = []
    for pk in ids:
        row = found.get(pk)
        if row is None:  # gone since the page's ids were read
            continue
        p = Participant.from_db(db, fields, [row[f] for f in fields])
        for name in OVERVIEW:
            setattr(p, name, row[name])
        coach = None
        if row["coach_id"] is not None:
            values = [row["coach_id"] if f == "id" else row[coach_names[f]] for f in coach_fields]
            coach = user_model.from_db(db, coach_fields, values)
        Participant.coach.field.set_cached_value(p, coach)
        rows.append(p)
    return rows
