"""`bash dev scan`: wapiti and sqlmap against a throwaway local PLP, once per role.

Starts gunicorn on 127.0.0.1 with a fresh SQLite database in a temporary folder and the
demo data, logs in as each role (a session cookie per role; anonymous too), runs wapiti
and sqlmap against it within SCAN_SECONDS each (default 90), prints a summary and exits 1
on a finding of high or critical severity (any SQL injection counts as one). Nothing
leaves the machine: the server listens on loopback only and wapiti's out-of-band
endpoints point at a closed local port. The tools are installed on first use into their
own virtualenv (PLP_SCAN_VENV, default ~/.cache/plp-scan-venv), apart from the app's.
"""

import json
import os
import re
import secrets
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TOOLS = Path(os.environ.get("PLP_SCAN_VENV", Path.home() / ".cache" / "plp-scan-venv"))
PACKAGES = ["wapiti3==3.2.3", "sqlmap==1.10.10"]
SECONDS = int(os.environ.get("SCAN_SECONDS", "90"))
HOST = "127.0.0.1"
LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
# Role -> the account the scan logs in as (None: anonymous). Peer expert and administrator
# are not in the demo data; the scan adds them to its own database.
ROLES = {
    "anonymous": None,
    "coordinator": "coordinator",
    "coach": "coach1",
    "peer_expert": "scan-peer",
    "administrator": "scan-admin",
}
SESSIONS = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
User = get_user_model()
for name, role in [("scan-peer", "peer_expert"), ("scan-admin", "administrator")]:
    user, _ = User.objects.get_or_create(username=name)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
cookies = {}
for role, name in ROLES.items():
    if name:
        client = Client()
        client.force_login(User.objects.get(username=name))
        cookies[role] = client.cookies["sessionid"].value
print(json.dumps(cookies))
"""


def tool(name: str) -> Path:
    return TOOLS / "bin" / name


def install_tools() -> None:
    if tool("wapiti").exists() and tool("sqlmap").exists():
        return
    print(f"Installing {', '.join(PACKAGES)} into {TOOLS}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
    subprocess.run([str(tool("pip")), "install", "-q", "--disable-pip-version-check", *PACKAGES], check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )  # fmt: skip
    return result.stdout or ""


def wait_for(url: str, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own loopback server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not start")


def run_wapiti(base: str, role: str, cookie: str, work: Path) -> list[dict]:
    report = work / f"wapiti-{role}.json"
    start = f"{base}/deelnemers/" if role != "anonymous" else f"{base}/login/"
    command = [
        str(tool("wapiti")), "-u", start, "--scope", "domain",
        "-x", f"{base}/logout/", "-x", f"{base}/admin/*",
        "--max-scan-time", str(SECONDS), "--max-attack-time", str(max(10, SECONDS // 3)),
        "--tasks", "4", "--timeout", "20", "-d", "3",
        # No out-of-band channels: the endpoints point at a closed port on loopback.
        "--endpoint", "http://127.0.0.1:9/", "--external-endpoint", "http://127.0.0.1:9/",
        "--dns-endpoint", "localhost",
        "--flush-session", "--store-session", str(work / "wapiti-session"),
        "--store-config", str(work / "wapiti-config"),
        "-f", "json", "-o", str(report), "-v", "0",
    ]  # fmt: skip
    command += ["-C", cookie]
    _run(command, work / f"wapiti-{role}.log")
    if not report.exists():
        return [{"tool": "wapiti", "level": None, "what": "no report (see the log)", "where": ""}]
    data = json.loads(report.read_text())
    found = []
    for section in ("vulnerabilities", "anomalies"):
        for category, items in (data.get(section) or {}).items():
            for item in items:
                level, where = item.get("level", 0), item.get("path", "")
                found.append({"tool": "wapiti", "level": level, "what": category, "where": where})
    return found


def run_sqlmap(base: str, role: str, cookie: str, work: Path) -> list[dict]:
    start = f"{base}/deelnemers/?q=jansen" if role != "anonymous" else f"{base}/login/"
    command = [
        str(tool("sqlmap")), "-u", start, "--batch", "--forms", "--crawl=2",
        "--crawl-exclude", "logout|wachtwoord|taal|admin", "--csrf-token", "csrfmiddlewaretoken",
        "--level", "1", "--risk", "1", "--time-limit", str(SECONDS),
        "--output-dir", str(work / f"sqlmap-{role}"), "--disable-coloring",
    ]  # fmt: skip
    command += ["--cookie", cookie]
    output = _run(command, work / f"sqlmap-{role}.log")
    found = []
    for match in re.finditer(r"Parameter: (.+?) \((\w+)\)", output):
        found.append({"tool": "sqlmap", "level": 4, "what": "SQL injection", "where": match.group(0)})
    return found


def _run(command: list[str], log: Path) -> str:
    try:
        result = subprocess.run(
            command, cwd=log.parent, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, timeout=SECONDS * 2 + 120,
        )  # fmt: skip
        output = result.stdout
    except subprocess.TimeoutExpired as error:
        output = (error.stdout or b"").decode(errors="replace") + "\n[stopped: time limit]"
    log.write_text(output)
    return output


def main() -> int:
    install_tools()
    work = Path(tempfile.mkdtemp(prefix="plp-scan-"))
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": f"sqlite:///{work / 'scan.sqlite3'}",
        "ALLOWED_HOSTS": HOST,
        "REQUIRE_2FA": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PROXY_COUNT": "0",
        "PRIVATE_ROOT": str(work / "private"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    print(f"Throwaway database and reports in {work}; server {base}", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    sessions = json.loads(manage(env, "shell", "-v0", "-c", f"ROLES = {ROLES!r}\n{SESSIONS}", capture=True))
    # A CSRF cookie of our own: the tools send it with the session, so the forms they post
    # carry a token that matches (sqlmap refreshes it with --csrf-token).
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    cookies = {
        role: f"sessionid={sessions[role]}; csrftoken={csrf}" if role in sessions else f"csrftoken={csrf}"
        for role in ROLES
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "plp.wsgi", "--bind", f"{HOST}:{port}",
         "--workers", "1", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=(work / "server.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    results: dict[str, list[dict]] = {}
    try:
        wait_for(f"{base}/login/")
        for role in ROLES:
            cookie = cookies[role]
            print(f"Scanning as {role} (wapiti, then sqlmap; at most {SECONDS} s each)", flush=True)
            results[role] = run_wapiti(base, role, cookie, work) + run_sqlmap(base, role, cookie, work)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return summary(results, work)


def summary(results: dict[str, list[dict]], work: Path) -> int:
    print("\n== Scan summary (wapiti + sqlmap, loopback, throwaway database)")
    high = 0
    for role, found in results.items():
        counts: dict[str, int] = {}
        for item in found:
            level = LEVELS.get(item["level"], "error")
            counts[level] = counts.get(level, 0) + 1
        text = ", ".join(f"{n} {level}" for level, n in sorted(counts.items())) or "no findings"
        print(f"{role:<14} {text}")
        for item in found:
            if item["level"] is None or item["level"] >= 2:
                level = LEVELS.get(item["level"], "error")
                print(f"    [{level}] {item['tool']}: {item['what']} {item['where']}")
            if item["level"] is not None and item["level"] >= 3:
                high += 1
    print(f"Logs and reports: {work}")
    if high:
        print(f"FAILED: {high} finding(s) of high or critical severity")
        return 1
    print("No findings of high or critical severity.")
    shutil.rmtree(work / "wapiti-session", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
