"""State-changing services for teams: teams, memberships, team requirements and what a leave ends.
Keyword-only arguments, one transaction each; a broken rule is a ValidationError naming the field.

``fields`` holds the plain fields to set (a partial change names only some)."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from competencies.scales import level_check
from competencies.services import fields_assign

from .models import Membership, Team, TeamRequirement

TEAM_FIELDS = ("name", "description", "parent")
MEMBERSHIP_FIELDS = ("employee", "team", "start", "end")
TEAM_REQUIREMENT_FIELDS = ("team", "competency", "required_level", "min_people", "weight")


def team_save(*, team: Team | None = None, fields: Mapping[str, Any]) -> Team:
    """Create or change a team (or department); ``fields["leads"]``, when given, replaces its leads."""
    with transaction.atomic():
        team = team or Team()
        fields_assign(team, fields, TEAM_FIELDS)
        team.save()
        if "leads" in fields:
            team.leads.set(fields["leads"])
    return team


def team_delete(*, team: Team) -> None:
    """Delete a team; ProtectedError while other records still refer to it."""
    with transaction.atomic():
        team.delete()


def membership_save(*, membership: Membership | None = None, fields: Mapping[str, Any]) -> Membership:
    """Create or change a membership."""
    with transaction.atomic():
        membership = membership or Membership()
        fields_assign(membership, fields, MEMBERSHIP_FIELDS)
        membership.save()
    return membership


def membership_delete(*, membership: Membership) -> None:
    """Delete a membership (one entered by mistake; a member who leaves gets an ``end``)."""
    with transaction.atomic():
        membership.delete()


def team_requirement_save(
    *, requirement: TeamRequirement | None = None, fields: Mapping[str, Any]
) -> TeamRequirement:
    """Create or change what a team needs: ``min_people`` members at ``required_level`` (a level of the
    competency's scale, at least 1) or above. A requirement stays with its team."""
    if requirement is not None and "team" in fields and fields["team"].pk != requirement.team_id:
        raise ValidationError(
            {"team": [_("A requirement cannot move to another team; create a new one there.")]}
        )
    competency = fields.get("competency", requirement.competency if requirement else None)
    if (
        "competency" in fields
        and competency is not None
        and (requirement is None or requirement.competency_id != competency.pk)
        and type(competency).objects.filter(pk=competency.pk, retired_at__isnull=False).exists()
    ):
        raise ValidationError(
            {
                "competency": [
                    _("“%(name)s” is retired: no new requirement can ask for it.") % {"name": competency.name}
                ]
            }
        )
    level = fields.get("required_level", requirement.required_level if requirement else None)
    if competency is not None and level is not None:
        level_check(competency=competency, level=level, minimum=1, field="required_level")
    with transaction.atomic():
        requirement = requirement or TeamRequirement()
        fields_assign(requirement, fields, TEAM_REQUIREMENT_FIELDS)
        requirement.save()
    return requirement


def team_requirement_delete(*, requirement: TeamRequirement) -> None:
    """Delete a team requirement."""
    with transaction.atomic():
        requirement.delete()


def membership_leave_refusals(*, employee_id: int, on: datetime.date) -> list[str]:
    """Why a leave on ``on`` cannot end the person's memberships: those starting after that day."""
    later = (
        Membership.objects.filter(employee_id=employee_id, start__gt=on)
        .select_related("team")
        .order_by("start", "id")
    )
    return [
        _(
            "The membership in %(team)s starts on %(start)s, after the leaving date; "
            "end or remove it before recording the leave."
        )
        % {"team": membership.team.name, "start": membership.start.isoformat()}
        for membership in later
    ]


def memberships_end_on_leave(*, employee_id: int, on: datetime.date) -> list[Membership]:
    """End the person's memberships still open on ``on`` (no end, or a later one) on that day."""
    with transaction.atomic():
        still_open = (
            Membership.objects.select_for_update()
            .filter(Q(end__isnull=True) | Q(end__gt=on), employee_id=employee_id, start__lte=on)
            .order_by("id")
        )
        ended = list(still_open)
        for membership in ended:
            membership.end = on
            # One save per membership (a person has a few): the signals mark the cached analyses changed.
            membership.save(update_fields=["end"])
    return ended
