"""`manage.py db_worker`: django-tasks-db's worker, made to wait out database outages and
to pick up the tasks of a worker that died (plp.worker)."""

from django_tasks_db.management.commands import db_worker

from plp import worker


class Command(db_worker.Command):
    help = db_worker.Command.help + " (waits out database outages, resumes abandoned tasks)"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker.worker_id())

    def handle(self, *args, **options) -> None:
        original = db_worker.Worker
        db_worker.Worker = worker.ResilientWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
