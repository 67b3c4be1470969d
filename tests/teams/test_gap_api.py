"""GET /api/v1/teams/{id}/gap-analysis/: SPEC.md's JSON, the date parameter, access, query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies.models import Assessment
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    MembershipFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    TeamRequirementFactory,
)

D = datetime.date(2026, 11, 27)
EARLIER = datetime.date(2026, 6, 1)


def url(team_id, on=None):
    path = reverse("api:team_gap_analysis", kwargs={"team_id": team_id})
    return path if on is None else f"{path}?date={on}"


@pytest.fixture
def scenario(org):
    """Team A of ``org`` with two requirements, three members and a history of assessments."""
    team = org.team_a
    erika, carl = org.employee, org.colleague
    dana = EmployeeFactory(name="Dana Diagnostics", personnel_no="P-0900")
    MembershipFactory(employee=dana, team=team, start=datetime.date(2026, 1, 1))
    # Left before D: counted on EARLIER only.
    leaver = EmployeeFactory(name="Leo Leaver", personnel_no="P-0901")
    MembershipFactory(
        employee=leaver, team=team, start=datetime.date(2025, 1, 1), end=datetime.date(2026, 9, 30)
    )

    heat_pump = CompetencyFactory(name="Heat pump diagnostics")
    conversation = CompetencyFactory(name="Customer conversation")
    TeamRequirementFactory(team=team, competency=heat_pump, required_level=3, min_people=2, weight=3)
    TeamRequirementFactory(team=team, competency=conversation, required_level=2, min_people=1, weight=1)
    # Team B's requirement and member must not leak into team A's analysis.
    TeamRequirementFactory(team=org.team_b, competency=heat_pump, required_level=1, min_people=5, weight=1)
    AssessmentFactory(employee=org.member_b, competency=heat_pump, level=4)

    def assess(employee, competency, level, source, on, valid_until=None):
        AssessmentFactory(
            employee=employee,
            competency=competency,
            level=level,
            source=source,
            assessed_on=on,
            valid_until=valid_until,
        )

    assess(erika, heat_pump, 2, Assessment.Source.MANAGER, datetime.date(2026, 3, 1))
    assess(erika, heat_pump, 3, Assessment.Source.MANAGER, datetime.date(2026, 10, 1))
    assess(erika, conversation, 2, Assessment.Source.SELF, datetime.date(2026, 2, 1))
    assess(carl, heat_pump, 2, Assessment.Source.MANAGER, datetime.date(2026, 2, 1))
    assess(carl, heat_pump, 4, Assessment.Source.SELF, datetime.date(2026, 11, 1))  # confirmed 2 wins
    assess(
        dana,
        heat_pump,
        4,
        Assessment.Source.CERTIFICATE,
        datetime.date(2025, 11, 1),
        valid_until=datetime.date(2026, 10, 31),
    )
    assess(dana, heat_pump, 1, Assessment.Source.SELF, datetime.date(2025, 10, 1))
    assess(dana, conversation, 1, Assessment.Source.MANAGER, datetime.date(2026, 1, 15))
    assess(leaver, heat_pump, 3, Assessment.Source.IMPORT, datetime.date(2025, 6, 1))

    technician = RoleProfileFactory(name="Service technician")
    RoleRequirementFactory(role_profile=technician, competency=heat_pump, target_level=3)
    RoleRequirementFactory(role_profile=technician, competency=conversation, target_level=2)
    dana.role_profile = technician
    dana.save()
    trainee = RoleProfileFactory(name="Trainee")
    RoleRequirementFactory(role_profile=trainee, competency=heat_pump, target_level=2)
    carl.role_profile = trainee
    carl.save()
    return {
        "team": team,
        "erika": erika,
        "carl": carl,
        "dana": dana,
        "leaver": leaver,
        "heat_pump": heat_pump,
        "conversation": conversation,
    }


def person(employee):
    return {"id": employee.pk, "personnel_no": employee.personnel_no, "name": employee.name}


def test_gap_analysis_returns_spec_json(client_for, scenario):
    s = scenario
    erika, carl, dana = s["erika"], s["carl"], s["dana"]
    response = client_for("hr").get(url(s["team"].pk, D))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "team": {"id": s["team"].pk, "name": "Field Service North"},
        "date": "2026-11-27",
        # 1 - (3·1 + 1·0) / (3·2 + 1·1)
        "coverage": 0.5714,
        "requirements": sorted(
            [
                {
                    "competency": {"id": s["heat_pump"].pk, "name": "Heat pump diagnostics"},
                    "required_level": 3,
                    "min_people": 2,
                    "weight": 3,
                    "covered": 1,
                    "shortfall": 1,
                    "status": "gap",
                    "holders": [erika.pk],
                    "near_holders": [carl.pk],
                },
                {
                    "competency": {"id": s["conversation"].pk, "name": "Customer conversation"},
                    "required_level": 2,
                    "min_people": 1,
                    "weight": 1,
                    "covered": 1,
                    "shortfall": 0,
                    "status": "single_point",
                    "holders": [erika.pk],
                    "near_holders": [dana.pk],
                },
            ],
            key=lambda r: r["competency"]["id"],
        ),
        "members": [
            # SPEC.md: no role profile, no role fit (not 100 %).
            {"employee": person(erika), "role_fit": None, "gaps": []},
            {"employee": person(carl), "role_fit": 1.0, "gaps": []},
            {
                "employee": person(dana),
                # the certificate expired on 2026-10-31: her self-assessment (1) is effective.
                "role_fit": 0.4,
                "gaps": [
                    {"competency": s["heat_pump"].pk, "target": 3, "level": 1, "gap": 2},
                    {"competency": s["conversation"].pk, "target": 2, "level": 1, "gap": 1},
                ],
            },
        ],
    }


def test_gap_analysis_on_a_past_date_uses_the_history(client_for, scenario):
    s = scenario
    erika, carl, dana, leaver = s["erika"], s["carl"], s["dana"], s["leaver"]
    body = client_for("hr").get(url(s["team"].pk, EARLIER)).json()
    assert body["date"] == "2026-06-01"
    heat_pump = next(r for r in body["requirements"] if r["competency"]["id"] == s["heat_pump"].pk)
    # Dana's certificate (4) and the leaver's import (3) are valid; Erika and Carl are at 2.
    assert (heat_pump["holders"], heat_pump["near_holders"]) == (
        sorted([dana.pk, leaver.pk]),
        sorted([erika.pk, carl.pk]),
    )
    assert (heat_pump["covered"], heat_pump["status"]) == (2, "ok")
    assert [m["employee"]["id"] for m in body["members"]] == sorted([erika.pk, carl.pk, dana.pk, leaver.pk])
    assert body["coverage"] == 1.0


def test_gap_analysis_defaults_to_today(client_for, scenario):
    body = client_for("hr").get(url(scenario["team"].pk)).json()
    assert body["date"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("bad", ["27.11.2026", "2026-13-01", "yesterday", "2026-02-30"])
def test_gap_analysis_rejects_a_malformed_date(client_for, org, bad):
    response = client_for("hr").get(url(org.team_a.pk, bad))
    assert response.status_code == 400
    body = response.json()
    assert "date" in body
    assert "YYYY-MM-DD" in str(body["date"])


def test_gap_analysis_of_unknown_team_is_404(client_for, org):
    assert client_for("hr").get(url(org.team_b.pk + 1000)).status_code == 404


def test_gap_analysis_of_team_without_requirements_has_full_coverage(client_for, org):
    body = client_for("admin").get(url(org.team_b.pk, D)).json()
    assert body["coverage"] == 1.0
    assert body["requirements"] == []
    assert [m["employee"]["id"] for m in body["members"]] == [org.member_b.pk]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 403),
        ("employee", 403),
        ("lead_b", 403),
        ("lead_a", 200),
        ("lead_dept", 200),
        ("hr", 200),
        ("admin", 200),
    ],
)
def test_gap_analysis_access(client_for, org, role, status):
    response = client_for(role).get(url(org.team_a.pk, D))
    assert response.status_code == status
    if status == 200:
        assert response.json()["team"]["id"] == org.team_a.pk
    else:
        assert "requirements" not in response.json()


def test_lead_cannot_see_other_team_but_department_lead_sees_both(client_for, org):
    assert client_for("lead_a").get(url(org.team_b.pk)).status_code == 403
    department_lead = client_for("lead_dept")
    assert department_lead.get(url(org.team_b.pk)).status_code == 200
    assert department_lead.get(url(org.department.pk)).status_code == 200


def _grow_team(team, count, competencies, role_profile):
    for _ in range(count):
        member = EmployeeFactory(role_profile=role_profile)
        MembershipFactory(employee=member, team=team)
        for level, competency in enumerate(competencies):
            AssessmentFactory(employee=member, competency=competency, level=level % 5)
            AssessmentFactory(employee=member, competency=competency, level=4, source=Assessment.Source.SELF)


def test_gap_analysis_query_count_does_not_grow_with_the_team(client_for, org, django_assert_num_queries):
    competencies = CompetencyFactory.create_batch(4)
    for competency in competencies:
        TeamRequirementFactory(team=org.team_a, competency=competency, required_level=2, min_people=3)
    role = RoleProfileFactory()
    for competency in competencies[:2]:
        RoleRequirementFactory(role_profile=role, competency=competency, target_level=3)
    client = client_for("lead_a")
    _grow_team(org.team_a, 3, competencies, role)  # with the employee and the colleague: 5 members
    with CaptureQueriesContext(connection) as small:
        body = client.get(url(org.team_a.pk)).json()
    assert len(body["members"]) == 5

    _grow_team(org.team_a, 35, competencies, role)
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(url(org.team_a.pk)).json()
    assert len(body["members"]) == 40


def test_role_gaps_are_listed_once_when_people_outside_the_team_share_the_profile(client_for, org):
    competency = CompetencyFactory()
    profile = RoleProfileFactory()
    RoleRequirementFactory(role_profile=profile, competency=competency, target_level=2)
    for employee in (org.employee, org.colleague, org.member_b):
        employee.role_profile = profile
        employee.save()
    body = client_for("hr").get(url(org.team_a.pk)).json()
    gaps = {m["employee"]["id"]: m["gaps"] for m in body["members"]}
    expected = [{"competency": competency.pk, "target": 2, "level": 0, "gap": 2}]
    assert gaps == {org.employee.pk: expected, org.colleague.pk: expected}
    assert [m["role_fit"] for m in body["members"]] == [0.0, 0.0]


def test_department_coverage_rolls_up_its_subtree(org, client_for):
    """SPEC.md: a department's figures roll up over all requirements of its subtree."""
    skill = CompetencyFactory(name="Heat pump diagnostics")
    # Team A needs 2 people (weight 3) and has one holder; team B needs 1 (weight 1) and has it.
    TeamRequirementFactory(team=org.team_a, competency=skill, required_level=3, min_people=2, weight=3)
    TeamRequirementFactory(team=org.team_b, competency=skill, required_level=3, min_people=1, weight=1)
    AssessmentFactory(employee=org.employee, competency=skill, level=3, source="manager")
    AssessmentFactory(employee=org.member_b, competency=skill, level=4, source="manager")

    body = client_for("hr").get(f"/api/v1/teams/{org.department.pk}/gap-analysis/").json()

    # 1 - (3·1 + 1·0) / (3·2 + 1·1) = 1 - 3/7
    assert body["coverage"] == round(1 - 3 / 7, 4)
    assert body["requirements"] == []
    assert body["own_coverage"] == 1.0
    assert body["subtree_teams"] == sorted([org.team_a.pk, org.team_b.pk])
    team_a = client_for("hr").get(f"/api/v1/teams/{org.team_a.pk}/gap-analysis/").json()
    assert team_a["coverage"] == 0.5
    assert "subtree_teams" not in team_a


def test_member_without_role_profile_has_null_role_fit_and_one_with_an_empty_profile_fits(client_for, org):
    AssessmentFactory(employee=org.colleague, competency=CompetencyFactory(), level=3)
    org.colleague.role_profile = RoleProfileFactory()  # a profile without requirements
    org.colleague.save()
    body = client_for("hr").get(url(org.team_a.pk)).json()
    members = {m["employee"]["id"]: m for m in body["members"]}
    assert members[org.employee.pk]["role_fit"] is None
    assert members[org.employee.pk]["gaps"] == []
    assert members[org.colleague.pk]["role_fit"] == 1.0
