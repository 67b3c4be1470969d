"""``manage.py export_catalogue --format xlsx|csv --output FILE``: the catalogue, a column per language."""

from django.core.management.base import BaseCommand, CommandError

from competencies.catalogue_sheet import FORMATS, catalogue_export


class Command(BaseCommand):
    help = "Export the competency catalogue, a column per language (competencies.catalogue_sheet)."

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", default="xlsx", help=f"one of {', '.join(FORMATS)}")
        parser.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args, fmt, output, **options):
        try:
            data = catalogue_export(fmt)
        except ValueError as error:
            raise CommandError(str(error)) from None
        with open(output, "wb") as file:
            file.write(data)
        self.stdout.write(f"Wrote {output} ({len(data):,} bytes).")
