"""``manage.py export_matrix``: a team's or the organisation's competency matrix as xlsx or csv."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.dates import parse_iso_date
from teams.exports import FORMATS, LAYOUTS, MatrixTooLarge, matrix_export
from teams.models import Team


class Command(BaseCommand):
    help = _(
        "Export the competency matrix (people × competencies with their effective levels) of a team and the "
        "teams below it (--team ID) or of the whole organisation (--all), as xlsx or csv in the format "
        "import_assessments reads: importing the file again changes nothing."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--team", type=int, help=_("id of the team to export"))
        scope.add_argument("--all", action="store_true", help=_("export the whole organisation"))
        parser.add_argument("--format", choices=FORMATS, default="xlsx", help=_("file format (default xlsx)"))
        parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            default="wide",
            help=_(
                "wide: one row per person, one column per competency (default); long: one row per level, "
                "for catalogues too large for one column each"
            ),
        )
        parser.add_argument("--output", required=True, help=_("file to write"))
        parser.add_argument("--date", help=_("levels on this date, YYYY-MM-DD (default: today)"))
        parser.add_argument(
            "--delimiter",
            choices=[",", ";"],
            default=",",
            help=_("csv delimiter (default comma; German Excel expects a semicolon)"),
        )

    def handle(self, *args, **options):
        team = None
        if options["team"] is not None:
            team = Team.objects.filter(pk=options["team"]).first()
            if team is None:
                raise CommandError(_("There is no team with id %(id)s.") % {"id": options["team"]})
        on = self._date(options["date"])
        output = Path(options["output"])
        try:
            with output.open("wb") as stream:
                matrix = matrix_export(
                    file_format=options["format"],
                    stream=stream,
                    team=team,
                    on=on,
                    delimiter=options["delimiter"],
                    layout=options["layout"],
                )
        except MatrixTooLarge as refusal:
            output.unlink(missing_ok=True)
            raise CommandError(str(refusal)) from refusal
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": options["output"], "error": error}
            ) from error
        self.stdout.write(
            _("Wrote %(people)s people × %(competencies)s competencies to %(file)s.")
            % {
                "people": len(matrix.people),
                "competencies": len(matrix.competencies),
                "file": options["output"],
            }
        )

    def _date(self, value):
        if not value:
            return timezone.localdate()
        try:
            return parse_iso_date(value)
        except ValueError:
            raise CommandError(
                _("Enter the date as YYYY-MM-DD, for example 2026-11-27 (got %(value)r).") % {"value": value}
            ) from None
