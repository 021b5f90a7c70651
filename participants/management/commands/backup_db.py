"""backup_db FILE: a consistent backup of the database (see README, "Backup and restore").

SQLite: an online copy through SQLite's backup API (a database file).
PostgreSQL: pg_dump in custom format (restore with pg_restore)."""

import os
import shutil
import sqlite3
import subprocess

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Back up the database to FILE (SQLite file or pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(file)
            with target:
                connection.connection.backup(target)
            target.close()
        elif connection.vendor == "postgresql":
            pg_dump = shutil.which("pg_dump")
            if not pg_dump:
                raise CommandError("pg_dump is not installed (apt-get install postgresql-client).")
            s = connection.settings_dict
            env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
            command = [
                pg_dump,
                "--format=custom",
                "--no-owner",
                f"--file={file}",
                "--dbname",
                s["NAME"],
                "--host",
                s.get("HOST") or "localhost",
                "--port",
                str(s.get("PORT") or 5432),
            ]
            if s.get("USER"):
                command += ["--username", s["USER"]]
            result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
            if result.returncode:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"No backup for database vendor {connection.vendor}.")
        self.stdout.write(f"Backup written to {file}.")
