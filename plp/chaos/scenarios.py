"""The scenarios, and `main` (python -m plp.chaos)."""

import argparse
import html
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from .servers import Client, Cluster, Result, Site, wait_for

CONFLICT = "Iemand anders heeft dit gegeven gewijzigd"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def pdf_job_status(site: Site, job: int) -> tuple:
    rows = site.sql("SELECT status, step, error FROM reporting_pdfjob WHERE id = %s", (job,))
    return rows[0] if rows else (None, None, None)


def start_pdf(site: Site, port: int) -> int:
    coordinator = site.client(port, "coordinator")
    coordinator.get(f"/rapportage/edities/{site.info['edition']}/")
    status, _text, headers = coordinator.post(f"/rapportage/edities/{site.info['edition']}/pdf/maken/", {})
    location = headers.get("Location", "")
    if status != 302 or not re.search(r"/(\d+)/$", location):
        raise RuntimeError(f"PDF job not started: HTTP {status}")
    return int(re.search(r"/(\d+)/$", location).group(1))


def scenario_writes(site: Site, seconds: float = 10.0, threads: int = 8) -> Result:
    worker = site.worker()
    try:
        figures = site.inside(f"inside_write_load(threads={threads}, seconds={seconds})")
        job = figures.pop("job")
        started = time.monotonic()
        status = wait_for(
            lambda: pdf_job_status(site, job)[0] in ("done", "failed") and pdf_job_status(site, job)[0],
            120,
            0.2,
            "the PDF",
        )
        figures["pdf"] = f"{status} {time.monotonic() - started:.1f}s after the writes"
    finally:
        site.stop(worker)
    first_error = figures.pop("first_error")
    if first_error:
        print(first_error, file=sys.stderr)
    ok = figures["errors"] == 0 and figures["missing"] == 0 and status == "done" and figures["entries"] > 0
    return Result(f"writes[{site.label}]", ok, {"threads": threads, "seconds": seconds, **figures})


def scenario_worker_killed(site: Site, port: int, bound: float = 60.0) -> Result:
    """Kill the worker while it renders; a new worker must finish (or fail) the job."""
    worker = site.worker()
    job = start_pdf(site, port)
    try:
        wait_for(
            lambda: pdf_job_status(site, job)[1] in ("layout", "pages", "writing"), 60, 0.02, "rendering"
        )
        killed_at = pdf_job_status(site, job)[1]
        site.stop(worker, signal.SIGKILL)
        after_kill = pdf_job_status(site, job)[0]
        started = time.monotonic()
        worker = site.worker()
        status = wait_for(
            lambda: pdf_job_status(site, job)[0] in ("done", "failed") and pdf_job_status(site, job)[0],
            bound,
            0.2,
            "the job after the restart",
        )
        seconds = time.monotonic() - started
        page = site.client(port, "coordinator").get(f"/rapportage/pdf/{job}/")[1]
    except TimeoutError as error:
        return Result(f"worker-killed[{site.label}]", False, {"error": str(error)})
    finally:
        site.stop(worker)
    shows_download = f"/rapportage/pdf/{job}/download/" in page
    ok = after_kill == "running" and status == "done" and shows_download and seconds <= bound
    return Result(
        f"worker-killed[{site.label}]",
        ok,
        {
            "killed during": killed_at,
            "job after kill": after_kill,
            "new worker": f"{status} in {seconds:.1f}s (bound {bound:.0f}s)",
            "page offers download": shows_download,
        },
    )


def _participant_form(text: str) -> dict:
    """The registration form's fields as a browser would post them back."""
    data = {}
    for name in ("number", "first_name", "last_name", "birth_date", "email", "phone", "registration_date"):
        match = re.search(rf'name="{name}"[^>]*?value="([^"]*)"', text) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', text
        )
        data[name] = html.unescape(match.group(1)) if match else ""
    referrer = re.search(r'<select name="referrer".*?</select>', text, re.S)
    selected = re.search(r'<option value="(\d*)"[^>]*selected', referrer.group(0)) if referrer else None
    data["referrer"] = selected.group(1) if selected else ""
    data["lock"] = re.search(r'name="lock" value="([^"]*)"', text).group(1)
    return data


def _save_at_once(barrier, results: list, k: int, client: Client, url: str, data: dict) -> None:
    barrier.wait()
    results[k] = client.post(url, data)


def scenario_races(site: Site, port: int, races: int = 100) -> Result:
    """Two coaches open the same registration, then save different phone numbers at the
    same moment. Exactly one may win; the other must get the conflict message with the
    number they typed still in the form."""
    url = f"/deelnemers/{site.info['shared']}/wijzigen/"
    a, b = site.client(port, "coach1"), site.client(port, "coach2")
    figures = {
        "races": races,
        "wins": 0,
        "conflicts shown with input kept": 0,
        "silent overwrites": 0,
        "other": 0,
    }
    for i in range(races):
        forms = [_participant_form(c.get(url)[1]) for c in (a, b)]
        typed = [f"06-{i:04d}-A", f"06-{i:04d}-B"]
        results: list = [None, None]
        barrier = threading.Barrier(2)
        pool = [
            threading.Thread(
                target=_save_at_once, args=(barrier, results, k, c, url, {**forms[k], "phone": typed[k]})
            )
            for k, c in enumerate((a, b))
        ]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        won = [r[0] == 302 for r in results]
        stored = site.sql("SELECT phone FROM participants_participant WHERE id = %s", (site.info["shared"],))[
            0
        ][0]
        if all(won):
            figures["silent overwrites"] += 1
        elif sum(won) == 1:
            winner, loser = won.index(True), won.index(False)
            status, text, _ = results[loser]
            kept = status == 200 and CONFLICT in text and f'value="{typed[loser]}"' in text
            if kept and stored == typed[winner]:
                figures["wins"] += 1
                figures["conflicts shown with input kept"] += 1
            else:
                figures["other"] += 1
        else:
            figures["other"] += 1
    ok = figures["silent overwrites"] == 0 and figures["conflicts shown with input kept"] == races
    return Result(f"races[{site.label}]", ok, figures)


def _read_only_prefix(directory: Path) -> tuple[list[str], callable]:
    """A command prefix that makes `directory` read-only for the server it starts: a
    read-only bind mount in a mount namespace of its own as root (root ignores file
    modes), file modes otherwise. Returns (prefix, undo)."""
    if os.geteuid() == 0 and shutil.which("unshare"):
        script = (
            f'mount --bind "{directory}" "{directory}" && mount -o remount,ro,bind "{directory}" && exec "$@"'
        )
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"], lambda: None
    directory.chmod(0o555)
    return [], lambda: directory.chmod(0o755)


def scenario_readonly_media(site: Site, port: int) -> Result:
    participant = site.info["shared"]
    url = f"/deelnemers/{participant}/document/nieuw/"
    count = "SELECT count(*) FROM participants_attachment"
    private = site.tmp / "private"
    (private / "attachments").mkdir(parents=True, exist_ok=True)
    prefix, undo = _read_only_prefix(private)
    files_before = sorted(str(p) for p in private.rglob("*"))
    rows_before = site.sql(count)[0][0]
    ro_port = site.gunicorn(workers=1, threads=1, prefix=prefix)
    try:
        coach = site.client(ro_port, "coach1")
        coach.get(url)
        status, text, _ = coach.post(url, {"title": "Getekende overeenkomst RO"}, {"file": ("scan.png", PDF)})
    finally:
        site.stop(site.processes.pop())
        undo()
    message = "kon niet worden opgeslagen" in text and "Getekende overeenkomst RO" in text
    rows_added = site.sql(count)[0][0] - rows_before
    files_left = len(set(map(str, private.rglob("*"))) - set(files_before))
    # The same upload on the writable server: stored as .pdf, the detected type.
    coach = site.client(port, "coach1")
    coach.get(url)
    stored_status = coach.post(url, {"title": "Getekende overeenkomst"}, {"file": ("scan.png", PDF)})[0]
    name = site.sql("SELECT file FROM participants_attachment ORDER BY id DESC LIMIT 1")[0][0]
    ok = status == 200 and message and not rows_added and not files_left
    ok = ok and stored_status == 302 and name.endswith(".pdf")
    return Result(
        f"readonly-media[{site.label}]",
        ok,
        {
            "read-only upload": f"HTTP {status}",
            "message and input kept": message,
            "rows added": rows_added,
            "files left": files_left,
            "writable upload 'scan.png' stored as": Path(name).suffix,
        },
    )


def scenario_restart(
    site: Site, cluster: Cluster, port: int, clients: int = 4, idle: bool = False, control: bool = False
) -> Result:
    """Clients read the participant page while PostgreSQL stops for 2 s and starts again.

    With `idle` the clients pause while it is down: every server thread then holds a
    persistent connection that died with the restart, which CONN_HEALTH_CHECKS must
    notice before the next request uses it. The control run is the same against a gunicorn
    without health checks: there requests after the restart must fail, else this
    scenario could not tell whether the health checks do anything."""
    log: list[tuple[float, float, int, bool]] = []
    stop, pause = threading.Event(), threading.Event()
    url = f"/deelnemers/{site.info['shared']}/"
    worker = None
    if control:
        port = site.gunicorn(threads=2, env={**site.env, "CHAOS_CONN_HEALTH_CHECKS": "false"})
        server = site.processes[-1]
    elif not idle:
        worker = site.worker()

    def read(username: str) -> None:
        client = site.client(port, username)
        while not stop.is_set():
            if pause.is_set():
                time.sleep(0.02)
                continue
            began = time.monotonic()
            try:
                status, text, _ = client.get(url)
            except OSError:
                status, text = 0, ""
            log.append((began, time.monotonic(), status, "tijdelijk niet beschikbaar" in text))
            time.sleep(0.02)

    pool = [threading.Thread(target=read, args=(("coach1", "coordinator")[i % 2],)) for i in range(clients)]
    for t in pool:
        t.start()
    status, worker_alive = "", False
    try:
        time.sleep(2)
        if idle:
            pause.set()
            time.sleep(0.5)  # let the requests in flight finish
        down = time.monotonic()
        cluster.pg_ctl("stop", "-m", "fast")
        time.sleep(2)
        cluster.pg_ctl("start")
        up = time.monotonic()
        pause.clear()
        time.sleep(4)
        stop.set()
        for t in pool:
            t.join()
        if worker:
            job = start_pdf(site, port)
            status = wait_for(
                lambda: pdf_job_status(site, job)[0] in ("done", "failed") and pdf_job_status(site, job)[0],
                90,
                0.2,
                "the PDF after the restart",
            )
            worker_alive = worker.poll() is None
    finally:
        stop.set()
        pause.clear()
        site.stop(server if control else worker) if (control or worker) else None
    during = [r for r in log if r[1] >= down and r[0] <= up]
    after = [r for r in log if r[0] > up]
    failed_during = [r for r in during if r[2] != 200]
    unclear = [r for r in failed_during if not (r[2] == 503 and r[3])]
    failed_after = [r for r in after if r[2] != 200]
    figures = {
        "requests": len(log),
        "outage": f"{up - down:.1f}s",
        "during": len(during),
        "failed during": f"{len(failed_during)} (as 503 page: {len(failed_during) - len(unclear)})",
        "after": len(after),
        "failed after": len(failed_after),
    }
    if control:
        figures["failed after"] = f"{len(failed_after)} (must be > 0 without CONN_HEALTH_CHECKS)"
        return Result(f"restart-control[{site.label}]", bool(failed_after), figures)
    ok = not failed_after and not unclear and bool(after)
    if idle:
        return Result(f"restart-idle[{site.label}]", ok, figures)
    waits = worker.log_path.read_text().count("Database unavailable")
    figures["worker"] = (
        f"{'same process' if worker_alive else 'DIED'}, waited out {waits} database errors, "
        f"PDF after restart {status}"
    )
    return Result(f"restart[{site.label}]", ok and status == "done" and worker_alive, figures)


# -- main ------------------------------------------------------------------------------

SCENARIOS = ["writes", "restart", "worker-killed", "races", "readonly-media"]


def run(only: list[str], seconds: float, races: int) -> list[Result]:
    results: list[Result] = []

    def attempt(name: str, call) -> None:
        try:
            result = call()
        except Exception as error:  # a scenario that cannot run does not hold
            result = Result(name, False, {"error": f"{type(error).__name__}: {str(error)[:300]}"})
        results.append(result)
        print(result.line(), flush=True)

    with tempfile.TemporaryDirectory(prefix="plp-chaos-") as tmp:
        tmp = Path(tmp)
        if {"writes", "worker-killed", "races", "readonly-media"} & set(only):
            site = Site("sqlite", f"sqlite:///{tmp / 'sqlite' / 'db.sqlite3'}", tmp / "sqlite")
            try:
                site.setup()
                port = site.gunicorn()
                if "writes" in only:
                    attempt("writes[sqlite]", lambda: scenario_writes(site, seconds))
                if "worker-killed" in only:
                    attempt("worker-killed[sqlite]", lambda: scenario_worker_killed(site, port))
                if "races" in only:
                    attempt("races[sqlite]", lambda: scenario_races(site, port, races))
                if "readonly-media" in only:
                    attempt("readonly-media[sqlite]", lambda: scenario_readonly_media(site, port))
            except Exception as error:
                attempt("setup[sqlite]", lambda error=error: (_ for _ in ()).throw(error))
            finally:
                site.close()
        if {"restart", "worker-killed", "races"} & set(only):
            cluster = None
            try:
                cluster = Cluster(tmp)
                site = Site("postgresql", cluster.database("plp_chaos"), tmp / "postgresql")
                site.setup()
                port = site.gunicorn()
                if "restart" in only:
                    attempt("restart[postgresql]", lambda: scenario_restart(site, cluster, port))
                    attempt(
                        "restart-idle[postgresql]", lambda: scenario_restart(site, cluster, port, idle=True)
                    )
                    attempt(
                        "restart-control[postgresql]",
                        lambda: scenario_restart(site, cluster, port, idle=True, control=True),
                    )
                if "worker-killed" in only:
                    attempt("worker-killed[postgresql]", lambda: scenario_worker_killed(site, port))
                if "races" in only:
                    attempt("races[postgresql]", lambda: scenario_races(site, port, races))
            except Exception as error:
                attempt("setup[postgresql]", lambda error=error: (_ for _ in ()).throw(error))
            finally:
                site.close()
                if cluster:
                    cluster.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m plp.chaos",
        description="Fault scenarios against real servers on loopback (bash dev chaos).",
    )
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help="comma-separated: " + ", ".join(SCENARIOS)
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the write load")
    parser.add_argument("--races", type=int, default=100)
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    results = run(only, args.seconds, args.races)
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)}/{len(results)} scenarios hold ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0
