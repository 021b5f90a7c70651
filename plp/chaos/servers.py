"""The servers of the scenarios: a site (database, gunicorn, db_worker), a browser-like
HTTP client, and a throwaway PostgreSQL cluster."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
# The newest PostgreSQL on a Debian/Ubuntu machine (or PG_BIN), for the throwaway cluster.
PG_BIN = Path(
    os.environ.get("PG_BIN")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default="/usr/bin")
)


# -- helpers ---------------------------------------------------------------------------


def wait_for(condition, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll until `condition()` is truthy; return its value or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A browser-like HTTP client for one logged-in user: session cookie and CSRF token."""

    def __init__(self, port: int, session: str = ""):
        self.port = port
        self.cookies = {"sessionid": session} if session else {}
        self.csrf = ""

    def request(self, method: str, path: str, body: bytes = b"", content_type: str = ""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        return response.status, text, dict(response.getheaders())

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict, files: dict | None = None):
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        if not files:
            return self.request("POST", path, urlencode(data).encode(), "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in data.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


@dataclass
class Result:
    name: str
    ok: bool
    figures: dict

    def line(self) -> str:
        text = ", ".join(f"{k} {v}" for k, v in self.figures.items())
        return f"{'PASS' if self.ok else 'FAIL'}  {self.name:<26} {text}"


@dataclass
class Site:
    """A database and the processes serving it; `setup()` migrates and loads the demo."""

    label: str
    database_url: str
    tmp: Path
    processes: list = field(default_factory=list)
    info: dict = field(default_factory=dict)

    @property
    def env(self) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DEBUG": "false",
            "SECRET_KEY": "chaos-loopback-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "REQUIRE_2FA": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "PROXY_COUNT": "0",
            "PRIVATE_ROOT": str(self.tmp / "private"),
            "LOG_LEVEL": "CRITICAL",
            "DJANGO_SETTINGS_MODULE": "plp.chaos_settings",
        }

    def manage(self, *args: str, timeout: float = 300, env: dict | None = None) -> str:
        out = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if out.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{out.stderr[-3000:]}")
        return out.stdout

    def inside(self, call: str, timeout: float = 300):
        """Run `plp.chaos.inside.<call>` in a Django process of this site; its JSON result."""
        out = self.manage(
            "shell", "-v0", "-c", f"from plp.chaos import inside; inside.{call}", timeout=timeout
        )
        return json.loads(out.strip().splitlines()[-1])

    def setup(self) -> "Site":
        (self.tmp / "private").mkdir(parents=True, exist_ok=True)
        self.info = self.inside("inside_setup()")
        return self

    def start(self, args: list[str], env: dict | None = None, prefix: list[str] | None = None):
        path = self.tmp / f"{args[0].rsplit('/', 1)[-1]}-{len(self.processes)}.log"
        with open(path, "w") as log:
            process = subprocess.Popen(
                [*(prefix or []), *args], cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT
            )
        process.log_path = path
        self.processes.append(process)
        return process

    def gunicorn(self, workers: int = 2, threads: int = 4, env=None, prefix=None) -> int:
        port = free_port()
        self.start(
            [
                str(Path(PY).parent / "gunicorn"),
                "plp.wsgi",
                f"--workers={workers}",
                f"--threads={threads}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=error",
                "--timeout=60",
            ],
            env=env,
            prefix=prefix,
        )

        def up():
            try:
                return Client(port).get("/login/")[0] == 200
            except OSError:
                return False

        wait_for(up, 60, 0.2, "gunicorn")
        return port

    def worker(self):
        """A db_worker, once it polls for tasks."""
        process = self.start(
            [PY, "manage.py", "db_worker", "--interval=0.2", "--no-startup-delay", "--no-reload"]
        )
        wait_for(lambda: "Starting worker" in process.log_path.read_text(), 60, 0.1, "the worker")
        return process

    def stop(self, process, sig=signal.SIGTERM) -> None:
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def close(self) -> None:
        for process in reversed(self.processes):
            self.stop(process)
        self.processes.clear()

    def sql(self, query: str, params: tuple = ()) -> list:
        if self.database_url.startswith("sqlite"):
            import sqlite3

            db = sqlite3.connect(self.database_url.removeprefix("sqlite:///").replace("%s", "?"), timeout=30)
            try:
                return db.execute(query.replace("%s", "?"), params).fetchall()
            finally:
                db.close()
        import psycopg

        with psycopg.connect(
            self.database_url.replace("postgres://", "postgresql://"), autocommit=True
        ) as db:
            return db.execute(query, params).fetchall()

    def client(self, port: int, username: str) -> Client:
        return Client(port, self.info["sessions"][username])


class Cluster:
    """A throwaway PostgreSQL cluster on a free port, restartable without touching the
    shared server."""

    def __init__(self, tmp: Path):
        self.dir = tmp / "pg"
        self.port = free_port()
        self.dir.mkdir()
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(tmp, "postgres")
            shutil.chown(self.dir, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.run("initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "--no-sync")
        self.pg_ctl("start")

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(PG_BIN / program), *args], check=True, capture_output=True, timeout=120
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self.run(
            "pg_ctl",
            "-D",
            str(self.dir / "data"),
            "-l",
            str(self.dir / "log"),
            "-o",
            options,
            "-w",
            action,
            *extra,
        )

    def database(self, name: str) -> str:
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass
