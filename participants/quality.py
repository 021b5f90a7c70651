"""Data-quality checks: records that make the report's figures less reliable. The same
checks feed the report appendix (counts only), the dashboard (per coach) and the
caseload filter "Onvolledige gegevens" (the participants behind a count)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import lifecycle
from .models import Credential, Dropout, Outflow, Participant, ProgressEntry, Trajectory


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    records: QuerySet
    participant_field: str = "participant"

    def participants(self) -> Q:
        """A filter on Participant: those with a record failing this check."""
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
        ),
        Check(
            "dropout_date",
            _("Dropout before the start of the first trajectory"),
            Dropout.objects.filter(before_first),
        ),
        Check(
            "outflow_date",
            _("Outflow before the start of the first trajectory"),
            Outflow.objects.filter(before_first),
        ),
        Check(
            "credential_date",
            _("Certificate achieved before the start of the trajectory"),
            Credential.objects.filter(trajectory__start__gt=F("awarded_on")),
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
    (the dashboard, whose numbers link to them). One query a check."""
    found = []
    for check in checks():
        counted = Count(check.participant_field, distinct=True) if participants else Count("pk")
        n = check.records.aggregate(n=counted)["n"]
        if n:
            found.append({"code": check.code, "label": check.label, "count": n})
    return found


def participants_failing(code: str = "") -> Q:
    """A filter on Participant: a record fails check `code`, or any check without one."""
    q = Q(pk__in=[])
    for check in checks():
        if not code or check.code == code:
            q |= check.participants()
    return q


def per_coach() -> dict[int | None, int]:
    """Per coach id the number of participants (open or closed) with a failing record."""
    rows = (
        Participant.objects.filter(participants_failing())
        .values_list("coach")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)
