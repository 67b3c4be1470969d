"""``manage.py works_agreement_annex --format pdf|docx|md --language de|en [--output FILE]``: the annex to
the works agreement, generated from the running code (qualification/annex.py)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from qualification.annex import FORMATS, LANGUAGES, annex


class Command(BaseCommand):
    help = "Write the works agreement's annex (data about people, rules, evaluations, retention, audit)."

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", default="md", help=f"one of {', '.join(FORMATS)}")
        parser.add_argument("--language", default="de", help=f"one of {', '.join(LANGUAGES)}")
        parser.add_argument("--output", help="file to write (default: standard output, md only)")

    def handle(self, *args, fmt, language, output, **options):
        try:
            data = annex(language=language, fmt=fmt)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if output:
            with open(output, "wb") as file:
                file.write(data)
            self.stdout.write(f"Wrote {output} ({len(data):,} bytes).")
        elif fmt == "md":
            sys.stdout.write(data.decode("utf-8"))
        else:
            raise CommandError(f"A {fmt} annex needs --output FILE.")
