"""import_qualifications FILE [--dry-run]: the catalogue of qualification files and work
processes from CSV or XLSX, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from participants import catalogue
from plp.audit import log_action


class Command(BaseCommand):
    help = (
        "Import qualification files and work processes "
        "(crebo, kwalificatie, niveau, kerntaak, code, werkproces). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {file}")
        try:
            plan = catalogue.import_catalogue(path.read_bytes(), by=None, dry_run=dry_run)
        except catalogue.CatalogueFileError as error:
            raise CommandError(str(error)) from None
        if not plan.ok:
            for message in plan.errors:
                self.stderr.write(message)
            raise CommandError(f"{len(plan.errors)} fout(en): er is niets opgeslagen.")
        if not dry_run:
            log_action(
                by=None,
                action="participants.catalogue.imported",
                data={"sha256": plan.sha256, **plan.summary},
            )
        prefix = "proefdraai, niets opgeslagen\n" if dry_run else ""
        self.stdout.write(prefix + _line("kwalificatiedossiers", plan.files))
        self.stdout.write(_line("werkprocessen", plan.work_processes))


def _line(what: str, counts: dict) -> str:
    return f"{what}: {counts['new']} nieuw, {counts['changed']} gewijzigd, {counts['unchanged']} ongewijzigd"
