"""Access to the review and campaign pages: one helper per object, returning it or raising."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from competencies.models import Employee
from competencies.permissions import AnyUser
from competencies.roles import is_hr_or_admin

from ..models import Campaign
from ..selectors import led_team_ids
from . import selectors


def employee_for_review(user: AnyUser, employee_id: int) -> tuple[Employee, Employee | None]:
    """(employee, user's own record) when ``user`` may confirm the person's levels: their team lead (or
    the lead of a department above), HR, admin. Oneself: 403; anyone else: 404, as on the profile."""
    employee, own = selectors.employee_with_viewer(employee_id=employee_id, user=user)
    if employee is None:
        raise Http404
    if employee.user_id is not None and employee.user_id == user.pk:
        raise PermissionDenied
    if not user.has_perm("competencies.confirm_assessment", employee):
        raise Http404
    return employee, own


def require_campaign_manager(user: AnyUser) -> None:
    """HR, admins and team leads open and follow campaigns."""
    if not (is_hr_or_admin(user) or led_team_ids(user)):
        raise PermissionDenied


def campaign_for_viewing(user: AnyUser, campaign_id: int | str) -> Campaign:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if is_hr_or_admin(user):
        return campaign
    scope = led_team_ids(user)
    if not scope or not campaign.teams.filter(pk__in=list(scope)).exists():
        raise PermissionDenied
    return campaign
