"""``manage.py generate_plans``: draft qualification plans for a team, a department or everyone."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qualification import services
from qualification.generation import DEFAULT_CAPACITY_HOURS
from qualification.generation_jobs import plans_generate_in_parts
from teams.models import Team
from teams.tree import TeamTree


class Command(BaseCommand):
    help = _(
        "Generate draft qualification plans for the members of a team (--team), of a department and the "
        "teams below it (--department) or of every team (--all) for a quarter (--period 2027-Q1). Draft "
        "plans generated before are replaced; proposed, agreed, running and completed plans are not touched."
    )

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--team", type=int, metavar="ID", help=_("plan for the members of this team"))
        scope.add_argument(
            "--department", type=int, metavar="ID", help=_("plan for this team and every team below it")
        )
        scope.add_argument("--all", action="store_true", help=_("plan for every team"))
        parser.add_argument("--period", required=True, metavar="P", help=_("quarter, e.g. 2027-Q1"))
        parser.add_argument(
            "--capacity",
            default=str(DEFAULT_CAPACITY_HOURS),
            metavar="HOURS",
            help=_("hours per person per quarter (default %(default)s)"),
        )
        parser.add_argument(
            "--budget", metavar="EUR", help=_("budget per team; items beyond it need approval")
        )

    def handle(self, *args, **options):
        team_ids = self._team_ids(options)
        started = time.perf_counter()
        progress = self._progress if options["verbosity"] >= 2 else None
        try:
            # The job's own way (its per-department parts, one after the other): one canonical result.
            outcome = plans_generate_in_parts(
                team_ids=team_ids,
                period=options["period"],
                capacity_hours=options["capacity"],
                budget_per_team=options["budget"],
                progress=progress,
            )
        except services.PlanGenerationError as error:
            raise CommandError(str(error)) from None
        self._print(outcome, time.perf_counter() - started)

    def _team_ids(self, options):
        if options["all"]:
            return list(Team.objects.order_by("id").values_list("id", flat=True)) or self._no_teams()
        team_id = options["team"] if options["team"] is not None else options["department"]
        if not Team.objects.filter(pk=team_id).exists():
            raise CommandError(_("There is no team with id %(id)s.") % {"id": team_id})
        return [team_id] if options["team"] is not None else TeamTree.load().subtree(team_id)

    def _no_teams(self):
        raise CommandError(_("There are no teams to plan for."))

    def _progress(self, percent, message):
        self.stderr.write(f"{percent:3d} % {message}")

    def _print(self, outcome, seconds):
        write = self.stdout.write
        write(
            _("Qualification plans for %(period)s (capacity %(capacity)s h per person and quarter%(budget)s)")
            % {
                "period": outcome["period"],
                "capacity": _number(outcome["capacity_hours"], 1),
                "budget": ""
                if outcome["budget_per_team"] is None
                else _(", budget %(budget)s EUR per team")
                % {"budget": _number(outcome["budget_per_team"], 2)},
            }
        )
        write(
            _("  plans: %(created)s created, %(replaced)s replaced, %(removed)s drafts removed")
            % {
                "created": outcome["plans_created"],
                "replaced": outcome["plans_replaced"],
                "removed": outcome["plans_removed"],
            }
        )
        write(
            _("  items: %(items)s, %(hours)s h, %(cost)s EUR")
            % {
                "items": outcome["items"],
                "hours": _number(outcome["hours"], 1),
                "cost": _number(outcome["cost"], 2),
            }
        )
        write(
            _("  moved to a later quarter: %(later)s items; needing budget approval: %(approval)s items")
            % {"later": outcome["items_next_period"], "approval": outcome["items_needing_approval"]}
        )
        if outcome["skipped_employee_ids"]:
            ids = outcome["skipped_employee_ids"]
            write(
                _("  skipped %(count)s employees whose plan for the period is beyond draft: %(ids)s")
                % {"count": len(ids), "ids": ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")}
            )
        for team in outcome["teams"]:
            unfilled = (
                _("; %(count)s shortfall places no member can fill") % {"count": team["unfilled_shortfall"]}
                if team["unfilled_shortfall"]
                else ""
            )
            write(
                _(
                    "  %(name)s (#%(id)s): coverage %(before)s %% → %(after)s %%, %(items)s items, "
                    "%(hours)s h, %(cost)s EUR, %(approval)s need approval%(unfilled)s"
                )
                % {
                    "name": team["name"],
                    "id": team["id"],
                    "before": _number(100 * team["coverage_before"], 1),
                    "after": _number(100 * team["coverage_after"], 1),
                    "items": team["items"],
                    "hours": _number(team["hours"], 1),
                    "cost": _number(team["cost"], 2),
                    "approval": team["items_needing_approval"],
                    "unfilled": unfilled,
                }
            )
        write(_("Done in %(seconds)s s.") % {"seconds": _number(seconds, 1)})


def _number(value, decimals):
    return f"{value:,.{decimals}f}"
