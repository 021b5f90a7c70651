"""What the report counts, kept by the database beside the records (migration 0026).

Every count of the report's rules 1-6 and 10-11 is a number of distinct participants
with an event in a period (a trajectory start of a kind, a dropout, an outflow, a work
process mastered, a step up). `FigureEvent` holds those events, one row per
participant, figure and date, each with the participant's previous date of the same
figure. A participant counts once in [start, end] exactly when one of their events in
it has no previous date before `start`, so a distinct count becomes a plain sum, and
`FigureMonth` holds those sums per month and month of the previous date: a report over
whole months reads a few thousand rows instead of millions of records.

Database triggers keep both (and QualityIssue, below), in the same statement as the records they come from,
however the records are written (services, imports, bulk inserts, COPY, cascades):
a change to a participant's records recomputes that participant's events. No model
writes them, and no personal data beyond the participant's id and dates is held.
`reporting.counts` reads them; tests/reporting/test_figure_rollup.py checks them against
the records on random data.
"""

import datetime

from django.db import models

# The month of "no previous event" in FigureMonth (a unique key cannot hold NULL on
# SQLite): before every real month.
NO_PREVIOUS = datetime.date(1, 1, 1)


class FigureEvent(models.Model):
    """One event of one participant for one figure (`item`: the kind, reason id, route,
    or work process id the figure is split by; "" for none)."""

    figure = models.CharField(max_length=20)
    item = models.CharField(max_length=40, blank=True)
    # Not a foreign key: the rows follow the records, which cascade with the participant.
    participant_id = models.BigIntegerField()
    date = models.DateField()
    prev_date = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant_id", "figure", "item", "date"], name="figure_event_unique"
            )
        ]
        indexes = [
            models.Index(fields=["date"], name="figure_event_date"),
            models.Index(fields=["prev_date"], name="figure_event_prev_date"),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.item} {self.date}"


class FigureMonth(models.Model):
    """The number of events of a figure in a month whose previous event fell in
    `prev_month` (NO_PREVIOUS: none)."""

    figure = models.CharField(max_length=20)
    item = models.CharField(max_length=40, blank=True)
    month = models.DateField()
    prev_month = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "figure", "item", "prev_month"], name="figure_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.item} {self.month:%Y-%m}: {self.n}"


class QualityIssue(models.Model):
    """A record failing one of the data-quality checks that span tables
    (participants/quality.py: a dropout or outflow before the first start, a credential
    before its trajectory's start, a trajectory without a start). Kept by the same
    triggers, so the dashboard and the report appendix count them without reading every
    record."""

    code = models.CharField(max_length=30)
    participant_id = models.BigIntegerField()
    record_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant_id", "code", "record_id"], name="quality_issue_unique"
            )
        ]
        indexes = [models.Index(fields=["code", "participant_id"], name="quality_issue_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.record_id}"


class LessonDay(models.Model):
    """Rule 12 per day: the minutes of the group lessons on the day (each lesson once)
    and the participant minutes (each lesson's duration times those present), kept by
    triggers on the lessons and their attendance (migration 0027), so that a report's
    lesson hours read a row a day instead of every attendance."""

    date = models.DateField(unique=True)
    lesson_minutes = models.BigIntegerField(default=0)
    participant_minutes = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.date}: {self.lesson_minutes} / {self.participant_minutes}"


class OpenPhaseDay(models.Model):
    """Open files whose stored phase holds, per phase, as changes per day (migration
    0029): a file counts +1 on its `phase_on` and -1 on the day its stored phase stops
    holding or the file closes (the earlier of `phase_until` and `closed_on`). Summed
    over the days up to D: per phase, the open files whose stored phase holds on D; the
    others (stale) are computed live. Kept by triggers on the participants, so the
    dashboard's phase counts read a few rows per day instead of every open file."""

    phase = models.CharField(max_length=20)
    date = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["phase", "date"], name="open_phase_day_unique")]

    def __str__(self) -> str:
        return f"{self.phase} {self.date}: {self.n:+d}"


class CoachOpenFiles(models.Model):
    """Per coach, the participants whose file is not closed (`closed_on` empty), kept by
    the same triggers (migration 0029), so the dashboard lists the coaches with open files
    without probing every coach's caseload. A file closing on a later day counts as open
    until then: those few are found through `closed_on`'s index."""

    coach_id = models.IntegerField(unique=True)
    n = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.coach_id}: {self.n}"
