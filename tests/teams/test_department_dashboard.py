"""The department's dashboard is its department page: the roll-up coverage (the number ``gap_report``
prints), the teams below ranked by weighted shortfall with drill-down, and the other URL redirecting."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from competencies.percent import percent
from tests import factories


@pytest.fixture
def subtree_gaps(org):
    """North misses two critical people, South one useful one, the department itself nothing."""
    heat_pump = factories.CompetencyFactory(name="Heat pump diagnostics")
    conversation = factories.CompetencyFactory(name="Customer conversation")
    factories.TeamRequirementFactory(
        team=org.team_a, competency=heat_pump, required_level=3, min_people=2, weight=3
    )
    factories.TeamRequirementFactory(
        team=org.team_b, competency=conversation, required_level=2, min_people=2, weight=1
    )
    factories.AssessmentFactory(employee=org.member_b, competency=conversation, level=2)
    return heat_pump, conversation


def gap_report_json(team):
    out = io.StringIO()
    call_command("gap_report", "--team", str(team.pk), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def headline_percent(content):
    match = re.search(r'class="sl-headline-value[^"]*">(\d+)&nbsp;%', content)
    assert match, "no headline figure"
    return int(match.group(1))


def test_department_dashboard_shows_the_roll_up_that_gap_report_prints(client_for, org, subtree_gaps):
    response = client_for("lead_dept").get(
        reverse("teams:dashboard", kwargs={"team_id": org.department.pk}), follow=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    report = gap_report_json(org.department)
    assert report["coverage"] < 1
    assert headline_percent(content) == percent(report["coverage"])
    assert "No requirements have been set" not in content


def test_department_dashboard_url_redirects_to_the_department_page_keeping_the_query(client_for, org):
    url = reverse("teams:dashboard", kwargs={"team_id": org.department.pk})
    response = client_for("hr").get(url + "?date=2026-11-27")
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("teams:department", kwargs={"team_id": org.department.pk}) + "?date=2026-11-27"
    )


def test_department_url_of_a_team_without_teams_below_redirects_to_its_dashboard(client_for, org):
    response = client_for("lead_a").get(reverse("teams:department", kwargs={"team_id": org.team_a.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk})


def test_department_page_ranks_the_teams_below_by_weighted_shortfall_with_drill_down(
    client_for, org, subtree_gaps
):
    content = (
        client_for("lead_dept")
        .get(reverse("teams:department", kwargs={"team_id": org.department.pk}))
        .content.decode()
    )
    ranking = content[content.index('id="ranked-teams"') :]
    north, south = ranking.index("Field Service North"), ranking.index("Field Service South")
    assert north < south  # North: 3 × 2 = 6 weighted shortfall; South: 1 × 1 = 1
    assert reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk}) in ranking
    assert reverse("teams:dashboard", kwargs={"team_id": org.team_b.pk}) in ranking
