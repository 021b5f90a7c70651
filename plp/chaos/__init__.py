"""Fault scenarios against real servers on loopback: gunicorn, the worker (db_worker) and
the database (a SQLite file; PostgreSQL in a throwaway cluster of its own).

    .venv/bin/python -m plp.chaos [--only writes,races,...] [--seconds 10] [--races 100]

(`bash dev chaos` runs it.) One line per scenario with its figures; the exit status is
1 when one of them does not hold. tests/test_reliability.py runs writes, worker-killed,
races and readonly-media through the same functions against the test run's database.

  writes          8 threads log contact moments and edit participants (the services)
                  for N seconds while the worker renders a report PDF: 0 errors, every
                  write present afterwards (SQLite)
  restart         gunicorn serves clients while PostgreSQL restarts: failures only while
                  it is down and only as the 503 page, none after; the worker carries on.
                  Again with the clients idle while it is down, and a control run without
                  CONN_HEALTH_CHECKS, where requests after the restart must fail
  worker-killed   the worker is killed (SIGKILL) while rendering a PDF; a new worker
                  finishes the job within a bound
  races           two coaches save the same record at the same moment, N times: no
                  silent overwrite, every loser gets the conflict message with input kept
  readonly-media  a document upload while PRIVATE_ROOT is read-only: a clear message, no
                  row, no file; a writable upload is stored under the detected type

servers.py starts and drives the processes, scenarios.py holds the scenarios, inside.py
what runs inside a Django process of the site; only inside.py imports Django.
"""

from .inside import inside_setup, inside_write_load
from .scenarios import (
    SCENARIOS,
    main,
    run,
    scenario_races,
    scenario_readonly_media,
    scenario_restart,
    scenario_worker_killed,
    scenario_writes,
)
from .servers import Client, Cluster, Result, Site

__all__ = [
    "SCENARIOS",
    "Client",
    "Cluster",
    "Result",
    "Site",
    "inside_setup",
    "inside_write_load",
    "main",
    "run",
    "scenario_races",
    "scenario_readonly_media",
    "scenario_restart",
    "scenario_worker_killed",
    "scenario_writes",
]
