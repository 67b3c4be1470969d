"""The home of a lead whose team has child teams shows the department roll-up (#14 item 1)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from teams.gaps.department import department_overview
from tests import factories


@pytest.fixture
def department_with_gaps(org):
    competency = factories.CompetencyFactory(name="Heat pump diagnostics")
    factories.TeamRequirementFactory(team=org.team_a, competency=competency, required_level=3, min_people=2)
    factories.TeamRequirementFactory(team=org.team_b, competency=competency, required_level=3, min_people=1)
    return org


def test_department_head_home_shows_the_roll_up_not_a_team_of_one(client_for, department_with_gaps):
    org = department_with_gaps
    overview = department_overview(department=org.department, on=timezone.localdate())
    assert overview["figures"]["members"] == 3
    assert overview["figures"]["gaps"] == 2

    html = client_for("lead_dept").get(reverse("home")).content.decode()

    card = html[html.index('id="my-teams"') :]
    card = card[: card.index("</section>")]
    assert "No requirements set yet" not in card
    assert "3 members" in card
    assert "2 gaps" in card
    assert reverse("teams:department", args=[org.department.pk]) in card
