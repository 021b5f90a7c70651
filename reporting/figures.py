"""The counting rules of the funder report, computed in SQL.

Every figure is a number of distinct participants unless its name says otherwise
(`behaald` counts credentials, `uren` sums durations). `compute_figures` runs a fixed
number of queries whatever the number of participants or years, and returns plain
frozen data. `participants_in` gives the participants behind any one figure, by the
same rules, so every number can be traced.
"""

import datetime
from dataclasses import asdict, dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from participants import lifecycle
from participants.models import (
    Credential,
    CredentialKind,
    Dropout,
    DropoutReason,
    DropoutRoute,
    FollowUp,
    LearningGoal,
    ObservationStep,
    Organisation,
    Outflow,
    Participant,
    ProgressDay,
    ProgressEntry,
    Trajectory,
    TrajectoryKind,
    WorkProcess,
)

from .counts import active_on, event_counts
from .figures_support import lesson_hours, places_realised, support_figures, support_participants

PRE = TrajectoryKind.PRE_TRAJECTORY.value
# Kinds reported under `trajecten` and `behaald`; the pre-trajectory has its own figure.
CREDENTIAL_KINDS = [k for k in TrajectoryKind.values if k != PRE]
TRAJECTORY_KINDS = list(TrajectoryKind.values)
OUTFLOW_KINDS = list(Outflow.Kind.values)
WORK_OR_EDUCATION = [k for k in OUTFLOW_KINDS if k != Outflow.Kind.OTHER]
NO_REASON = "geen-reden"
ROUTES = list(DropoutRoute.values)
assert set(CREDENTIAL_KINDS) == set(CredentialKind.values)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def clip(self, year: int) -> "Period":
        """This period's part of a calendar year."""
        y = Period.year(year)
        return Period(max(self.start, y.start), min(self.end, y.end))


@dataclass(frozen=True)
class RowFigures:
    """Rules 1-6 for one calendar year of the period (year set) or the whole period."""

    year: int | None
    instroom: int
    voortraject: int
    trajecten: dict[str, int]
    behaald: dict[str, int]
    uitval: int
    uitval_per_reden: dict[str, int]
    uitval_per_vervolgroute: dict[str, int]  # rule 14, keyed by DropoutRoute codes
    uitstroom: int
    uitstroom_per_soort: dict[str, int]
    uitstroom_werk_of_opleiding: int
    uitstroom_duurzaam: int  # outflows still in work or education at 6 and 12 months
    # Rules 10-11 (the learning route).
    werkprocessen_beheerst: int = 0  # (participant, work process) pairs first at step 4
    deelnemers_met_beheerst_werkproces: int = 0
    gegroeid: int = 0


@dataclass(frozen=True)
class EmployerOutflow:
    werkgever: str
    aantal: int
    functies: tuple[str, ...]


@dataclass(frozen=True)
class OtherEmployers:
    """The employers with outflow after the first TOP_EMPLOYERS: how many, and the sum of
    their participants (so that the list and this line add up to every employer's)."""

    werkgevers: int = 0
    deelnemers: int = 0


# Rule 9 lists the employers with the most participants; the rest are one line.
TOP_EMPLOYERS = 25


@dataclass(frozen=True)
class Figures:
    period: Period
    reference_date: datetime.date
    years: tuple[RowFigures, ...]
    totals: RowFigures
    lopend_op_peildatum: dict[str, int]
    werkgevers_met_uitstroom: tuple[EmployerOutflow, ...]  # the first TOP_EMPLOYERS
    werkgevers_overig: OtherEmployers
    uren: dict[str, float]
    reasons: dict[str, str]  # reason code -> label, in report order
    # Rules 12, 13 and 15 (reporting/figures_support.py).
    lesuren: float = 0.0
    deelnemersuren_lessen: float = 0.0
    leerwerkplekken_gerealiseerd: int = 0
    ondersteuning_gestart: dict | None = None
    ondersteuning_geregeld: dict | None = None

    def as_json(self) -> dict:
        """The JSON export (keys are an interface: scripts rely on them). It lists every
        employer with an outflow; the page and the PDF only the first TOP_EMPLOYERS."""
        employers = self.werkgevers_met_uitstroom
        if self.werkgevers_overig.werkgevers:
            employers = employer_outflow(self.period, top=None)["werkgevers_met_uitstroom"]
        rows = [asdict(r) for r in self.years]
        totals = asdict(self.totals)
        totals.pop("year")
        return {
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "reference_date": self.reference_date.isoformat(),
            "years": rows,
            "totals": totals,
            "lopend_op_peildatum": self.lopend_op_peildatum,
            "werkgevers_met_uitstroom": [
                {"werkgever": e.werkgever, "aantal": e.aantal, "functies": list(e.functies)}
                for e in employers
            ],
            "uren": self.uren,
            "lesuren": self.lesuren,
            "deelnemersuren_lessen": self.deelnemersuren_lessen,
            "leerwerkplekken_gerealiseerd": self.leerwerkplekken_gerealiseerd,
            "ondersteuning_gestart": self.ondersteuning_gestart,
            "ondersteuning_geregeld": self.ondersteuning_geregeld,
        }


def _in(period: Period, lookup: str) -> Q:
    return Q(**{f"{lookup}__gte": period.start, f"{lookup}__lte": period.end})


def _steps_sql() -> str:
    """Every step given, with the goal's work process (rules 10-11 count per participant
    and work process: the same work process in two trajectories is one)."""
    steps, goals = ObservationStep._meta.db_table, LearningGoal._meta.db_table
    return (
        f"SELECT s.participant_id AS pid, g.work_process_id AS wp, s.date AS d, s.step AS step, "  # noqa: S608
        f"s.observation_id AS obs FROM {steps} s JOIN {goals} g ON g.id = s.goal_id"
    )


# Rule 10: the first step 4 of each (participant, work process).
MASTERED_SQL = "SELECT pid, wp, MIN(d) AS d FROM ({steps}) AS st WHERE step = 4 GROUP BY pid, wp"  # noqa: S608
# Rule 11: a step higher than the previous step of the same participant and work process.
GREW_SQL = (
    "SELECT pid, d FROM (SELECT pid, d, step, LAG(step) OVER (PARTITION BY pid, wp "  # noqa: S608
    "ORDER BY d, obs) AS prev FROM ({steps}) AS st) AS w WHERE prev IS NOT NULL AND step > prev"
)


def learning_participants(figure: str, period: Period) -> list[int]:
    """The participants behind rule 10 or 11 in the period (for tracing)."""
    sql = (MASTERED_SQL if figure != "gegroeid" else GREW_SQL).format(steps=_steps_sql())
    query = f"SELECT DISTINCT pid FROM ({sql}) AS x WHERE d >= %s AND d <= %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, [period.start, period.end])
        return [pid for (pid,) in cursor.fetchall()]


def mastered_pairs(period: Period) -> dict[int, list[str]]:
    """Rule 10's pairs in the period, by participant: the codes of the work processes
    each first mastered in it (the figure counts these pairs, not participants)."""
    wp = WorkProcess._meta.db_table
    query = (
        f"SELECT x.pid, w.code FROM ({MASTERED_SQL.format(steps=_steps_sql())}) AS x "  # noqa: S608
        f"JOIN {wp} w ON w.id = x.wp WHERE x.d >= %s AND x.d <= %s ORDER BY w.code"
    )
    pairs: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, [period.start, period.end])
        for pid, code in cursor.fetchall():
            pairs.setdefault(pid, []).append(code)
    return pairs


def _active_trajectories(reference_date: datetime.date) -> QuerySet:
    """Rule 7: trajectories running on the reference date, of participants who have not
    left on it (a re-entry after leaving brings them back). A pause does not end a
    trajectory."""
    d = reference_date
    by_dropout, by_outflow = lifecycle.left_by(d, ref="participant")
    return (
        Trajectory.objects.filter(start__lte=d)
        .filter(Q(end__isnull=True) | Q(end__gt=d))
        .exclude(by_dropout)
        .exclude(by_outflow)
    )


def _distinct(filter_: Q | None = None) -> Count:
    return Count("participant", distinct=True, filter=filter_)


def _by_year(rows, key: str = "y") -> dict[int, dict]:
    return {row.pop(key): row for row in rows}


def target_figures(period: Period) -> dict[str, int]:
    """The totals that project years set targets for (see reporting.models.TARGET_FIELDS),
    the same as compute_figures(period).totals gives (and the places realised), in three
    queries at most."""
    counts = event_counts(period.start, period.end, ["instroom", "traject", "uitstroom_werk"])
    return {
        "instroom": counts.of(None, "instroom"),
        **{k: counts.of(None, "traject", k) for k in TRAJECTORY_KINDS},
        "uitstroom_werk_of_opleiding": counts.of(None, "uitstroom_werk"),
        "leerwerkplekken_gerealiseerd": places_realised(period.start, period.end),
    }


def employer_outflow(period: Period, top: int | None = TOP_EMPLOYERS) -> dict:
    """Rule 9: per employer the distinct participants with an outflow to it in the period,
    the `top` with the most (then by name) with their job titles, and the others in one
    line (`top=None`: every employer). Three queries: the counts per employer id
    (grouping on the id alone sorts less than on the name too), the names of the
    employers that may be listed (those with at least the count of the `top`-th), and the
    titles of those listed."""
    outflows = Outflow.objects.filter(_in(period, "date"), employer__isnull=False)
    counts = dict(outflows.values_list("employer").annotate(n=_distinct()).order_by())
    cutoff = sorted(counts.values(), reverse=True)[top - 1] if top and len(counts) > top else 0
    names = dict(
        Organisation.objects.filter(pk__in=[pk for pk, n in counts.items() if n >= cutoff]).values_list(
            "pk", "name"
        )
    )
    listed = sorted(names, key=lambda pk: (-counts[pk], names[pk]))[:top]
    titles: dict[int, list[str]] = {pk: [] for pk in listed}
    for pk, title in (
        outflows.filter(employer__in=listed)
        .exclude(job_title="")
        .values_list("employer", "job_title")
        .distinct()
        .order_by("employer", "job_title")
    ):
        titles[pk].append(title)
    rest = [n for pk, n in counts.items() if pk not in titles]
    return {
        "werkgevers_met_uitstroom": tuple(
            EmployerOutflow(names[pk], counts[pk], tuple(titles[pk])) for pk in listed
        ),
        "werkgevers_overig": OtherEmployers(len(rest), sum(rest)),
    }


def compute_figures(period: Period, reference_date: datetime.date | None = None) -> Figures:
    """All figures of the counting rules for a period and a reference date (peildatum).

    Rules 1-7 and 10-11 come from the events the database keeps beside the records
    (reporting/counts.py); at most eleven queries whatever the number of participants or
    years in the period."""
    reference_date = reference_date or period.end
    years = period.years
    counts = event_counts(period.start, period.end)

    cred_aggs = {f"k{i}": Count("pk", filter=Q(kind=k)) for i, k in enumerate(CREDENTIAL_KINDS)}
    cred_years = _by_year(
        Credential.objects.filter(_in(period, "awarded_on"))
        .annotate(y=ExtractYear("awarded_on"))
        .values("y")
        .annotate(**cred_aggs)
        .order_by()
    )

    reason_rows = DropoutReason.objects.order_by("position", "label").values_list("pk", "code", "label")
    reasons = {code: label for _pk, code, label in reason_rows}
    reason_ids = {code: str(pk) for pk, code, _label in reason_rows}

    def row(year, cred) -> RowFigures:
        per_reason = {c: counts.of(year, "uitval_reden", reason_ids[c]) for c in reasons}
        if none := counts.of(year, "uitval_reden", ""):
            per_reason[NO_REASON] = none
        return RowFigures(
            year=year,
            instroom=counts.of(year, "instroom"),
            voortraject=counts.of(year, "traject", PRE),
            trajecten={k: counts.of(year, "traject", k) for k in CREDENTIAL_KINDS},
            behaald={k: (cred or {}).get(f"k{i}", 0) for i, k in enumerate(CREDENTIAL_KINDS)},
            uitval=counts.of(year, "uitval"),
            uitval_per_reden=per_reason,
            uitval_per_vervolgroute={c: counts.of(year, "uitval_route", c) for c in ROUTES},
            uitstroom=counts.of(year, "uitstroom"),
            uitstroom_per_soort={k: counts.of(year, "uitstroom_soort", k) for k in OUTFLOW_KINDS},
            uitstroom_werk_of_opleiding=counts.of(year, "uitstroom_werk"),
            uitstroom_duurzaam=counts.of(year, "uitstroom_duurzaam"),
            werkprocessen_beheerst=sum(counts.items(year, "beheerst_wp").values()),
            deelnemers_met_beheerst_werkproces=counts.of(year, "beheerst"),
            gegroeid=counts.of(year, "gegroeid"),
        )

    year_rows = tuple(row(y, cred_years.get(y)) for y in years)
    cred_total = {k: sum(r.behaald[k] for r in year_rows) for k in CREDENTIAL_KINDS}
    totals = row(None, None)
    totals = RowFigures(**{**asdict(totals), "behaald": cred_total})

    active = active_on(reference_date)
    minutes = dict(
        ProgressDay.objects.filter(_in(period, "date"))
        .values_list("kind")
        .annotate(m=Sum("minutes"))
        .order_by()
    )

    return Figures(
        period=period,
        reference_date=reference_date,
        years=year_rows,
        totals=totals,
        lopend_op_peildatum={k: active.get(k, 0) for k in TRAJECTORY_KINDS},
        **employer_outflow(period),
        uren={k: round((minutes.get(k) or 0) / 60, 1) for k in ProgressEntry.Kind.values},
        reasons=reasons
        | ({NO_REASON: _("No reason recorded")} if NO_REASON in totals.uitval_per_reden else {}),
        leerwerkplekken_gerealiseerd=places_realised(period.start, period.end),
        **lesson_hours(period.start, period.end),
        **support_figures(counts),
    )


# Tracing: the participants behind a figure.

FIGURES = [
    "instroom",
    "voortraject",
    "trajecten",
    "behaald",
    "uitval",
    "uitval_per_reden",
    "uitval_per_vervolgroute",
    "uitstroom",
    "uitstroom_per_soort",
    "uitstroom_werk_of_opleiding",
    "uitstroom_duurzaam",
    "lopend_op_peildatum",
    "werkgever",
    "werkgevers_overig",
    "ondersteuning_gestart",
    "ondersteuning_geregeld",
    "lesuren",
    "deelnemersuren_lessen",
    "werkprocessen_beheerst",
    "deelnemers_met_beheerst_werkproces",
    "gegroeid",
]


def participants_in(
    figure: str, period: Period, reference_date: datetime.date | None = None, key: str = ""
) -> QuerySet:
    """The participants counted in one figure (`key` is the kind, reason code or employer)."""
    reference_date = reference_date or period.end
    P = Participant.objects
    match figure:
        case "instroom":
            return P.annotate(first=lifecycle.first_start()).filter(_in(period, "first"))
        case "voortraject" | "trajecten":
            kind = PRE if figure == "voortraject" else key
            ids = Trajectory.objects.filter(_in(period, "start"), kind=kind).values("participant")
        case "behaald":
            ids = Credential.objects.filter(_in(period, "awarded_on"), kind=key).values("participant")
        case "uitval" | "uitval_per_reden" | "uitval_per_vervolgroute":
            drops = Dropout.objects.filter(_in(period, "date"))
            if figure == "uitval_per_vervolgroute":
                drops = drops.filter(route=key)
            elif figure == "uitval_per_reden":
                drops = (
                    drops.filter(reason__isnull=True) if key == NO_REASON else drops.filter(reason__code=key)
                )
            ids = drops.values("participant")
        case (
            "uitstroom"
            | "uitstroom_per_soort"
            | "uitstroom_werk_of_opleiding"
            | "werkgever"
            | "werkgevers_overig"
            | "uitstroom_duurzaam"
        ):
            outs = Outflow.objects.filter(_in(period, "date"))
            if figure == "uitstroom_per_soort":
                outs = outs.filter(kind=key)
            elif figure == "uitstroom_werk_of_opleiding":
                outs = outs.filter(kind__in=WORK_OR_EDUCATION)
            elif figure == "werkgever":
                # One employer; without a key every employer (the table's total).
                outs = outs.filter(employer__name=key) if key else outs.filter(employer__isnull=False)
            elif figure == "werkgevers_overig":
                listed = [e.werkgever for e in employer_outflow(period)["werkgevers_met_uitstroom"]]
                outs = outs.filter(employer__isnull=False).exclude(employer__name__in=listed)
            elif figure == "uitstroom_duurzaam":
                still = FollowUp.objects.filter(outflow=OuterRef("pk"), still_active=True)
                outs = outs.filter(Exists(still.filter(months=6)), Exists(still.filter(months=12)))
            ids = outs.values("participant")
        case "werkprocessen_beheerst" | "deelnemers_met_beheerst_werkproces" | "gegroeid":
            return P.filter(pk__in=learning_participants(figure, period))
        case "lopend_op_peildatum":
            ids = _active_trajectories(reference_date).filter(kind=key).values("participant")
        case "ondersteuning_gestart" | "ondersteuning_geregeld" | "lesuren" | "deelnemersuren_lessen":
            return support_participants(figure, period.start, period.end, key)
        case _:
            raise ValueError(f"Unknown figure {figure!r}")
    return P.filter(pk__in=ids)
