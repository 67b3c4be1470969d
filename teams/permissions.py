"""Access rules for teams: members see their team's aggregates; leads of the team (or of a department
above it), HR and admins see individual levels and may manage it."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from competencies.permissions import AnyUser, has_hr_or_admin_role

from .models import Team
from .selectors import employee_team_ids, led_team_ids


@rules.predicate
def leads_team(user: AnyUser, team: Team | None) -> bool:
    return team is not None and team.pk in led_team_ids(user)


@rules.predicate
def is_member(user: AnyUser, team: Team | None) -> bool:
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    return team is not None and employee is not None and team.pk in employee_team_ids(employee=employee)


rules.add_perm("teams.view_team", has_hr_or_admin_role | leads_team | is_member)
rules.add_perm("teams.view_team_levels", has_hr_or_admin_role | leads_team)
rules.add_perm("teams.manage_team", has_hr_or_admin_role | leads_team)
rules.add_perm("teams.view_organisation", has_hr_or_admin_role)


def _team(team_id: int | str) -> Team:
    return get_object_or_404(Team.objects.select_related("parent"), pk=team_id)


def team_for_viewing(user: AnyUser, team_id: int | str) -> Team:
    """The team if ``user`` may see its page (aggregates); 404 unknown, 403 outside the rule."""
    team = _team(team_id)
    if not user.has_perm("teams.view_team", team):
        raise PermissionDenied
    return team


def team_for_levels(user: AnyUser, team_id: int | str) -> Team:
    """The team if ``user`` may see its members' individual levels (gap analysis, heatmap)."""
    team = _team(team_id)
    if not user.has_perm("teams.view_team_levels", team):
        raise PermissionDenied
    return team


def require_organisation_view(user: AnyUser) -> None:
    if not user.has_perm("teams.view_organisation"):
        raise PermissionDenied
