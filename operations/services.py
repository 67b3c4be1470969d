"""Changes made from service-operations pages."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from competencies.models import Competency
from teams.models import Team, TeamRequirement
from teams.services import team_requirement_save


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
