"""The benchmark command runs end to end on a small generated set (timings are its
output, not something a test asserts)."""

import io
import json

import pytest
from django.core.management import call_command

from participants.models import Participant, ProgressEntry


@pytest.mark.django_db
def test_benchmark_runs_and_reports_every_page(tmp_path):
    out = io.StringIO()
    report = tmp_path / "bench.json"
    call_command(
        "benchmark",
        "--participants",
        "30",
        "--repeat",
        "2",
        "--import-rows",
        "40",
        "--json",
        str(report),
        stdout=out,
    )
    data = json.loads(report.read_text())
    pages = {r["page"] for r in data["results"]}
    assert {
        "caseload, page 2 (coordinator)",
        "participant page",
        "admin changelist, lean columns (stock peer)",
        "admin changelist, caseload columns (honest peer)",
        "full report PDF",
        "register import 40 rows (csv)",
        "register import 40 rows (xlsx)",
    } <= pages
    assert all(r["median_ms"] > 0 and r["queries"] > 0 for r in data["results"])
    assert Participant.objects.filter(number__startswith="BENCH-").count() == 30
    assert ProgressEntry.objects.count() == 30 * 20
    assert not Participant.objects.filter(number__startswith="BIMP-").exists()  # the import was rolled back
    call_command(
        "benchmark",
        "--participants",
        "30",
        "--repeat",
        "1",
        "--import-rows",
        "0",
        "--compare",
        str(report),
        stdout=out,
    )
    assert "reused" in out.getvalue()
    assert (
        "caseload, page 2 (coordinator) / admin changelist, caseload columns (honest peer): "
        in out.getvalue()
    )
