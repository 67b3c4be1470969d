"""Changes made from service-operations pages and commands."""

import datetime
from collections.abc import Callable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.models import Competency
from teams.models import Team, TeamRequirement
from teams.services import team_requirement_save

from . import duty, imports


def suggestion_accept(*, team: Team, competency_id: int, required_level: int, min_people: int, weight: int):
    """Save an accepted (possibly changed) suggestion as the team's ordinary requirement for the
    competency, replacing the one it had."""
    competency = Competency.objects.filter(pk=competency_id).first()
    if competency is None:
        raise ValidationError({"competency": [_("This competency no longer exists.")]})
    with transaction.atomic():
        existing = (
            TeamRequirement.objects.select_for_update().filter(team=team, competency=competency).first()
        )
        return team_requirement_save(
            requirement=existing,
            fields={
                "team": team,
                "competency": competency,
                "required_level": required_level,
                "min_people": min_people,
                "weight": weight,
            },
        )


# What an import file may hold, in the order the import page offers them.
IMPORT_KINDS = ("regions", "systems", "installed", "tickets", "roster")


def import_file(
    *,
    kind: str,
    file_obj: IO[bytes],
    filename: str,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Check and record one operations file of ``kind`` (IMPORT_KINDS): everything or nothing. With
    ``dry_run`` every row is checked and counted, and nothing is kept. Returns the counts (``rows``,
    ``created``, ``updated``, ``merged``) and ``warnings``; a refused file raises ImportRejected or
    RosterRejected with its problems. The one implementation behind the import page's job and
    ``manage.py import_operations``."""
    if kind not in IMPORT_KINDS:
        raise ValueError(f"Unknown kind {kind!r}: one of {', '.join(IMPORT_KINDS)}.")
    with transaction.atomic():
        if kind == "roster":
            today = timezone.localdate()
            window = (today - datetime.timedelta(days=31), today.replace(year=today.year + 1))
            roster = duty.import_roster(file_obj, filename, window=window)
            counts = {"rows": roster.created + roster.merged, "created": roster.created, "updated": 0}
            counts |= {"merged": roster.merged, "warnings": [str(w) for w in roster.warnings]}
        else:
            function = {
                "regions": imports.import_regions,
                "systems": imports.import_systems,
                "installed": imports.import_installed_base,
            }.get(kind)
            if function is None:
                report = imports.import_tickets(file_obj, filename, progress=progress)
            else:
                report = function(file_obj, filename)
            counts = {"rows": report.rows, "created": report.created, "updated": report.updated}
            counts |= {"merged": 0, "warnings": []}
        if dry_run:
            transaction.set_rollback(True)
    return {**counts, "dry_run": dry_run}
