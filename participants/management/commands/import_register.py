"""import_register FILE [--dry-run]: the register import on the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from participants import register


class Command(BaseCommand):
    help = "Import the participant register (CSV or XLSX). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {file}")
        try:
            plan = register.plan_import(register.read_register(path.read_bytes(), path.name))
        except register.RegisterFileError as error:
            raise CommandError(str(error)) from None
        if not plan.ok:
            for message in plan.messages():
                self.stderr.write(message)
            raise CommandError(f"{len(plan.errors)} fout(en): er is niets opgeslagen.")
        summary = plan.summary if dry_run else register.apply_import(plan, by=None)
        for name in plan.new_organisations:
            self.stdout.write(f"nieuwe organisatie: {name}")
        prefix = "proefdraai, niets opgeslagen: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{summary['nieuw']} nieuw, {summary['gewijzigd']} gewijzigd, "
            f"{summary['ongewijzigd']} ongewijzigd"
        )
