"""manage.py import_esco skills_de.csv skills_en.csv --language de --language en --version v1.2.0"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from competencies import esco


class Command(BaseCommand):
    help = (
        "Read the skills CSV of an ESCO download (one file per language) into the staging table HR "
        "searches, and refresh the labels of skills adopted into the catalogue. Nothing is written when a "
        "file is not an ESCO skills file."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the ESCO version here, replacing Django's "show the version and exit".
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="skills_<language>.csv of the ESCO download")
        parser.add_argument(
            "--language",
            action="append",
            default=[],
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of each file, in order (default: from the file name, e.g. skills_de.csv)",
        )
        parser.add_argument(
            "--version", dest="esco_version", default="", help="the ESCO version, e.g. v1.2.0"
        )

    def handle(self, *args, files, language, esco_version, **options):
        if language and len(language) != len(files):
            raise CommandError("Give one --language per file, in the order of the files.")
        read = []
        for position, name in enumerate(files):
            path = Path(name)
            lang = language[position] if language else esco.language_from_filename(name)
            if lang is None:
                raise CommandError(f"{name}: give its language with --language (the name does not say).")
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{name}: {error.strerror}") from error
            try:
                read.append(esco.read_file(data=data, filename=path.name, language=lang))
            except esco.EscoFileInvalid as error:
                raise CommandError(error.message) from error
        report = esco.import_esco(files=read, version=esco_version)
        self.stdout.write(
            f"ESCO {report.version or '(no version)'} in {', '.join(report.languages)}: "
            f"{report.skills} skills, "
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged."
        )
        for change in report.changed:
            self.stdout.write(
                f"  adopted skill renamed: {change['before']} → {change['after']} ({change['uri']})"
            )
        for problem in report.problems:
            self.stdout.write(self.style.WARNING(f"  {problem}"))
