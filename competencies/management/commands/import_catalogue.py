"""``manage.py import_catalogue FILE [--dry-run]``: update and add competencies from a catalogue sheet
(competencies.catalogue_sheet); every row is checked first, and one bad row writes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.catalogue_sheet import catalogue_import
from competencies.imports.problems import ImportRejected


class Command(BaseCommand):
    help = "Import a catalogue sheet (a column per language) exported by export_catalogue."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = catalogue_import(data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        except ImportRejected as rejection:
            raise CommandError("; ".join(p.message for p in rejection.problems)) from None
        for problem in result.problems:
            self.stderr.write(f"row {problem.row}, {problem.column or '-'}: {problem.message}")
        if result.problems:
            raise CommandError(f"{len(result.problems)} problem(s): nothing was written.")
        verb = "Would write" if dry_run else "Wrote"
        self.stdout.write(
            f"{verb}: {result.created} new, {result.updated} changed, {result.unchanged} unchanged."
        )
