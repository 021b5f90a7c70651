"""The events the database keeps for the report (FigureEvent, FigureMonth) give the same
figures as counting over the records (rule 7 with the services' own rule for "has
left"), however the records are written: saves, bulk
inserts, queryset updates, deletes, cascades, a goal moved to another work process,
the register import, anonymising, and COPY on PostgreSQL. The counts are checked against
a plain Python count over the records (an implementation of the rules that shares
nothing with the SQL), on random records and random periods."""

import datetime
from collections import Counter, defaultdict

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants import lifecycle
from participants.models import (
    NO_PREVIOUS,
    Dropout,
    DropoutReason,
    DropoutRoute,
    FigureEvent,
    FigureMonth,
    FollowUp,
    LearningGoal,
    Observation,
    ObservationStep,
    Outflow,
    Participant,
    ReEntry,
    SupportNeed,
    Trajectory,
    TrajectoryKind,
)
from reporting.counts import per_month
from reporting.figures import CREDENTIAL_KINDS, NO_REASON, OUTFLOW_KINDS, PRE, ROUTES, Period, compute_figures
from tests.factories import (
    OrganisationFactory,
    ParticipantFactory,
    QualificationFileFactory,
    WorkProcessFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
BASE = D(2023, 11, 20)
# Few participants and a few months across a new year, so that events meet: the same
# day, the first and last day of a month, the previous event just before a period.
EDGES = [D(2023, 12, 1), D(2023, 12, 31), D(2024, 1, 1), D(2024, 1, 31), D(2024, 2, 1), D(2024, 2, 29)]
day = st.integers(0, 130).map(lambda n: BASE + datetime.timedelta(days=n)) | st.sampled_from(EDGES)
who = st.integers(0, 2)
record = st.one_of(
    st.tuples(
        st.just("trajectory"),
        who,
        st.sampled_from(TrajectoryKind.values),
        st.none() | day,
        st.none() | st.integers(0, 60),
    ),
    st.tuples(st.just("reentry"), who, day),
    st.tuples(
        st.just("dropout"), who, day, st.none() | st.integers(0, 2), st.sampled_from(DropoutRoute.values)
    ),
    st.tuples(
        st.just("outflow"),
        who,
        day,
        st.sampled_from(Outflow.Kind.values),
        st.sampled_from([None, True, False]),
        st.sampled_from([None, True, False]),
    ),
    st.tuples(st.just("step"), who, st.integers(0, 2), day, st.integers(1, 4)),
    st.tuples(
        st.just("support"), who, st.sampled_from(SupportNeed.Kind.values), day, st.none() | st.integers(0, 60)
    ),
)
change = st.tuples(
    st.sampled_from(["delete", "move", "shift", "participant", "goal", "kind", "followup"]),
    st.integers(0, 200),
    day,
)
period = st.tuples(day, st.integers(0, 130) | st.sampled_from([0, 28, 29, 30, 59])).map(
    lambda t: Period(t[0], t[0] + datetime.timedelta(days=t[1]))
)


def som(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


# The counting rules in Python, over every record.


def live_figures(period: Period) -> dict:
    """{(year or None, figure, key): count} from the records."""
    out: Counter = Counter()
    parts = [(y, period.clip(y)) for y in period.years] + [(None, period)]

    def count(figure, key, dates_per_participant):
        for y, part in parts:
            n = sum(
                1
                for dates in dates_per_participant.values()
                if any(part.start <= d <= part.end for d in dates)
            )
            out[(y, figure, key)] = n

    trajectories = list(Trajectory.objects.exclude(start=None).values_list("participant", "kind", "start"))
    first: dict = {}
    for p, _kind, start in trajectories:
        first[p] = min(first.get(p, start), start)
    count("instroom", "", {p: [d] for p, d in first.items()})
    for kind in TrajectoryKind.values:
        by = defaultdict(list)
        for p, k, start in trajectories:
            if k == kind:
                by[p].append(start)
        count("traject", kind, by)

    dropouts = list(Dropout.objects.values_list("participant", "date", "reason__code", "route"))
    for key, keep in (
        [("", lambda r: True)]
        + [
            (("reden", c), lambda r, c=c: r[2] == c)
            for c in [*DropoutReason.objects.values_list("code", flat=True), None]
        ]
        + [(("route", c), lambda r, c=c: r[3] == c) for c in ROUTES]
    ):
        by = defaultdict(list)
        for r in dropouts:
            if keep(r):
                by[r[0]].append(r[1])
        count("uitval", key, by)

    still = {(o, m) for o, m in FollowUp.objects.filter(still_active=True).values_list("outflow", "months")}
    outflows = list(Outflow.objects.values_list("pk", "participant", "date", "kind"))
    for key, keep in [
        ("", lambda r: True),
        ("werk", lambda r: r[3] != "anders"),
        ("duurzaam", lambda r: (r[0], 6) in still and (r[0], 12) in still),
    ] + [(("soort", k), lambda r, k=k: r[3] == k) for k in OUTFLOW_KINDS]:
        by = defaultdict(list)
        for r in outflows:
            if keep(r):
                by[r[1]].append(r[2])
        count("uitstroom", key, by)

    # Rule 7 on the period's last day, with the services' rule for "has left".
    day = period.end
    for kind in TrajectoryKind.values:
        running = Trajectory.objects.filter(kind=kind, start__lte=day).exclude(end__lte=day)
        people = Participant.objects.filter(pk__in=running.values("participant"))
        out[(None, "lopend", kind)] = sum(1 for p in people if lifecycle.exit_of(p, day) is None)

    lines = defaultdict(list)  # (participant, work process) -> [(date, observation, step)]
    for p, wp, d, obs, step in ObservationStep.objects.values_list(
        "participant", "goal__work_process", "date", "observation", "step"
    ):
        lines[(p, wp)].append((d, obs, step))
    mastered, grew = defaultdict(list), defaultdict(list)
    for (p, _wp), steps in lines.items():
        steps.sort()
        fours = [d for d, _obs, step in steps if step == 4]
        if fours:
            mastered[p].append(min(fours))
        for (_d0, _o0, before), (d, _o, step) in zip(steps, steps[1:], strict=False):
            if step > before:
                grew[p].append(d)
    # Rule 15, over the whole period: needs opened, and settled (geregeld), per kind.
    for figure, needs in (
        ("steun_start", SupportNeed.objects.values_list("participant", "kind", "since")),
        (
            "steun_geregeld",
            SupportNeed.objects.filter(status="geregeld").values_list("participant", "kind", "closed_on"),
        ),
    ):
        needs = [n for n in needs if period.start <= n[2] <= period.end]
        out[(None, figure, "")] = len({n[0] for n in needs})
        for kind in SupportNeed.Kind.values:
            out[(None, figure, kind)] = len({n[0] for n in needs if n[1] == kind})
    count("beheerst", "", mastered)
    count("gegroeid", "", grew)
    for y, part in parts:
        out[(y, "beheerst", "paren")] = sum(
            1 for dates in mastered.values() for d in dates if part.start <= d <= part.end
        )
    return out


def rollup_figures(period: Period) -> dict:
    figures = compute_figures(period)
    reasons = list(DropoutReason.objects.values_list("code", flat=True))
    out: Counter = Counter()
    for row in [*figures.years, figures.totals]:
        y = row.year

        def put(figure, key, n, y=y):
            out[(y, figure, key)] = n

        put("instroom", "", row.instroom)
        put("traject", PRE, row.voortraject)
        for k in CREDENTIAL_KINDS:
            put("traject", k, row.trajecten[k])
        put("uitval", "", row.uitval)
        for c in reasons:
            put("uitval", ("reden", c), row.uitval_per_reden[c])
        put("uitval", ("reden", None), row.uitval_per_reden.get(NO_REASON, 0))
        for c in ROUTES:
            put("uitval", ("route", c), row.uitval_per_vervolgroute[c])
        put("uitstroom", "", row.uitstroom)
        put("uitstroom", "werk", row.uitstroom_werk_of_opleiding)
        put("uitstroom", "duurzaam", row.uitstroom_duurzaam)
        for k in OUTFLOW_KINDS:
            put("uitstroom", ("soort", k), row.uitstroom_per_soort[k])
        put("beheerst", "", row.deelnemers_met_beheerst_werkproces)
        put("beheerst", "paren", row.werkprocessen_beheerst)
        put("gegroeid", "", row.gegroeid)
    for name, figure in (
        ("ondersteuning_gestart", "steun_start"),
        ("ondersteuning_geregeld", "steun_geregeld"),
    ):
        out[(None, figure, "")] = getattr(figures, name)["deelnemers"]
        for kind, n in getattr(figures, name)["per_soort"].items():
            out[(None, figure, kind)] = n
    for kind, n in figures.lopend_op_peildatum.items():
        out[(None, "lopend", kind)] = n
    return out


def assert_months_sum_the_events():
    expected = Counter(
        (f, i, som(d), som(prev) if prev else NO_PREVIOUS)
        for f, i, d, prev in FigureEvent.objects.values_list("figure", "item", "date", "prev_date")
    )
    stored = {
        (f, i, m, pm): n
        for f, i, m, pm, n in FigureMonth.objects.values_list("figure", "item", "month", "prev_month", "n")
        if n
    }
    assert stored == dict(expected)


def assert_figures_match(periods):
    assert_months_sum_the_events()
    for p in periods:
        live, rolled = live_figures(p), rollup_figures(p)
        assert {k: v for k, v in rolled.items() if v} == {k: v for k, v in live.items() if v}, p


# Writing records in the ways the application and scripts do.


class Writer:
    def __init__(self, bulk: bool):
        self.bulk = bulk
        self.people = [ParticipantFactory() for _ in range(3)]
        qualification = QualificationFileFactory()
        self.wps = [WorkProcessFactory(qualification=qualification) for _ in range(3)]
        self.reasons = list(DropoutReason.objects.order_by("pk")[:3])
        self.employer = OrganisationFactory()
        self.records = []

    def learning_goal(self, p, wp):
        trajectory = Trajectory.objects.filter(participant=p, kind="deelcertificaat", start=None).first()
        trajectory = trajectory or Trajectory.objects.create(participant=p, kind="deelcertificaat")
        goal, _ = LearningGoal.objects.get_or_create(trajectory=trajectory, work_process=wp)
        return goal, trajectory

    def add(self, records):
        made = defaultdict(list)
        for r in records:
            p = self.people[r[1]]
            match r[0]:
                case "trajectory":
                    end = r[3] + datetime.timedelta(days=r[4]) if r[3] and r[4] is not None else None
                    made[Trajectory].append(Trajectory(participant=p, kind=r[2], start=r[3], end=end))
                case "reentry":
                    made[ReEntry].append(ReEntry(participant=p, date=r[2], reason="Terug"))
                case "dropout":
                    reason = None if r[3] is None else self.reasons[r[3]]
                    made[Dropout].append(Dropout(participant=p, date=r[2], reason=reason, route=r[4]))
                case "outflow":
                    o = Outflow.objects.create(participant=p, date=r[2], kind=r[3], employer=self.employer)
                    for months, active in ((6, r[4]), (12, r[5])):
                        if active is not None:
                            made[FollowUp].append(
                                FollowUp(
                                    participant=p,
                                    outflow=o,
                                    months=months,
                                    answered_on=r[2],
                                    still_active=active,
                                )
                            )
                    self.records.append(o)
                case "support":
                    settled = (
                        {}
                        if r[4] is None
                        else {"status": "geregeld", "closed_on": r[3] + datetime.timedelta(days=r[4])}
                    )
                    made[SupportNeed].append(SupportNeed(participant=p, kind=r[2], since=r[3], **settled))
                case "step":
                    goal, trajectory = self.learning_goal(p, self.wps[r[2]])
                    obs = Observation.objects.create(
                        participant=p, trajectory=trajectory, date=r[3], observer="coach"
                    )
                    made[ObservationStep].append(
                        ObservationStep(observation=obs, goal=goal, step=r[4], date=r[3], participant=p)
                    )
        for model, rows in made.items():
            if self.bulk:
                self.records += model.objects.bulk_create(rows)
            else:
                for row in rows:
                    row.save()
                    self.records.append(row)

    def change(self, what, i, d):
        kinds = {
            "goal": (ObservationStep,),
            "kind": (Trajectory, Outflow, Dropout, SupportNeed),
            "followup": (FollowUp,),
        }.get(what, (Trajectory, Dropout, Outflow, FollowUp, ObservationStep, ReEntry, SupportNeed))
        live = [r for r in self.records if isinstance(r, kinds) and type(r).objects.filter(pk=r.pk).exists()]
        if not live:
            return
        r = live[i % len(live)]
        field = {Trajectory: "start", FollowUp: "answered_on", SupportNeed: "since"}.get(type(r), "date")
        match what:
            case "delete":
                r.delete()
            case "move":
                setattr(r, field, d)
                if isinstance(r, Trajectory) and r.end and r.end < d:
                    r.end = None
                if isinstance(r, SupportNeed) and r.closed_on and r.closed_on < d:
                    r.closed_on = d
                r.save()
            case "shift" if isinstance(r, SupportNeed):
                needs = SupportNeed.objects.filter(participant=r.participant_id)
                needs.filter(status="open").update(since=d)
                needs.exclude(status="open").update(since=d, closed_on=d + datetime.timedelta(days=i % 40))
            case "shift":
                more = {"end": None} if isinstance(r, Trajectory) else {}
                type(r).objects.filter(participant=r.participant_id).update(**{field: d}, **more)
            case "participant":
                Participant.objects.get(pk=r.participant_id).delete()
            case "goal":
                goal = r.goal
                used = set(
                    LearningGoal.objects.filter(trajectory=goal.trajectory).values_list(
                        "work_process", flat=True
                    )
                )
                free = [wp for wp in self.wps if wp.pk not in used]
                if free:
                    goal.work_process = free[i % len(free)]
                    goal.save()
            case "kind" if isinstance(r, Dropout):
                Dropout.objects.filter(pk=r.pk).update(reason=None, route=ROUTES[i % len(ROUTES)])
            case "kind" if isinstance(r, SupportNeed):
                r.refresh_from_db()
                # open -> settled (geregeld) -> no longer needed -> open
                if r.status == "open":
                    r.status, r.closed_on = "geregeld", r.since + datetime.timedelta(days=i % 30)
                elif r.status == "geregeld":
                    r.status = "niet_nodig"
                else:
                    r.status, r.closed_on = "open", None
                r.save()
            case "kind":
                r.refresh_from_db()
                r.kind = (TrajectoryKind.values if isinstance(r, Trajectory) else OUTFLOW_KINDS)[i % 4]
                r.save()
            case "followup":
                FollowUp.objects.filter(participant=r.participant_id).update(still_active=i % 2 == 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(record, min_size=1, max_size=30),
    changes=st.lists(change, max_size=5),
    periods=st.lists(period, min_size=1, max_size=3),
    bulk=st.booleans(),
)
def test_rollup_gives_the_figures_of_the_records(db, records, changes, periods, bulk):
    with transaction.atomic():
        writer = Writer(bulk)
        writer.add(records)
        assert_figures_match(periods)
        for c in changes:
            writer.change(*c)
        assert_figures_match(periods)
        transaction.set_rollback(True)


def test_whole_years_months_and_partial_periods(db):
    """Hand-picked periods around month and year boundaries, and the dashboard's months."""
    writer = Writer(bulk=False)
    writer.add(
        [
            ("trajectory", 0, "praktijkverklaring", D(2024, 1, 31), None),
            ("trajectory", 0, "praktijkverklaring", D(2024, 3, 15), 10),
            ("trajectory", 1, "voortraject", D(2024, 2, 1), None),
            ("dropout", 1, D(2024, 2, 10), None, "zorg"),
            ("dropout", 1, D(2024, 2, 20), 0, "zorg"),
            ("reentry", 1, D(2024, 2, 20)),  # on the day of the exit: back again
            ("outflow", 0, D(2024, 12, 31), "betaald werk", True, True),
            ("outflow", 0, D(2025, 1, 1), "anders", None, None),
            ("step", 2, 0, D(2024, 2, 14), 2),
            ("step", 2, 0, D(2024, 2, 15), 4),
            ("step", 2, 1, D(2024, 2, 15), 4),
            ("step", 2, 0, D(2024, 3, 1), 3),
            ("step", 2, 0, D(2024, 3, 2), 4),
        ]
    )
    assert_figures_match(
        [
            Period(D(2024, 1, 1), D(2024, 12, 31)),
            Period(D(2024, 2, 15), D(2024, 3, 1)),
            Period(D(2024, 2, 11), D(2025, 1, 1)),
            Period(D(2024, 3, 1), D(2024, 3, 1)),
            Period(D(2024, 2, 15), D(2024, 3, 5)),
            Period(D(2024, 2, 1), D(2024, 3, 31)),
            Period(D(2023, 1, 1), D(2025, 12, 31)),
        ]
    )
    months = per_month(2024, ["instroom", "uitstroom"])
    assert months == {"instroom": {1: 1, 2: 1}, "uitstroom": {12: 1}}


FIXED = [
    ("trajectory", 0, "praktijkverklaring", D(2024, 1, 10), None),
    ("trajectory", 1, "voortraject", D(2024, 2, 1), 40),
    ("trajectory", 2, "deelcertificaat", D(2024, 1, 2), None),
    ("reentry", 0, D(2024, 2, 15)),
    ("dropout", 0, D(2024, 2, 10), 1, "zorg"),
    ("outflow", 1, D(2024, 3, 5), "detachering", True, True),
    ("outflow", 2, D(2024, 3, 6), "anders", True, False),
    ("step", 2, 0, D(2024, 1, 14), 2),
    ("step", 2, 0, D(2024, 2, 15), 4),
    ("step", 2, 1, D(2024, 2, 20), 3),
    ("support", 0, "vervoer", D(2024, 1, 20), 30),
    ("support", 0, "financien", D(2024, 2, 20), None),
    ("support", 1, "vervoer", D(2024, 2, 29), None),
]


@pytest.mark.parametrize(
    "what",
    ["delete", "move", "shift", "participant", "goal", "kind", "followup"],
)
@pytest.mark.parametrize("bulk", [False, True])
def test_each_way_of_changing_records(db, what, bulk):
    writer = Writer(bulk)
    writer.add(FIXED)
    periods = [
        Period(D(2024, 1, 1), D(2024, 12, 31)),
        Period(D(2024, 2, 12), D(2024, 3, 5)),
        Period(D(2024, 1, 1), D(2024, 2, 14)),
        Period(D(2024, 1, 1), D(2024, 2, 15)),
    ]
    seen = [set(FigureEvent.objects.values_list("figure", "item", "participant_id", "date"))]
    for i in range(len(writer.records)):
        writer.change(what, i, D(2024, 4, 1) + datetime.timedelta(days=i))
        assert_figures_match(periods)
        seen.append(set(FigureEvent.objects.values_list("figure", "item", "participant_id", "date")))
    assert any(events != seen[0] for events in seen)  # the changes reached the events


def test_register_import_and_anonymising_keep_the_rollup(coordinator):
    from participants import register, services
    from plp.roles import COACH
    from tests.factories import UserFactory
    from tests.participants.test_register import BASE as ROW
    from tests.participants.test_register import csv_bytes

    UserFactory(username="alice", role=COACH)
    content = csv_bytes(
        [
            {
                **ROW,
                "deelnemernummer": f"R-{i}",
                "uitstroom_datum": "2024-09-15",
                "uitstroom_soort": "betaald werk",
            }
            for i in range(3)
        ]
    )
    plan = register.plan_import(register.read_register(content, "test.csv"))
    assert plan.ok, plan.messages()
    register.apply_import(plan, by=coordinator)
    year = Period(D(2024, 1, 1), D(2024, 12, 31))
    assert rollup_figures(year)[(None, "uitstroom", "")] == 3
    assert_figures_match([year])
    for p in Participant.objects.all():
        services.participant_anonymise(by=coordinator, participant=p)
    assert_figures_match([year])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_keeps_the_rollup(db):
    from plp.bench.bulk import Table

    people = [ParticipantFactory() for _ in range(3)]
    Table(Trajectory, ["participant_id", "kind", "start"]).write(
        f"{p.pk}\tpraktijkverklaring\t{D(2024, 3, i + 1)}" for i, p in enumerate(people)
    )
    Table(Dropout, ["participant_id", "date"]).write([f"{people[0].pk}\t2024-06-01"])
    year = Period(D(2024, 1, 1), D(2024, 12, 31))
    assert rollup_figures(year)[(None, "instroom", "")] == 3
    assert_figures_match([year])
