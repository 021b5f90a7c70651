"""The background worker (django-tasks-db's db_worker) made to survive its own faults and
those of the database:

- a database that goes away (a PostgreSQL restart, SQLite locked too long) is waited
  for, with a growing pause, instead of ending the worker;
- a task left "running" by a worker that died (killed, out of memory, the machine
  restarted) is run again by the next worker, at its start, at most
  PLP_TASK_MAX_ATTEMPTS times in all; after that it is marked failed, so nobody waits
  for it forever.

A task's worker id holds the host and process id of the worker that claimed it, so a
worker on the same host knows at once whether that process still lives. Tasks claimed
on another host count as abandoned after PLP_TASK_STALE_SECONDS."""

import datetime
import logging
import os
import socket
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .errors import DATABASE_ERRORS

logger = logging.getLogger("django_tasks_db")
RETRY_PAUSE_MAX = 5.0


class WorkerLost(RuntimeError):
    """The worker running this task stopped before it finished."""


def worker_id() -> str:
    """host:pid:random, at most 64 characters (the model's limit)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(12)}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process its parent has not reaped yet is a zombie: dead
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" not in status


def abandoned(task: DBTaskResult, own_id: str, now: datetime.datetime) -> bool:
    """Whether a running task's worker is gone (this worker runs nothing while asking)."""
    last = task.worker_ids[-1] if task.worker_ids else ""
    host, _, rest = last.partition(":")
    pid = rest.partition(":")[0]
    if last == own_id:
        return True
    if host == socket.gethostname()[:40] and pid.isdigit():
        return int(pid) == os.getpid() or not _process_alive(int(pid))
    started = task.started_at or task.enqueued_at
    return now - started > datetime.timedelta(seconds=settings.PLP_TASK_STALE_SECONDS)


def recover_abandoned(backend_name: str, own_id: str) -> tuple[int, int]:
    """Requeue the running tasks whose worker is gone; fail those that used up their
    attempts (and tell the task's owner through the task_finished signal). Returns
    (requeued, failed)."""
    now = timezone.now()
    requeued, failed = 0, 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(backend_name=backend_name).select_for_update()
        for task in running:
            if not abandoned(task, own_id, now):
                continue
            if len(task.worker_ids) >= settings.PLP_TASK_MAX_ATTEMPTS:
                task.set_failed(WorkerLost(f"worker stopped {len(task.worker_ids)} times during this task"))
                transaction.on_commit(
                    lambda task=task: task_finished.send(
                        sender=type(task.task.get_backend()), task_result=task.task_result
                    )
                )
                failed += 1
            else:
                DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.READY, started_at=None)
                requeued += 1
    if requeued or failed:
        logger.warning("Abandoned tasks: %d queued again, %d marked failed", requeued, failed)
    return requeued, failed


class ResilientWorker(Worker):
    def run(self) -> None:
        pause = 0.5
        while self.running:
            try:
                close_old_connections()
                recover_abandoned(self.backend_name, self.worker_id)
                super().run()
                return
            except DATABASE_ERRORS as error:
                if self.running_task:
                    self.running_task = False
                logger.warning("Database unavailable (%s); trying again in %.1f s", error, pause)
                for connection in connections.all(initialized_only=True):
                    try:
                        connection.close()
                    except DATABASE_ERRORS:
                        pass
                time.sleep(pause)
                pause = min(pause * 2, RETRY_PAUSE_MAX)
