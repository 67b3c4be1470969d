"""teams.views: the team page."""

from django.urls import reverse

from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    RoleProfileFactory,
    TeamRequirementFactory,
)


def test_team_page_shows_a_member_without_role_profile_as_such_not_as_full_fit(client_for, org):
    org.colleague.role_profile = RoleProfileFactory(name="Technician")  # no requirements: fits 100 %
    org.colleague.save()
    response = client_for("hr").get(reverse("teams:team_detail", args=[org.team_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("no role profile") == 1
    assert page.count("100&nbsp;%") == 1


def test_home_card_of_a_department_shows_its_rolled_up_coverage(client_for, org):
    skill = CompetencyFactory()
    # Team A needs 2 holders of weight 3 and has none; the department itself requires nothing.
    TeamRequirementFactory(team=org.team_a, competency=skill, required_level=3, min_people=2, weight=3)
    TeamRequirementFactory(team=org.team_b, competency=skill, required_level=1, min_people=1, weight=1)
    AssessmentFactory(employee=org.member_b, competency=skill, level=1)
    response = client_for("lead_dept").get(reverse("home"))
    summary = next(s for s in response.context["lead_summaries"] if s["team"] == org.department)
    # 1 - (3·2 + 1·0) / (3·2 + 1·1)
    assert summary["coverage"] == round(1 - 6 / 7, 4)
    assert summary["own_coverage"] == 1.0
    assert summary["is_department"]
    assert "No requirements set yet" not in response.content.decode()


def test_gap_analysis_schema_documents_the_department_roll_up(client_for, org):
    schema = client_for("hr").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert {"own_coverage", "subtree_teams"} <= set(components["GapAnalysis"]["properties"])
    assert components["GapMember"]["properties"]["role_fit"]["nullable"] is True
