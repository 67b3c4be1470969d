"""``manage.py export_plans``: qualification plans of a team, a department or everyone as xlsx or csv."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qualification import exports, generation
from qualification.export_jobs import scope_team_ids


class Command(BaseCommand):
    help = _(
        "Export qualification plans for HR: an items sheet and a summary sheet per team (xlsx), or the items "
        "(csv), for a team (--team), a department with the teams below it (--department) or the whole "
        "organisation (--all, the default). Cells a spreadsheet would run as a formula are neutralised."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=exports.FORMATS, help=_("file format"))
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--team", type=int, metavar="ID", help=_("the plans of this team's members"))
        scope.add_argument(
            "--department", type=int, metavar="ID", help=_("the plans of this team and every team below it")
        )
        scope.add_argument("--all", action="store_true", help=_("the plans of everyone (the default)"))
        parser.add_argument("--period", metavar="P", help=_("only this quarter, e.g. 2027-Q1 (default: all)"))
        parser.add_argument("--output", required=True, metavar="FILE", help=_("the file to write"))

    def handle(self, *args, **options):
        if options["team"] is not None:
            scope, team_id = "team", options["team"]
        elif options["department"] is not None:
            scope, team_id = "department", options["department"]
        else:
            scope, team_id = "all", None
        period = options["period"]
        if period:
            try:
                period = str(generation.Period.parse(period))
            except generation.GenerationError as error:
                raise CommandError(str(error)) from None
        try:
            team_ids, scope_name = scope_team_ids(scope=scope, team_id=team_id)
        except ValueError as error:
            raise CommandError(str(error)) from None
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(_("The directory %(path)s does not exist.") % {"path": output.parent})
        started = time.perf_counter()
        partial = output.with_name(f".{output.name}.partial")
        try:
            with partial.open("wb") as stream:
                export = exports.plans_export(
                    file_format=options["format"],
                    stream=stream,
                    team_ids=team_ids,
                    period=period,
                    title=scope_name,
                )
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            _(
                "%(items)s items of %(teams)s teams (%(scope)s, %(period)s) written to %(path)s in "
                "%(seconds).1f s."
            )
            % {
                "items": len(export.items),
                "teams": len(export.summary),
                "scope": scope_name,
                "period": period or _("all periods"),
                "path": output,
                "seconds": time.perf_counter() - started,
            }
        )
