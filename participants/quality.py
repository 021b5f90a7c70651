"""Data-quality checks: records that make the report's figures less reliable. The same
checks feed the report appendix (counts only), the dashboard (per coach) and the
caseload filter "Onvolledige gegevens" (the participants behind a count).

The checks that span tables (or find no index) are `stored`: the database keeps their
failing records in QualityIssue (migration 0026), so counting them does not read every
dropout, outflow and credential; `records` stays the rule, and
tests/participants/test_quality_issues.py checks that the two agree."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import lifecycle
from .models import Credential, Dropout, Outflow, Participant, ProgressEntry, QualityIssue, Trajectory


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    records: QuerySet
    participant_field: str = "participant"
    stored: bool = False  # failing records kept in QualityIssue

    def participants(self) -> Q:
        """A filter on Participant: those with a record failing this check."""
        if self.stored:
            return Q(pk__in=QualityIssue.objects.filter(code=self.code).values("participant_id"))
        return Q(pk__in=self.records.values(self.participant_field))


def checks(today: datetime.date | None = None) -> list[Check]:
    today = today or timezone.localdate()
    # Before the first start: no trajectory started on or before the date.
    before_first = ~lifecycle.started_by("date")
    return [
        Check("dropout_reason", _("Dropout without a reason"), Dropout.objects.filter(reason__isnull=True)),
        Check(
            "outflow_employer",
            _("Outflow without an employer or school"),
            Outflow.objects.filter(employer__isnull=True).exclude(kind="anders"),
        ),
        Check(
            "trajectory_start",
            _("Trajectory without a start date"),
            Trajectory.objects.filter(start__isnull=True),
            stored=True,
        ),
        Check(
            "dropout_date",
            _("Dropout before the start of the first trajectory"),
            Dropout.objects.filter(before_first),
            stored=True,
        ),
        Check(
            "outflow_date",
            _("Outflow before the start of the first trajectory"),
            Outflow.objects.filter(before_first),
            stored=True,
        ),
        Check(
            "credential_date",
            _("Certificate achieved before the start of the trajectory"),
            Credential.objects.filter(trajectory__start__gt=F("awarded_on")),
            stored=True,
        ),
        Check(
            "no_coach",
            _("Participant without a coach"),
            Participant.objects.filter(coach__isnull=True),
            participant_field="pk",
        ),
        Check(
            "entry_future", _("Contact moment in the future"), ProgressEntry.objects.filter(date__gt=today)
        ),
    ]


def counts(participants: bool = False) -> list[dict]:
    """Per failing check the number of records (the report appendix) or of participants
    (the dashboard, whose numbers link to them). One query for the stored checks, one
    for each other check."""
    stored = dict(
        QualityIssue.objects.values_list("code")
        .annotate(n=Count("participant_id", distinct=True) if participants else Count("pk"))
        .order_by()
    )
    found = []
    for check in checks():
        if check.stored:
            n = stored.get(check.code, 0)
        else:
            counted = Count(check.participant_field, distinct=True) if participants else Count("pk")
            n = check.records.aggregate(n=counted)["n"]
        if n:
            found.append({"code": check.code, "label": check.label, "count": n})
    return found


def participants_failing(code: str = "") -> Q:
    """A filter on Participant: a record fails check `code`, or any check without one.
    The failing participants are one UNION of the checks' few rows, so the database
    looks them up by key instead of testing every participant against every check."""
    ids = [
        check.records.order_by().values(check.participant_field)
        for check in checks()
        if not check.stored and (not code or check.code == code)
    ]
    if not code:  # every stored check at once
        ids.append(QualityIssue.objects.order_by().values("participant_id"))
    elif any(check.stored and check.code == code for check in checks()):
        ids.append(QualityIssue.objects.filter(code=code).order_by().values("participant_id"))
    if not ids:
        return Q(pk__in=[])
    first, *rest = ids
    return Q(pk__in=first.union(*rest) if rest else first)


def per_coach() -> dict[int | None, int]:
    """Per coach id the number of participants (open or closed) with a failing record."""
    rows = (
        Participant.objects.filter(participants_failing())
        .values_list("coach")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)
