"""``manage.py import_operations KIND FILE [--dry-run]``: the service-operations import of the import
page (regions, systems, installed base, tickets, a roster), run in this process; everything is checked
before anything is written."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from operations import duty, imports, services


class Command(BaseCommand):
    help = _(
        "Check and import a service-operations file: regions, systems, installed base, tickets or a roster "
        "(.csv or .xlsx; a roster also .ics). Every row is checked first; a file with one bad row writes "
        "nothing and its problems are listed with the closest known names."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=services.IMPORT_KINDS)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help=_("Check and count; write nothing."))

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("There is no file %s.") % path)

        def progress(written, total):
            self.stderr.write(
                _("%(written)s of %(total)s tickets written") % {"written": written, "total": total}
            )

        try:
            with path.open("rb") as file_obj:
                counts = services.import_file(
                    kind=options["kind"],
                    file_obj=file_obj,
                    filename=path.name,
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except (imports.ImportRejected, duty.RosterRejected) as rejection:
            total = getattr(rejection, "total", len(rejection.problems))
            for problem in rejection.problems:
                hint = (
                    _(" (did you mean: %s)") % ", ".join(problem.suggestions) if problem.suggestions else ""
                )
                self.stderr.write(
                    f"row {problem.row} {problem.column} “{problem.value}”: {problem.message}{hint}"
                )
            raise CommandError(
                _("The file was not imported: %(count)s problems; nothing was written.") % {"count": total}
            ) from None
        for warning in counts["warnings"]:
            self.stderr.write(warning)
        line = _("%(rows)s rows: %(created)s new, %(updated)s changed, %(merged)s merged.") % counts
        if options["dry_run"]:
            line += " " + _("Checked only (--dry-run): nothing was written.")
        self.stdout.write(line)
