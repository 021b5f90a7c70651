"""Reads of participants with the joins built in: access, open files, phase, search, overview."""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils import timezone

from plp.roles import is_coordinator

from . import lifecycle


def _model(name: str):
    return apps.get_model("participants", name)


def _latest(model_name: str, field: str = "date"):
    """Correlated subquery: the participant's latest `field` in `model_name`.

    ORDER BY ... LIMIT 1 per row (not Max over a join, not a GROUP BY subquery): the
    database walks the participant's few rows through the foreign-key index and can stop
    at the page LIMIT.
    """
    qs = _model(model_name).objects.filter(participant=OuterRef("pk")).order_by(f"-{field}").values(field)[:1]
    return Subquery(qs, output_field=models.DateField())


def _stale(today: datetime.date) -> Q:
    return Q(phase_on__isnull=True) | Q(phase_on__gt=today) | Q(phase_until__lte=today)


class ParticipantQuerySet(models.QuerySet):
    def for_user(self, user) -> "ParticipantQuerySet":
        """Participants the user may see: all for coordinators; for coaches and peer experts
        those assigned to them or shared with them; nothing for anyone else."""
        if is_coordinator(user):
            return self
        if not user.is_authenticated or not user.is_active:
            return self.none()
        # Ids first: an OR with a subquery would make the database scan every participant.
        shared = list(
            self.model.team.through.objects.filter(user=user).values_list("participant_id", flat=True)
        )
        return self.assigned_or_shared(user.pk, shared)

    def assigned_or_shared(self, user_id: int, shared: list[int]) -> "ParticipantQuerySet":
        """Participants coached by `user_id` or among `shared` (the ids of the files shared
        with them): what `for_user` gives a coach or peer expert."""
        return self.filter(Q(coach=user_id) | Q(pk__in=shared)) if shared else self.filter(coach=user_id)

    def open_files(self, today: datetime.date | None = None) -> "ParticipantQuerySet":
        """Participants who have not left the programme (no dropout or outflow on or
        before today without a re-entry after it)."""
        return self.filter(_open(today or timezone.localdate()))

    def refresh_state(self, today: datetime.date | None = None) -> int:
        """Recompute what is stored for speed, in one UPDATE: closed_on (the latest exit
        date, unless a re-entry followed it) and the phase as of today with the first date
        it may change (the next start of a trajectory or pause, or the day after one ends).
        Returns the number of rows written."""
        today = today or timezone.localdate()
        # LEAST skips NULLs on PostgreSQL but not on SQLite: a stand-in instead.
        never = Value(datetime.date.max)
        changes = lifecycle.next_changes(today)
        return self.alias(**changes, **lifecycle.exit_dates(today)).update(
            closed_on=lifecycle.closed_on(),
            stored_phase=lifecycle.phase(today),
            phase_on=today,
            phase_until=NullIf(Least(*(Coalesce(name, never) for name in changes)), never),
        )

    def phase_stale(self, today: datetime.date | None = None) -> "ParticipantQuerySet":
        """Participants whose stored phase does not hold on `today`."""
        return self.filter(_stale(today or timezone.localdate()))

    def phase_counts(self, today: datetime.date | None = None) -> Counter:
        """The number of participants per phase on `today`: grouped on the stored phase
        where it holds, computed for the rest. Two queries; grouping on the computed phase
        would evaluate its CASE on every row."""
        today = today or timezone.localdate()
        fresh = self.filter(~_stale(today)).values_list("stored_phase").annotate(n=Count("pk")).order_by()
        stale = (
            self.filter(_stale(today))
            .with_phase(today)
            .values_list("phase")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts = Counter(dict(fresh))
        counts.update(dict(stale))
        return counts

    def search(self, text: str) -> "ParticipantQuerySet":
        """Participants whose number or name contains every word of `text`."""
        qs = self
        for word in text.split():
            qs = qs.filter(search_text__icontains=word)
        return qs

    def with_phase(self, today: datetime.date | None = None) -> "ParticipantQuerySet":
        """Annotate `phase` (a Phase value) as of `today`: the stored phase where it holds
        on that day, otherwise computed in SQL (the database skips the subqueries of a
        CASE branch it does not take)."""
        today = today or timezone.localdate()
        fresh = When(~_stale(today), then=F("stored_phase"))
        return self.alias(**lifecycle.exit_dates(today)).annotate(phase=lifecycle.phase(today, fresh))

    def in_phase(self, phases: Iterable[str], today: datetime.date | None = None) -> "ParticipantQuerySet":
        """Participants in one of `phases` on `today`. Rows whose stored phase holds and
        differs are ruled out through the index first; the rest are checked exactly."""
        today = today or timezone.localdate()
        phases = list(phases)
        qs = self.filter(Q(stored_phase__in=phases) | _stale(today))
        if "phase" not in qs.query.annotations:
            qs = qs.with_phase(today)
        return qs.filter(phase__in=phases)

    def with_overview(self, today: datetime.date | None = None) -> "ParticipantQuerySet":
        """Annotate what the caseload shows beside the phase: current placement (employer
        and end), last contact and the number of open signals. Filter on the attention
        flags with `attention()`; for display, `selectors.with_flags()`
        sets them on the fetched rows, which costs less than two more CASEs in the SQL."""
        today = today or timezone.localdate()
        Placement, Signal = _model("Placement"), _model("Signal")
        current_placement = (
            Placement.objects.filter(participant=OuterRef("pk"), start__lte=today)
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .order_by("-start")
        )
        open_signals = (
            Signal.objects.filter(participant=OuterRef("pk"), closed_on__isnull=True)
            .order_by()
            .values("participant")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            last_contact=_latest("ProgressEntry"),
            open_signals=Coalesce(Subquery(open_signals, output_field=models.IntegerField()), 0),
            placement_employer=Subquery(current_placement.values("employer__name")[:1]),
            placement_end=Subquery(current_placement.values("end")[:1]),
        )


def _open(today: datetime.date) -> Q:
    return Q(closed_on__isnull=True) | Q(closed_on__gt=today)


def attention_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """No contact since the first date is overdue; a placement ending on or before the
    second is ending soon."""
    from django.conf import settings

    return (
        today - datetime.timedelta(days=settings.PLP_NO_CONTACT_DAYS),
        today + datetime.timedelta(days=settings.PLP_PLACEMENT_ENDING_DAYS),
    )


def attention(today: datetime.date) -> dict[str, Q]:
    """The attention flags as filters on rows annotated with `with_overview()` (no SQL
    phase needed); `selectors.with_flags()` is the same rule on fetched rows (tested to
    agree)."""
    since, ending_before = attention_dates(today)
    # "Last contact before `since`", as an anti-join: it probes the entry index instead of
    # finding every participant's latest entry.
    recent = _model("ProgressEntry").objects.filter(participant=OuterRef("pk"), date__gte=since)
    # Implied by the rule, and found through the placements' end dates: the few files it
    # passes are then checked exactly, instead of every file's current placement.
    ending = _model("Placement").objects.filter(
        participant=OuterRef("pk"), start__lte=today, end__gte=today, end__lte=ending_before
    )
    return {
        "signals": Q(open_signals__gt=0),
        "no_contact": _open(today) & lifecycle.in_open_phase(today) & ~Exists(recent),
        "placement_ending": Exists(ending) & Q(placement_end__isnull=False, placement_end__lte=ending_before),
    }
