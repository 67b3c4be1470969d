"""Print SPEC.md's gap analysis for one team or for all teams, as JSON or CSV."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.dates import parse_iso_date
from competencies.spreadsheets import safe_cell
from teams.gaps.report import gap_reports
from teams.models import Team
from teams.tree import TeamTreeLoop

CSV_COLUMNS = [
    "team_id",
    "team",
    "date",
    "coverage",
    "competency_id",
    "competency",
    "required_level",
    "min_people",
    "weight",
    "covered",
    "shortfall",
    "status",
    "holders",
    "near_holders",
]


class Command(BaseCommand):
    # A read-only report: the system checks (URLconf, admin, models; ``manage.py check`` and every
    # deployment run them) would add two thirds of a second to each call of a command scripts call often.
    requires_system_checks = []
    help = _(
        "Gap analysis of a team (--team ID) or of every team (--all) on a date. JSON prints the object "
        "of the API (a list ordered by team id with --all); CSV prints one row per team requirement."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--team", type=int, help=_("id of the team to analyse"))
        scope.add_argument("--all", action="store_true", help=_("analyse every team"))
        parser.add_argument("--date", help=_("analysis date YYYY-MM-DD (default: today)"))
        parser.add_argument("--format", choices=["json", "csv"], default="json", help=_("output format"))

    def handle(self, *args, **options):
        on = self._date(options["date"])
        if options["all"]:
            teams = list(Team.objects.order_by("id").only("id", "name"))
        else:
            team = Team.objects.filter(pk=options["team"]).only("id", "name").first()
            if team is None:
                raise CommandError(_("There is no team with id %(id)s.") % {"id": options["team"]})
            teams = [team]
        try:
            reports = gap_reports(teams=teams, on=on)
        except TeamTreeLoop as loop:
            raise CommandError(str(loop)) from None
        if options["format"] == "csv":
            self._write_csv(reports)
        else:
            payload = reports if options["all"] else reports[0]
            self.stdout.write(json.dumps(payload, ensure_ascii=False))

    def _date(self, value):
        if not value:
            return timezone.localdate()
        try:
            return parse_iso_date(value)
        except ValueError:
            raise CommandError(
                _("Enter the date as YYYY-MM-DD, for example 2026-11-27 (got %(value)r).") % {"value": value}
            ) from None

    def _write_csv(self, reports):
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for report in reports:
            for row in report["requirements"]:
                writer.writerow(
                    [
                        report["team"]["id"],
                        safe_cell(report["team"]["name"]),
                        report["date"],
                        report["coverage"],
                        row["competency"]["id"],
                        safe_cell(row["competency"]["name"]),
                        row["required_level"],
                        row["min_people"],
                        row["weight"],
                        row["covered"],
                        row["shortfall"],
                        row["status"],
                        " ".join(map(str, row["holders"])),
                        " ".join(map(str, row["near_holders"])),
                    ]
                )
