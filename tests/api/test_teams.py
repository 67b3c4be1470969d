"""Teams, memberships and team requirements through the API."""

import datetime

import pytest
from django.urls import reverse

from teams.models import Team, TeamRequirement
from tests import factories

TEAMS = reverse("api:team_list")
MEMBERSHIPS = reverse("api:membership_list")
REQUIREMENTS = reverse("api:team_requirement_list")


def detail(name, pk):
    return reverse(f"api:{name}_detail", kwargs={"pk": pk})


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("employee", {"team_a"}),
        ("lead_a", {"team_a"}),
        ("lead_b", {"team_b"}),
        ("lead_dept", {"department", "team_a", "team_b"}),
        ("hr", {"department", "team_a", "team_b"}),
        ("admin", {"department", "team_a", "team_b"}),
    ],
)
def test_team_list_holds_teams_led_or_belonged_to(api_for, org, role, visible):
    assert ids(api_for(role).get(TEAMS)) == {getattr(org, name).pk for name in visible}


def test_team_shows_structure_not_people(api_for, org):
    body = api_for("employee").get(detail("team", org.team_a.pk)).json()
    assert body == {
        "id": org.team_a.pk,
        "name": "Field Service North",
        "description": "",
        "translations": {"de": {"description": ""}, "en": {"description": ""}},
        "parent": org.department.pk,
        "leads": [org.users["lead_a"].pk],
    }


def test_former_member_no_longer_sees_the_team(api_for, org):
    org.employee.memberships.update(end=datetime.date(2020, 1, 1), start=datetime.date(2019, 1, 1))
    assert ids(api_for("employee").get(TEAMS)) == set()


def test_teams_filter_by_parent(api_for, org):
    assert ids(api_for("hr").get(TEAMS, {"parent": org.department.pk})) == {org.team_a.pk, org.team_b.pk}
    assert ids(api_for("hr").get(TEAMS, {"is_root": "true"})) == {org.department.pk}


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_build_the_team_tree(api_for, org, role):
    client = api_for(role)
    payload = {"name": "Hotline", "parent": org.department.pk, "leads": [org.users["lead_b"].pk]}
    response = client.post(TEAMS, payload, format="json")
    assert response.status_code == 201, response.json()
    assert Team.objects.get(name="Hotline").leads.get() == org.users["lead_b"]


@pytest.mark.parametrize("role", ["employee", "lead_a"])
def test_others_cannot_change_teams(api_for, org, role):
    client = api_for(role)
    assert client.post(TEAMS, {"name": "Mine"}, format="json").status_code == 403
    assert client.patch(detail("team", org.team_a.pk), {"name": "Renamed"}, format="json").status_code == 403


def test_team_cannot_move_below_its_own_subtree(api_for, org):
    response = api_for("hr").patch(
        detail("team", org.department.pk), {"parent": org.team_a.pk}, format="json"
    )
    assert response.status_code == 400
    assert "below itself" in response.json()["parent"][0]


def test_department_with_teams_cannot_be_deleted(api_for, org):
    response = api_for("admin").delete(detail("team", org.department.pk))
    assert response.status_code == 409


# Memberships


@pytest.mark.parametrize(
    ("role", "people"),
    [
        ("employee", {"employee"}),
        ("lead_a", {"employee", "colleague"}),
        ("lead_b", {"member_b"}),
        ("hr", {"employee", "colleague", "member_b"}),
    ],
)
def test_membership_list_holds_people_within_reach(api_for, org, role, people):
    rows = api_for(role).get(MEMBERSHIPS).json()["results"]
    assert {row["employee"] for row in rows} == {getattr(org, name).pk for name in people}


def test_memberships_filter_by_date(api_for, org):
    factories.MembershipFactory(
        employee=org.colleague,
        team=org.team_b,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 12, 31),
    )
    rows = api_for("hr").get(MEMBERSHIPS, {"active_on": "2020-06-01"}).json()["results"]
    assert [(row["employee"], row["team"]) for row in rows] == [(org.colleague.pk, org.team_b.pk)]


def test_hr_records_a_membership(api_for, org):
    payload = {"employee": org.member_b.pk, "team": org.team_a.pk, "start": "2026-01-01"}
    response = api_for("hr").post(MEMBERSHIPS, payload, format="json")
    assert response.status_code == 201, response.json()
    response = api_for("hr").patch(
        detail("membership", response.json()["id"]), {"end": "2025-12-01"}, format="json"
    )
    assert response.status_code == 400
    assert "before its start" in response.json()["end"][0]


def test_lead_cannot_change_memberships(api_for, org):
    payload = {"employee": org.member_b.pk, "team": org.team_a.pk, "start": "2026-01-01"}
    assert api_for("lead_a").post(MEMBERSHIPS, payload, format="json").status_code == 403


# Team requirements


@pytest.fixture
def requirements(org, catalogue):
    return {
        "a": factories.TeamRequirementFactory(team=org.team_a, competency=catalogue.competency),
        "b": factories.TeamRequirementFactory(team=org.team_b, competency=catalogue.competency),
    }


@pytest.mark.parametrize(
    ("role", "visible"),
    [("employee", {"a"}), ("lead_a", {"a"}), ("lead_b", {"b"}), ("hr", {"a", "b"}), ("admin", {"a", "b"})],
)
def test_requirements_are_read_by_whoever_sees_the_team(api_for, requirements, role, visible):
    assert ids(api_for(role).get(REQUIREMENTS)) == {requirements[key].pk for key in visible}


def new_requirement(team, competency, **fields):
    return {
        "team": team.pk,
        "competency": competency.pk,
        "required_level": 3,
        "min_people": 2,
        "weight": 3,
        **fields,
    }


@pytest.mark.parametrize("role", ["lead_a", "lead_dept", "hr", "admin"])
def test_leads_hr_and_admin_set_requirements(api_for, org, catalogue, role):
    response = api_for(role).post(
        REQUIREMENTS, new_requirement(org.team_a, catalogue.competency), format="json"
    )
    assert response.status_code == 201, response.json()
    assert TeamRequirement.objects.get(team=org.team_a).min_people == 2


def test_member_cannot_set_requirements(api_for, org, catalogue):
    response = api_for("employee").post(
        REQUIREMENTS, new_requirement(org.team_a, catalogue.competency), format="json"
    )
    assert response.status_code == 403
    assert "leads" in response.json()["detail"]


def test_lead_cannot_set_requirements_of_another_team(api_for, org, catalogue):
    response = api_for("lead_b").post(
        REQUIREMENTS, new_requirement(org.team_a, catalogue.competency), format="json"
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["team"][0]


def test_lead_changes_and_removes_own_requirement(api_for, requirements):
    client = api_for("lead_a")
    url = detail("team_requirement", requirements["a"].pk)
    assert client.patch(url, {"min_people": 3}, format="json").json()["min_people"] == 3
    assert client.delete(url).status_code == 204


def test_member_cannot_change_a_requirement(api_for, requirements):
    url = detail("team_requirement", requirements["a"].pk)
    assert api_for("employee").patch(url, {"min_people": 3}, format="json").status_code == 403
    assert api_for("employee").delete(url).status_code == 403


def test_other_lead_does_not_find_the_requirement(api_for, requirements):
    url = detail("team_requirement", requirements["a"].pk)
    assert api_for("lead_b").patch(url, {"min_people": 3}, format="json").status_code == 404


def test_requirement_cannot_move_to_another_team(api_for, requirements, org):
    url = detail("team_requirement", requirements["a"].pk)
    response = api_for("hr").patch(url, {"team": org.team_b.pk}, format="json")
    assert response.status_code == 400


def test_required_level_outside_the_scale_is_refused(api_for, org, catalogue):
    payload = new_requirement(org.team_a, catalogue.competency, required_level=5)
    response = api_for("lead_a").post(REQUIREMENTS, payload, format="json")
    assert response.status_code == 400
    assert "allowed: 1, 2, 3, 4" in response.json()["required_level"][0]


@pytest.mark.parametrize(("field", "value"), [("min_people", 0), ("weight", 4), ("required_level", 0)])
def test_requirement_bounds_are_checked(api_for, org, catalogue, field, value):
    payload = new_requirement(org.team_a, catalogue.competency, **{field: value})
    response = api_for("hr").post(REQUIREMENTS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_one_requirement_per_competency_and_team(api_for, requirements, org, catalogue):
    response = api_for("hr").post(
        REQUIREMENTS, new_requirement(org.team_a, catalogue.competency), format="json"
    )
    assert response.status_code == 400


def test_gap_analysis_stays_routed(api_for, requirements, org):
    url = reverse("api:team_gap_analysis", kwargs={"team_id": org.team_a.pk})
    assert url == f"/api/v1/teams/{org.team_a.pk}/gap-analysis/"
    body = api_for("lead_a").get(url, {"date": "2026-11-27"}).json()
    assert body["team"] == {"id": org.team_a.pk, "name": "Field Service North"}
    assert body["requirements"][0]["competency"]["id"] == requirements["a"].competency_id
