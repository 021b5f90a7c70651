"""benchmark --participants N [--json FILE] [--repeat R]

Generates synthetic data with bulk inserts (reused when it is already there), then
measures the main pages in-process: median and p95 server time over warm requests,
the number of queries, and the SQL floor (the summed EXPLAIN ANALYZE time of the page's
own queries on PostgreSQL; their plain execution time on SQLite). The Django admin
changelist of participants is measured beside our caseload as the stock peer.
Run it against a scratch database, never production (see README)."""

import datetime
import io
import json
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants import register
from participants.lifecycle import Phase
from participants.models import (
    Credential,
    Dropout,
    DropoutReason,
    Intake,
    Organisation,
    Outflow,
    Participant,
    Pause,
    Placement,
    ProgressEntry,
    Signal,
    Trajectory,
)
from participants.reference import ensure_reference_data
from plp.demo import FIRST, LAST
from plp.demo_learning import EXAMPLE_FILES, bulk_evidence, example_catalogue, save_bulk_evidence
from plp.roles import COACH, COORDINATOR
from reporting.figures import Period, compute_figures
from reporting.pdf import render_pdf
from reporting.report import report_context

PREFIX = "BENCH-"
BATCH = 5000


class Command(BaseCommand):
    help = "Generate N synthetic participants and measure the main pages."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, required=True)
        parser.add_argument("--json", dest="json_file")
        parser.add_argument("--repeat", type=int, default=15, help="warm requests per page")
        parser.add_argument(
            "--import-rows", type=int, default=10_000, help="rows of the import test (0: none)"
        )

    def handle(self, *args, participants, json_file, repeat, import_rows, **options):
        if participants < 10:
            raise CommandError("--participants must be at least 10.")
        random.seed(42)
        ensure_reference_data()
        started = time.perf_counter()
        created = self.generate(participants)
        call_command("refresh_phases", stdout=io.StringIO())  # the nightly job, as in production
        # Fresh planner statistics and visibility maps (index-only scans), as autovacuum
        # gives a live database some time after a bulk load. VACUUM cannot run inside a
        # transaction (the tests run the command in one).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(
            f"data: {participants:,} participants ({'generated' if created else 'reused'}, "
            f"{time.perf_counter() - started:.1f} s), {connection.vendor}"
        )
        with override_settings(
            PLP_REQUIRE_2FA=False, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False, AXES_ENABLED=False
        ):
            results = self.measure(repeat, import_rows)
        self.print_table(results)
        if json_file:
            with open(json_file, "w") as f:
                json.dump(
                    {"participants": participants, "database": connection.vendor, "results": results},
                    f,
                    indent=2,
                )

    # Data

    def generate(self, n: int) -> bool:
        existing = Participant.objects.filter(number__startswith=PREFIX).count()
        if existing == n:
            return False
        if existing:
            raise CommandError(
                f"The database holds {existing:,} benchmark participants, not {n:,}: "
                "use a fresh scratch database per size."
            )
        User = get_user_model()
        coach_group = Group.objects.get(name=COACH)
        n_coaches = max(3, n // 40)
        coaches = User.objects.bulk_create(
            [
                User(
                    username=f"bench-coach-{i}",
                    first_name=random.choice(FIRST),
                    last_name=random.choice(LAST),
                )
                for i in range(n_coaches)
            ],
            batch_size=BATCH,
        )
        coaches = list(User.objects.filter(username__startswith="bench-coach-"))
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=c.pk, group_id=coach_group.pk) for c in coaches], batch_size=BATCH
        )
        coordinator, _ = User.objects.get_or_create(
            username="bench-coordinator", defaults={"is_superuser": True, "is_staff": True}
        )
        coordinator.groups.add(Group.objects.get(name=COORDINATOR))
        employers = Organisation.objects.bulk_create(
            [Organisation(name=f"Bench leerbedrijf {i}", kind="employer") for i in range(200)],
            ignore_conflicts=True,
        )
        employers = list(Organisation.objects.filter(name__startswith="Bench leerbedrijf"))
        reasons = list(DropoutReason.objects.all())
        today = timezone.localdate()
        for start in range(0, n, BATCH):
            size = min(BATCH, n - start)
            people = Participant.objects.bulk_create(
                [
                    Participant(
                        number=f"{PREFIX}{i:07d}",
                        first_name=random.choice(FIRST),
                        last_name=random.choice(LAST),
                        coach=coaches[i % len(coaches)],
                        registration_date=today - datetime.timedelta(days=random.randint(60, 1800)),
                    )
                    for i in range(start, start + size)
                ]
            )
            self.generate_records(people, employers, reasons, today)
            Participant.objects.filter(pk__in=[p.pk for p in people]).refresh_state()
            self.stdout.write(f"  {start + size:,} / {n:,}")
        return True

    def generate_records(self, people, employers, reasons, today):
        intakes, trajectories, placements, entries, signals = [], [], [], [], []
        credentials, dropouts, outflows, pauses = [], [], [], []
        kinds = ["praktijkverklaring", "ervaringscertificaat", "deelcertificaat"]
        for p in people:
            first = p.registration_date + datetime.timedelta(days=30)
            intakes.append(
                Intake(participant=p, date=first - datetime.timedelta(days=10), outcome="admitted")
            )
            fate = (
                random.random()
            )  # proportions of the demo data: about a quarter drop out, a quarter flow out
            end = None
            if fate < 0.27:
                end = min(today, first + datetime.timedelta(days=random.randint(30, 400)))
                dropouts.append(Dropout(participant=p, date=end, reason=random.choice(reasons)))
            elif fate < 0.52:
                end = min(today, first + datetime.timedelta(days=random.randint(120, 700)))
                outflows.append(
                    Outflow(
                        participant=p,
                        date=end,
                        kind=random.choice(
                            ["betaald werk", "beschut werk", "participatiebaan", "detachering"]
                        ),
                        employer=random.choice(employers),
                        job_title="Medewerker",
                    )
                )
            kind = random.choice(kinds)
            trajectories.append(
                Trajectory(
                    participant=p, kind=kind, start=first, end=end, outcome="gestopt" if end else "lopend"
                )
            )
            placements.append(
                Placement(
                    participant=p, employer=random.choice(employers), start=first, end=end, hours_per_week=16
                )
            )
            if fate >= 0.27 and fate < 0.52:
                credentials.append(Credential(participant=p, kind=kind, awarded_on=end))
            last = end or today
            span = max(1, (last - first).days)
            for j in range(20):
                entries.append(
                    ProgressEntry(
                        participant=p,
                        date=first + datetime.timedelta(days=span * j // 20),
                        kind=random.choice(ProgressEntry.Kind.values),
                        duration_minutes=random.choice([15, 30, 45, 60, 90]),
                        notes="Voortgang.",
                    )
                )
            if end is None and random.random() < 0.05:  # a few open files are paused now
                pauses.append(
                    Pause(
                        participant=p,
                        start=max(first, today - datetime.timedelta(days=random.randint(1, 30))),
                        end=today + datetime.timedelta(days=random.randint(1, 60)),
                        reason="Ziekte",
                    )
                )
            if random.random() < 0.15:
                signals.append(Signal(participant=p, kind=random.choice(Signal.Kind.values), raised_on=last))
        Trajectory.objects.bulk_create(trajectories, batch_size=BATCH)
        save_bulk_evidence(*bulk_evidence(trajectories, self.work_processes(), today, random), BATCH)
        for model, objs in (
            (Intake, intakes),
            (Placement, placements),
            (ProgressEntry, entries),
            (Signal, signals),
            (Credential, credentials),
            (Dropout, dropouts),
            (Outflow, outflows),
            (Pause, pauses),
        ):
            model.objects.bulk_create(objs, batch_size=BATCH)

    @staticmethod
    def work_processes() -> list:
        """The example catalogue of the demo (loaded once)."""
        from participants import catalogue
        from participants.models import WorkProcess

        if not WorkProcess.objects.filter(qualification__crebo__in=[f[0] for f in EXAMPLE_FILES]).exists():
            catalogue.import_catalogue(example_catalogue(), by=None, dry_run=False)
        return list(WorkProcess.objects.filter(qualification__crebo__in=[f[0] for f in EXAMPLE_FILES]))

    # Measuring

    def measure(self, repeat: int, import_rows: int) -> list[dict]:
        User = get_user_model()
        coordinator = User.objects.get(username="bench-coordinator")
        coach = User.objects.filter(username__startswith="bench-coach-").first()
        own_people = Participant.objects.filter(number__startswith=PREFIX, coach=coach).order_by("pk")
        # The page with the most to show: a file with learning goals and observations.
        participant = own_people.filter(observations__isnull=False).first() or own_people.first()
        coord, own = Client(), Client()
        coord.force_login(coordinator)
        own.force_login(coach)
        caseload = reverse("participants:caseload")
        pages = [
            ("caseload, page 2 (coordinator)", coord, caseload, {"page": 2}),
            ("caseload, everyone incl. closed, p. 2", coord, caseload, {"page": 2, "phase": "all"}),
            ("caseload, one coach", coord, caseload, {"coach": coach.pk, "phase": "all"}),
            ("caseload, name search", coord, caseload, {"q": "jansen", "phase": "all"}),
            ("caseload, in trajectory, p. 2", coord, caseload, {"phase": Phase.IN_TRAJECTORY, "page": 2}),
            ("caseload, paused", coord, caseload, {"phase": Phase.PAUSED}),
            ("caseload, coach's own", own, caseload, {}),
            ("caseload, ready for judgment", coord, caseload, {"flag": "ready"}),
            ("participant page", own, participant.get_absolute_url(), {}),
            (
                "admin changelist (stock peer)",
                coord,
                reverse("admin:participants_participant_changelist"),
                {"p": 2},
            ),
            ("report figures page, 4 years", coord, reverse("reporting:overview"), self.four_years()),
            ("dashboard (coordinator)", coord, reverse("reporting:dashboard"), {}),
            ("today (coach)", own, reverse("participants:today"), {}),
        ]
        results = [
            self.measure_page(name, client, url, params, repeat) for name, client, url, params in pages
        ]
        results.append(self.measure_callable("figures, 4 years (compute only)", self.compute_figures, repeat))
        results.append(self.measure_callable("full report PDF", self.render_pdf, 3))
        if import_rows:
            for fmt in ("csv", "xlsx"):
                content = self.register_file(fmt, import_rows)
                results.append(
                    self.measure_callable(
                        f"register import {import_rows:,} rows ({fmt})",
                        lambda c=content, f=fmt: self.import_file(c, f),
                        1,
                    )
                )
        return results

    @staticmethod
    def four_years() -> dict:
        year = timezone.localdate().year
        return {
            "start": f"{year - 3}-01-01",
            "end": f"{year}-12-31",
            "peildatum": timezone.localdate().isoformat(),
        }

    def compute_figures(self):
        p = self.four_years()
        compute_figures(
            Period(datetime.date.fromisoformat(p["start"]), datetime.date.fromisoformat(p["end"])),
            timezone.localdate(),
        )

    def render_pdf(self):
        p = self.four_years()
        period = Period(datetime.date.fromisoformat(p["start"]), datetime.date.fromisoformat(p["end"]))
        render_pdf(report_context(period, timezone.localdate()))

    @staticmethod
    def register_file(fmt: str, n: int) -> bytes:
        rows = [
            {c: "" for c in register.COLUMNS}
            | {
                "deelnemernummer": f"BIMP-{i:06d}",
                "voornaam": "Anna",
                "achternaam": "Bos",
                "coach": "bench-coach-0",
                "traject": "praktijkverklaring",
                "traject_start": "01-02-2025",
                "leerbedrijf": "Bench leerbedrijf 1",
                "plaatsing_start": "01-02-2025",
                "intakedatum": "15-01-2025",
            }
            for i in range(n)
        ]
        if fmt == "csv":
            out = io.StringIO()
            out.write(";".join(register.COLUMNS) + "\n")
            for r in rows:
                out.write(";".join(r[c] for c in register.COLUMNS) + "\n")
            content = out.getvalue().encode()
        else:
            content = register._xlsx(
                [register.COLUMNS] + [[r[c] for c in register.COLUMNS] for r in rows], False
            )
        return content

    @staticmethod
    def import_file(content: bytes, fmt: str):
        """Read, check and save a register file, then roll back: measure, do not keep."""
        with transaction.atomic():
            plan = register.plan_import(register.read_register(content, f"bench.{fmt}"))
            assert plan.ok, plan.messages()[:3]
            register.apply_import(plan, by=None)
            transaction.set_rollback(True)

    def measure_page(self, name, client, url, params, repeat) -> dict:
        for _ in range(2):
            response = client.get(url, params)
            if response.status_code != 200:
                raise CommandError(f"{name}: {url} answered {response.status_code}")
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            client.get(url, params)
            times.append((time.perf_counter() - t) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, params)
        floor = self.sql_floor(ctx.captured_queries)
        return self.row(name, times, len(ctx.captured_queries), floor)

    def measure_callable(self, name, func, repeat) -> dict:
        func()
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            func()
            times.append((time.perf_counter() - t) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            func()
        return self.row(name, times, len(ctx.captured_queries), None)

    @staticmethod
    def row(name, times, queries, floor) -> dict:
        times.sort()
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        return {
            "page": name,
            "median_ms": round(median, 1),
            "p95_ms": round(p95, 1),
            "queries": queries,
            "sql_floor_ms": None if floor is None else round(floor, 1),
            "ratio": None if not floor else round(median / floor, 1),
        }

    @staticmethod
    def sql_floor(queries) -> float:
        """The time the database itself needs for the page's own SELECTs."""
        total = 0.0
        with connection.cursor() as cursor:
            for q in queries:
                sql = q["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                    continue
                if connection.vendor == "postgresql":
                    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0][0]
                    total += plan["Planning Time"] + plan["Execution Time"]
                else:
                    t = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    total += (time.perf_counter() - t) * 1000
        return total

    def print_table(self, results):
        header = f"{'page':<38} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'SQL floor':>10} {'ratio':>6}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            floor = "" if r["sql_floor_ms"] is None else f"{r['sql_floor_ms']:.1f}"
            ratio = "" if r["ratio"] is None else f"{r['ratio']:.1f}"
            self.stdout.write(
                f"{r['page']:<38} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} {r['queries']:>8} "
                f"{floor:>10} {ratio:>6}"
            )
