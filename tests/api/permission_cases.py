"""Who may reach each REST route, in the shape of EXPECTATIONS in tests/test_permission_matrix.py.

That module joins them with ``EXPECTATIONS.update(API_EXPECTATIONS)`` and runs them for every role.
Detail cases create the object they ask for."""

from dataclasses import dataclass, field

from tests import factories


@dataclass(frozen=True)
class Case:
    label: str
    status: dict
    kwargs: object = field(default=lambda org: {})
    method: str = "get"


def api(**status):
    return {"anonymous": 403, **status}


EVERYONE = api(employee=200, lead_a=200, lead_b=200, hr=200, admin=200)
NOBODY = api(employee=404, lead_a=404, lead_b=404, hr=404, admin=404)
# Individual data of someone in team A (led by lead_a), and of the ``employee`` user themselves.
TEAM_A_COLLEAGUE = api(employee=404, lead_a=200, lead_b=404, hr=200, admin=200)
OWN = api(employee=200, lead_a=200, lead_b=404, hr=200, admin=200)


def pk(build):
    return lambda org: {"pk": build(org).pk}


def unknown(org):
    return {"pk": 10**9}


def catalogue_cases(resource, build):
    return {
        f"api:{resource}_list": [Case("list", EVERYONE)],
        f"api:{resource}_detail": [Case("one", EVERYONE, pk(build)), Case("unknown", NOBODY, unknown)],
    }


API_EXPECTATIONS = {
    **catalogue_cases("scale", lambda org: factories.ScaleFactory()),
    **catalogue_cases("category", lambda org: factories.CategoryFactory()),
    **catalogue_cases("competency", lambda org: factories.CompetencyFactory()),
    **catalogue_cases("role_profile", lambda org: factories.RoleProfileFactory()),
    **catalogue_cases("measure", lambda org: factories.MeasureFactory()),
    "api:employee_list": [Case("list", EVERYONE)],
    "api:employee_detail": [
        Case("own record", OWN, lambda org: {"pk": org.employee.pk}),
        Case("colleague in team A", TEAM_A_COLLEAGUE, lambda org: {"pk": org.colleague.pk}),
        Case(
            "member of team B",
            api(employee=404, lead_a=404, lead_b=200, hr=200, admin=200),
            lambda org: {"pk": org.member_b.pk},
        ),
        Case("unknown", NOBODY, unknown),
    ],
    "api:assessment_list": [Case("list", EVERYONE)],
    "api:assessment_detail": [
        Case("own", OWN, pk(lambda org: factories.AssessmentFactory(employee=org.employee))),
        Case(
            "colleague's",
            TEAM_A_COLLEAGUE,
            pk(lambda org: factories.AssessmentFactory(employee=org.colleague)),
        ),
    ],
    "api:team_list": [Case("list", EVERYONE)],
    "api:team_detail": [
        Case(
            "team A", api(employee=200, lead_a=200, lead_b=404, hr=200, admin=200), pk(lambda org: org.team_a)
        ),
        Case(
            "department",
            api(employee=404, lead_a=404, lead_b=404, hr=200, admin=200),
            pk(lambda org: org.department),
        ),
    ],
    "api:membership_list": [Case("list", EVERYONE)],
    "api:membership_detail": [
        Case("own", OWN, pk(lambda org: org.employee.memberships.get())),
        Case("colleague's", TEAM_A_COLLEAGUE, pk(lambda org: org.colleague.memberships.get())),
    ],
    "api:team_requirement_list": [Case("list", EVERYONE)],
    "api:team_requirement_detail": [
        Case(
            "of team A",
            api(employee=200, lead_a=200, lead_b=404, hr=200, admin=200),
            pk(lambda org: factories.TeamRequirementFactory(team=org.team_a)),
        ),
    ],
    "api:plan_list": [Case("list", EVERYONE)],
    "api:plan_detail": [
        Case("own", OWN, pk(lambda org: factories.QualificationPlanFactory(employee=org.employee))),
        Case(
            "colleague's",
            TEAM_A_COLLEAGUE,
            pk(lambda org: factories.QualificationPlanFactory(employee=org.colleague)),
        ),
    ],
    "api:plan_item_list": [Case("list", EVERYONE)],
    "api:plan_item_detail": [
        Case(
            "colleague's",
            TEAM_A_COLLEAGUE,
            pk(lambda org: factories.PlanItemFactory(plan__employee=org.colleague)),
        ),
    ],
    "api:job_list": [Case("list", EVERYONE)],
    "api:job_detail": [
        Case(
            "lead A's",
            api(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            pk(lambda org: factories.JobFactory(owner=org.users["lead_a"])),
        ),
    ],
}
