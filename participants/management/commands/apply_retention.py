"""apply_retention [--dry-run]: anonymise files closed longer than the retention term."""

from django.conf import settings
from django.core.management.base import BaseCommand

from participants import services
from plp import audit


class Command(BaseCommand):
    help = "Anonymise participants whose file was closed longer than PLP_RETENTION_YEARS ago."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list who would be anonymised")

    def handle(self, *args, dry_run, **options):
        due = services.retention_due()
        years = settings.PLP_RETENTION_YEARS
        for p in due:
            self.stdout.write(f"{p.number}: dossier gesloten op {p.closed_on:%d-%m-%Y}")
        if dry_run:
            self.stdout.write(
                f"proefdraai: {len(due)} deelnemer(s) langer dan {years} jaar gesloten; niets gewijzigd"
            )
            return
        for p in due:
            services.participant_anonymise(by=None, participant=p)
        self.stdout.write(f"{len(due)} deelnemer(s) geanonimiseerd")
        purged = audit.audit_purge()
        self.stdout.write(f"{purged} logregel(s) ouder dan vijf jaar verwijderd")
