"""Access rules for the catalogue and for people's individual levels.

Who leads whom is known only to the teams app, which registers a reach function here at start-up
(see ``teams.apps``); this app never imports teams."""

from collections.abc import Callable
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Employee
from .roles import is_admin, is_hr, is_hr_or_admin
from .viewer import viewer_of

AnyUser = User | AnonymousUser
EmployeeReach = Callable[[AnyUser, Employee], bool]
EmployeeScope = Callable[[AnyUser], "QuerySet[Any]"]

_employee_reach: list[EmployeeReach] = []
_employee_scope: list[EmployeeScope] = []


def register_employee_reach(fn: EmployeeReach) -> None:
    """Register ``fn(user, employee) -> bool``: True when the user leads the employee."""
    if fn not in _employee_reach:
        _employee_reach.append(fn)


def register_employee_scope(fn: EmployeeScope) -> None:
    """Register ``fn(user) -> queryset of employee ids`` (a values() queryset) the user leads."""
    if fn not in _employee_scope:
        _employee_scope.append(fn)


def visible_employees(user: AnyUser) -> QuerySet[Employee]:
    """Employees whose individual levels ``user`` may see: everyone for HR and admins, else oneself
    and the people in the teams (and departments) one leads."""
    if not user.is_authenticated:
        return Employee.objects.none()
    if is_hr_or_admin(user):
        return Employee.objects.all()
    condition = Q(user=user)
    for fn in _employee_scope:
        condition |= Q(pk__in=fn(user))
    return Employee.objects.filter(condition)


@rules.predicate
def is_self(user: AnyUser, employee: Employee | None) -> bool:
    return employee is not None and user.is_authenticated and employee.user_id == user.pk


@rules.predicate
def leads_employee(user: AnyUser, employee: Employee | None) -> bool:
    return employee is not None and any(fn(user, employee) for fn in _employee_reach)


has_hr_role = rules.predicate(is_hr, name="is_hr")
has_admin_role = rules.predicate(is_admin, name="is_admin")
has_hr_or_admin_role = rules.predicate(is_hr_or_admin, name="is_hr_or_admin")

rules.add_perm("competencies.view_catalogue", rules.is_authenticated)
rules.add_perm("competencies.edit_catalogue", has_hr_or_admin_role)
rules.add_perm("competencies.view_employee_levels", is_self | has_hr_or_admin_role | leads_employee)
rules.add_perm("competencies.confirm_assessment", has_hr_or_admin_role | leads_employee)


def employee_for_levels(user: AnyUser, employee_id: int | str) -> Employee:
    """The employee whose individual levels ``user`` may see; 404 for anyone else.

    The same query reads the user's own employee record, which the navigation needs on every page: it is
    handed to the request's viewer (None when there is none)."""
    condition = Q(pk=employee_id)
    if user.is_authenticated:
        condition |= Q(user=user)
    found = {e.pk: e for e in Employee.objects.select_related("role_profile", "user").filter(condition)}
    if user.is_authenticated:
        viewer_of(user).know_employee(next((e for e in found.values() if e.user_id == user.pk), None))
    employee = found.get(int(employee_id))
    if employee is None:
        raise Http404
    if not user.has_perm("competencies.view_employee_levels", employee):
        # Whether a person exists is itself personal data: answer as if there were no such person.
        raise Http404
    return employee


def require_catalogue_editor(user: AnyUser) -> None:
    if not user.has_perm("competencies.edit_catalogue"):
        raise PermissionDenied
