"""benchmark --participants N [--json FILE] [--repeat R]

Generates synthetic data with COPY (plp/bench/generate.py; reused when it is already there), then
measures the main pages in-process: median, fastest and p95 server time over warm requests
(--repeat of them, fewer for a page slower than --page-seconds allows), the number of
queries, and the SQL floor (the summed EXPLAIN ANALYZE time of the page's own queries on
PostgreSQL; their plain execution time on SQLite). Two peers are measured
beside our caseload, and the ratio printed: the plain Django admin changelist of
participants (lean: number, names, coach, date) and the admin changelist with the
caseload's columns built by annotation (honest: the same work; plp/bench/peer.py).
Run it against a scratch database, never production (see README)."""

import datetime
import io
import json
import math
import os
import re
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants import register
from participants.lifecycle import Phase
from participants.models import Participant
from participants.reference import ensure_reference_data
from plp.bench import peer
from plp.bench.gauge import cpu_gauge, describe
from plp.bench.generate import BATCH, PREFIX, generate
from reporting.figures import Period, compute_figures
from reporting.pdf import render_pdf
from reporting.report import report_context

MIN_RUNS = 3
RENEWAL = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|UPDATE \"django_session\")")
OURS = "caseload, page 2 (coordinator)"
LEAN_PEER = "admin changelist, lean columns (stock peer)"
HONEST_PEER = "admin changelist, caseload columns (honest peer)"


class Command(BaseCommand):
    help = "Generate N synthetic participants and measure the main pages."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, required=True)
        parser.add_argument("--json", dest="json_file")
        parser.add_argument("--repeat", type=int, default=15, help="warm requests per page")
        parser.add_argument(
            "--page-seconds",
            type=float,
            default=60,
            help="time per page: a slow page gets fewer runs (at least 3)",
        )
        parser.add_argument(
            "--import-rows", type=int, default=10_000, help="rows of the import test (0: none)"
        )
        parser.add_argument(
            "--compare",
            action="append",
            default=[],
            metavar="FILE",
            help="a --json file of a smaller size: print how each page's time grew since",
        )

    def handle(self, *args, participants, json_file, repeat, import_rows, compare, page_seconds, **options):
        self.page_seconds = page_seconds
        if participants < 10:
            raise CommandError("--participants must be at least 10.")
        ensure_reference_data()
        started = time.perf_counter()
        phases = self.generate(participants)
        call_command("refresh_phases", stdout=io.StringIO())  # the nightly job, as in production
        # Fresh planner statistics and visibility maps (index-only scans), as autovacuum
        # gives a live database some time after a bulk load. VACUUM cannot run inside a
        # transaction (the tests run the command in one).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        if phases is not None:
            phases["VACUUM ANALYZE (after the load)" if vacuum else "ANALYZE"] = time.perf_counter() - t
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"data: {participants:,} participants ({'generated' if phases else 'reused'}, "
            f"{seconds:.1f} s), {connection.vendor}"
        )
        if phases:
            self.print_phases(phases)
        load = os.getloadavg()
        gauge = cpu_gauge()
        with override_settings(
            PLP_REQUIRE_2FA=False, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False, AXES_ENABLED=False
        ):
            results = self.measure(repeat, import_rows)
        load = [max(a, b) for a, b in zip(load, os.getloadavg(), strict=True)]
        self.print_table(results)
        self.stdout.write(
            f"{os.cpu_count()} cores; load average (1, 5, 15 min, the higher of before and after): "
            + ", ".join(f"{x:.2f}" for x in load)
        )
        self.stdout.write(describe(gauge))
        if compare:
            self.print_growth(participants, results, compare)
        if json_file:
            generation = {
                "generation_s": None if phases is None else round(seconds, 1),
                "generation_phases_s": {k: round(v, 1) for k, v in (phases or {}).items()},
            }
            if phases is None:
                generation = self.earlier_generation(json_file, participants) or generation
            with open(json_file, "w") as f:
                json.dump(
                    {
                        "participants": participants,
                        "database": connection.vendor,
                        "date": timezone.now().isoformat(timespec="minutes"),
                        "cores": os.cpu_count(),
                        "load_average": load,
                        "cpu_gauge_ms": round(gauge, 1),
                        **generation,
                        "results": results,
                    },
                    f,
                    indent=2,
                )

    @staticmethod
    def earlier_generation(json_file: str, participants: int) -> dict | None:
        """The generation time recorded in `json_file` by the run that made this data."""
        try:
            with open(json_file) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return None
        if data.get("participants") != participants or not data.get("generation_s"):
            return None
        return {key: data[key] for key in ("generation_s", "generation_phases_s")}

    # Data

    def generate(self, n: int) -> dict[str, float] | None:
        """Generate n participants; the seconds per phase (None: they were there)."""
        existing = Participant.objects.filter(number__startswith=PREFIX).count()
        if existing == n:
            return None
        if existing:
            raise CommandError(
                f"The database holds {existing:,} benchmark participants, not {n:,}: "
                "use a fresh scratch database per size."
            )
        step = max(BATCH, n // 10)

        def progress(done: int, n: int) -> None:
            if done % step == 0 or done == n:
                self.stdout.write(f"  {done:,} / {n:,}  ({time.perf_counter() - started:.0f} s)")

        started = time.perf_counter()
        return dict(generate(n, progress).seconds)

    def print_phases(self, phases: dict[str, float]) -> None:
        """Where the generation time went, largest first; phases under 1 % of the total
        are summed (rows are made in a thread beside the COPY, so the phases add up to
        more than the total)."""
        total = sum(phases.values())
        small = [s for s in phases.values() if s < total / 100]
        for name, seconds in sorted(phases.items(), key=lambda p: -p[1]):
            if seconds >= total / 100:
                self.stdout.write(f"  {name:<56} {seconds:8.1f} s")
        if small:
            self.stdout.write(f"  {f'{len(small)} smaller phases':<56} {sum(small):8.1f} s")

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
            (OURS, coord, caseload, {"page": 2}),
            ("caseload, everyone incl. closed, p. 2", coord, caseload, {"page": 2, "phase": "all"}),
            ("caseload, one coach", coord, caseload, {"coach": coach.pk, "phase": "all"}),
            ("caseload, name search", coord, caseload, {"q": "jansen", "phase": "all"}),
            ("caseload, in trajectory, p. 2", coord, caseload, {"phase": Phase.IN_TRAJECTORY, "page": 2}),
            ("caseload, paused", coord, caseload, {"phase": Phase.PAUSED}),
            ("caseload, coach's own", own, caseload, {}),
            ("caseload, ready for judgment", coord, caseload, {"flag": "ready"}),
            ("participant page", own, participant.get_absolute_url(), {}),
            (LEAN_PEER, coord, reverse("admin:participants_participant_changelist"), {"p": 2}),
            ("report figures page, 4 years", coord, reverse("reporting:overview"), self.four_years()),
            ("dashboard (coordinator)", coord, reverse("reporting:dashboard"), {}),
            ("today (coach)", own, reverse("participants:today"), {}),
        ]
        results = [
            self.measure_page(name, client, url, params, repeat) for name, client, url, params in pages
        ]
        results.append(
            self.measure_callable(HONEST_PEER, lambda: peer.changelist(coordinator, {"p": 2}), min(repeat, 5))
        )
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
        def get():
            response = client.get(url, params)
            if response.status_code != 200:
                raise CommandError(f"{name}: {url} answered {response.status_code}")

        times, queries = self.runs(get, repeat)
        return self.row(name, times, len(queries), self.sql_floor(queries))

    def measure_callable(self, name, func, repeat) -> dict:
        times, queries = self.runs(func, repeat)
        return self.row(name, times, len(queries), None)

    def runs(self, func, repeat: int) -> tuple[list[float], list[dict]]:
        """One warm-up, then `repeat` timed runs, or as many as fit in --page-seconds
        when a run is slow (at least three). The queries of the first timed run are
        captured (recording them costs microseconds a query)."""
        t = time.perf_counter()
        func()
        warm = time.perf_counter() - t
        count = min(repeat, max(MIN_RUNS, int(self.page_seconds / max(warm, 1e-6))))
        times = []
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            func()
            times.append((time.perf_counter() - t) * 1000)
        # The page's own queries: not the session's renewal (at most once a minute,
        # so it falls at random on a run, on every run of a page slower than a minute).
        queries = [
            q
            for q in ctx.captured_queries
            if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
        for _ in range(count - 1):
            t = time.perf_counter()
            func()
            times.append((time.perf_counter() - t) * 1000)
        return times, queries

    @staticmethod
    def row(name, times, queries, floor) -> dict:
        times.sort()
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        return {
            "page": name,
            "runs": len(times),
            "median_ms": round(median, 1),
            "min_ms": round(times[0], 1),
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
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "django_session" in sql:
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
        header = f"{'page':<38} {'runs':>4} {'median ms':>10} {'min ms':>8} {'p95 ms':>8} {'queries':>8}"
        header += f" {'SQL floor':>10} {'ratio':>6}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            floor = "" if r["sql_floor_ms"] is None else f"{r['sql_floor_ms']:.1f}"
            ratio = "" if r["ratio"] is None else f"{r['ratio']:.1f}"
            self.stdout.write(
                f"{r['page']:<38} {r['runs']:>4} {r['median_ms']:>10.1f} {r['min_ms']:>8.1f} "
                f"{r['p95_ms']:>8.1f} {r['queries']:>8} {floor:>10} {ratio:>6}"
            )
        times = {r["page"]: r["median_ms"] for r in results}
        for name in (LEAN_PEER, HONEST_PEER):
            self.stdout.write(f"{OURS} / {name}: {times[OURS] / times[name]:.3f}")

    def print_growth(self, n: int, results: list[dict], files: list[str]):
        """Each page's median here against the same page in earlier runs: the growth
        factor, beside the growth of n and of log(n)."""
        earlier = []
        for name in files:
            with open(name) as f:
                data = json.load(f)
            earlier.append((data["participants"], {r["page"]: r["median_ms"] for r in data["results"]}))
            if "cpu_gauge_ms" in data:
                self.stdout.write(f"{name}: {describe(data['cpu_gauge_ms'])}")
        earlier.sort(key=lambda e: e[0])
        sizes = [size for size, _ in earlier] + [n]
        header = f"{'growth of the median':<38}" + "".join(f"{f'{s:,}':>11}" for s in sizes)
        header += "".join(f"{f'x {s:,}':>14}" for s, _ in earlier)
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            before = [times.get(r["page"]) for _, times in earlier]
            line = f"{r['page']:<38}" + "".join(f"{t:>11.1f}" if t else f"{'':>11}" for t in before)
            line += f"{r['median_ms']:>11.1f}"
            line += "".join(f"{r['median_ms'] / t:>14.2f}" if t else f"{'':>14}" for t in before)
            self.stdout.write(line)
        for size, _ in earlier:
            self.stdout.write(
                f"n grew x{n / size:,.0f} since {size:,}; log(n) grew x{math.log(n) / math.log(size):.2f}"
            )
