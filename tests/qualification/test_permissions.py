"""qualification.permissions: who sees, manages and agrees to a plan; who plans and exports for which
team; whose job is whose. 404 where a person may not know the object exists, 403 where they may."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jobs.permissions import job_for_viewing
from qualification import permissions, selectors
from tests.factories import EmployeeFactory, MembershipFactory, TeamFactory, UserFactory, days_ago
from tests.qualification.test_views import item_of, job_for, plan_for

ALLOWED, FORBIDDEN, UNKNOWN = "ok", 403, 404


def outcome(helper, user, *args):
    try:
        helper(user, *args)
    except Http404:
        return UNKNOWN
    except PermissionDenied:
        return FORBIDDEN
    return ALLOWED


def user_of(org, role):
    return org.lead_dept if role == "lead_dept" else org.users[role]


ROLES = ["employee", "lead_a", "lead_b", "lead_dept", "hr", "admin"]


@pytest.mark.parametrize(
    ("helper", "expected"),
    [
        ("plan_for_viewing", [ALLOWED, ALLOWED, UNKNOWN, ALLOWED, ALLOWED, ALLOWED]),
        ("plan_for_managing", [FORBIDDEN, ALLOWED, UNKNOWN, ALLOWED, ALLOWED, ALLOWED]),
        ("plan_for_agreeing", [ALLOWED, FORBIDDEN, UNKNOWN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        ("item_for_managing", [FORBIDDEN, ALLOWED, UNKNOWN, ALLOWED, ALLOWED, ALLOWED]),
        ("item_for_employee", [ALLOWED, FORBIDDEN, UNKNOWN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
    ],
)
def test_the_employees_plan(org, helper, expected):
    plan_id = plan_for(org.employee)
    target = item_of(plan_id) if helper.startswith("item") else plan_id
    found = [outcome(getattr(permissions, helper), user_of(org, role), target) for role in ROLES]
    assert found == expected


def test_a_colleagues_plan_does_not_exist_for_the_employee(org):
    plan_id = plan_for(org.colleague)
    assert outcome(permissions.plan_for_viewing, org.users["employee"], plan_id) == UNKNOWN
    assert outcome(permissions.plan_for_managing, org.users["employee"], plan_id) == UNKNOWN
    assert outcome(permissions.plan_for_viewing, org.users["employee"], plan_id + 1000) == UNKNOWN


def test_a_lead_or_hr_member_never_manages_their_own_plan(org):
    hr_self = EmployeeFactory(user=org.users["hr"])
    lead_self = EmployeeFactory(user=org.users["lead_a"])
    MembershipFactory(employee=lead_self, team=org.team_a)
    admin_self = EmployeeFactory(user=org.users["admin"])
    plans = {}
    for user, employee in [
        (org.users["hr"], hr_self),
        (org.users["lead_a"], lead_self),
        (org.users["admin"], admin_self),
    ]:
        plans[user.username] = plan_id = plan_for(employee)
        assert outcome(permissions.plan_for_viewing, user, plan_id) == ALLOWED
        assert outcome(permissions.plan_for_agreeing, user, plan_id) == ALLOWED
        assert outcome(permissions.plan_for_managing, user, plan_id) == FORBIDDEN
    assert outcome(permissions.plan_for_managing, org.lead_dept, plans["lead_a"]) == ALLOWED
    assert outcome(permissions.plan_for_managing, org.users["hr"], plans["admin"]) == ALLOWED


def test_a_former_member_is_no_longer_led(org):
    employee = EmployeeFactory()
    MembershipFactory(employee=employee, team=org.team_a, start=days_ago(400), end=days_ago(30))
    plan_id = plan_for(employee)
    assert outcome(permissions.plan_for_viewing, org.users["lead_a"], plan_id) == UNKNOWN
    assert outcome(permissions.plan_for_viewing, org.users["hr"], plan_id) == ALLOWED


@pytest.mark.parametrize(
    ("team", "expected"),
    [
        ("team_a", [FORBIDDEN, ALLOWED, FORBIDDEN, ALLOWED, ALLOWED, ALLOWED]),
        ("team_b", [FORBIDDEN, FORBIDDEN, ALLOWED, ALLOWED, ALLOWED, ALLOWED]),
        ("department", [FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED, ALLOWED, ALLOWED]),
    ],
)
def test_planning_and_exporting_for_a_team(org, team, expected):
    team_id = getattr(org, team).pk
    assert [outcome(permissions.team_for_planning, user_of(org, r), team_id) for r in ROLES] == expected
    assert outcome(permissions.team_for_planning, org.users["hr"], team_id + 1000) == UNKNOWN


def test_only_hr_and_admins_plan_for_the_organisation(org):
    found = [outcome(permissions.require_organisation_planning, user_of(org, r)) for r in ROLES]
    assert found == [FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED, ALLOWED]


def test_a_job_is_seen_by_its_owner_hr_and_admins(org):
    job_id = job_for(org.users["lead_a"])
    found = [outcome(job_for_viewing, user_of(org, r), job_id) for r in ROLES]
    assert found == [UNKNOWN, ALLOWED, UNKNOWN, UNKNOWN, ALLOWED, ALLOWED]


def test_plannable_teams_follow_the_same_rule(org):
    sub = TeamFactory(name="North sub-team", parent=org.team_a)

    def names(user):
        return [(t["name"], t["depth"], t["has_children"]) for t in selectors.plannable_teams(user)]

    assert names(org.users["employee"]) == []
    assert names(org.users["lead_a"]) == [("Field Service North", 0, True), ("North sub-team", 1, False)]
    assert names(org.lead_dept) == [
        ("Customer Service", 0, True),
        ("Field Service North", 1, True),
        ("North sub-team", 2, False),
        ("Field Service South", 1, False),
    ]
    assert [t["id"] for t in selectors.plannable_teams(org.users["hr"])][:1] == [org.department.pk]
    assert sub.pk in {t["id"] for t in selectors.plannable_teams(UserFactory(is_superuser=True))}
