"""Access rules for qualification plans, plan generation, exports and jobs (SPEC.md, "Who may do what").

- A plan is seen by its employee, by the leads of the employee's teams (or of a department above them),
  by HR and by admins; to anyone else it does not exist (404).
- It is managed (reviewed, proposed, its items completed) by those leads, HR and admins, never by the
  person themselves (403 for them: they know the plan exists).
- It is agreed, commented on and worked on by its employee.
- Plans are generated and exported for a team by its leads (with the teams below), HR and admins; for
  the whole organisation by HR and admins.
- A job is seen by whoever requested it, HR and admins (``jobs.permissions``)."""

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from competencies.permissions import AnyUser, has_hr_or_admin_role, leads_employee, require_catalogue_editor
from teams.models import Team
from teams.permissions import leads_team

from .models import Measure, PlanItem, QualificationPlan

__all__ = [
    "may",
    "item_for_employee",
    "item_for_managing",
    "measure_for_editing",
    "plan_for_agreeing",
    "plan_for_managing",
    "plan_for_viewing",
    "require_catalogue_editor",
    "require_organisation_planning",
    "team_for_planning",
]


@rules.predicate
def is_plan_employee(user: AnyUser, plan: QualificationPlan | None) -> bool:
    return plan is not None and user.is_authenticated and plan.employee.user_id == user.pk


@rules.predicate
def leads_plan_employee(user: AnyUser, plan: QualificationPlan | None) -> bool:
    return plan is not None and leads_employee(user, plan.employee)


rules.add_perm("qualification.view_plan", is_plan_employee | leads_plan_employee | has_hr_or_admin_role)
# Nobody manages their own plan: a lead's or HR member's own plan is managed by their own lead or HR.
rules.add_perm("qualification.manage_plan", (leads_plan_employee | has_hr_or_admin_role) & ~is_plan_employee)
rules.add_perm("qualification.agree_plan", is_plan_employee)
rules.add_perm("qualification.plan_for_team", has_hr_or_admin_role | leads_team)
rules.add_perm("qualification.plan_for_organisation", has_hr_or_admin_role)


def may(user: AnyUser, permission: str, obj: Any = None) -> bool:
    """``permission`` by its rule alone. Unlike ``user.has_perm`` this does not wave superusers through:
    an administrator's own plan is still agreed by them and managed by someone else."""
    return bool(user.is_active and rules.has_perm(permission, user, obj))


def _plan(plan_id: int | str) -> QualificationPlan:
    return get_object_or_404(
        QualificationPlan.objects.select_related("employee__role_profile", "employee__user", "created_by"),
        pk=plan_id,
    )


def _visible(user: AnyUser, plan: QualificationPlan) -> QualificationPlan:
    if not may(user, "qualification.view_plan", plan):
        # Whether a person has a plan is personal data: answer as if there were none.
        raise Http404
    return plan


def plan_for_viewing(user: AnyUser, plan_id: int | str) -> QualificationPlan:
    """The plan if ``user`` may see it; 404 for anyone else."""
    return _visible(user, _plan(plan_id))


def plan_for_managing(user: AnyUser, plan_id: int | str) -> QualificationPlan:
    """The plan if ``user`` may manage it (its employee's lead, HR, admin); 403 for the employee."""
    plan = plan_for_viewing(user, plan_id)
    if not may(user, "qualification.manage_plan", plan):
        raise PermissionDenied
    return plan


def plan_for_agreeing(user: AnyUser, plan_id: int | str) -> QualificationPlan:
    """The plan if ``user`` is its employee (who agrees, comments and reports progress); 403 for leads."""
    plan = plan_for_viewing(user, plan_id)
    if not may(user, "qualification.agree_plan", plan):
        raise PermissionDenied
    return plan


def _item(user: AnyUser, item_id: int | str) -> PlanItem:
    item = get_object_or_404(
        PlanItem.objects.select_related(
            "plan__employee__role_profile", "plan__employee__user", "competency", "measure", "mentor"
        ),
        pk=item_id,
    )
    _visible(user, item.plan)
    return item


def item_for_managing(user: AnyUser, item_id: int | str) -> PlanItem:
    item = _item(user, item_id)
    if not may(user, "qualification.manage_plan", item.plan):
        raise PermissionDenied
    return item


def item_for_employee(user: AnyUser, item_id: int | str) -> PlanItem:
    item = _item(user, item_id)
    if not may(user, "qualification.agree_plan", item.plan):
        raise PermissionDenied
    return item


def team_for_planning(user: AnyUser, team_id: int | str) -> Team:
    """The team if ``user`` may generate and export plans for it (and the teams below); 404 unknown."""
    team: Team = get_object_or_404(Team.objects.select_related("parent"), pk=team_id)
    if not may(user, "qualification.plan_for_team", team):
        raise PermissionDenied
    return team


def require_organisation_planning(user: AnyUser) -> None:
    if not may(user, "qualification.plan_for_organisation"):
        raise PermissionDenied


def measure_for_editing(user: AnyUser, measure_id: int | str) -> Measure:
    require_catalogue_editor(user)
    return get_object_or_404(Measure, pk=measure_id)
