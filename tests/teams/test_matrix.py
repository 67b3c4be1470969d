"""The team matrix (#14 item 7): sorted, searched and filtered by GET parameters, cells leading to the
person's history of the competency, the columns a lead picked kept per user and team, bad input answered
with a message, and a query count that does not grow with the team."""

import re

import pytest
from django.urls import reverse

from teams.models import MatrixColumns
from tests import factories
from tests.teams.test_dashboard_views import grow_team

HTMX = {"HTTP_HX_REQUEST": "true"}


def matrix_url(team, query=""):
    return reverse("teams:matrix", kwargs={"team_id": team.pk}) + query


def row_names(response):
    body = response.content.decode()
    return re.findall(r'<th scope="row" class="fw-normal text-nowrap"><a href="[^"]+">([^<]+)</a></th>', body)


@pytest.fixture
def matrix(org):
    """Team A requires heat pump diagnostics (technical) and customer conversation (people); 3 members."""
    technical = factories.CategoryFactory(name="Technical")
    people = factories.CategoryFactory(name="People")
    heat_pump = factories.CompetencyFactory(name="Heat pump diagnostics", category=technical)
    conversation = factories.CompetencyFactory(name="Customer conversation", category=people)
    factories.TeamRequirementFactory(team=org.team_a, competency=heat_pump, required_level=3)
    factories.TeamRequirementFactory(team=org.team_a, competency=conversation, required_level=2)
    anna = factories.EmployeeFactory(name="Anna Apprentice")
    factories.MembershipFactory(employee=anna, team=org.team_a)
    factories.AssessmentFactory(employee=org.employee, competency=heat_pump, level=2)
    factories.AssessmentFactory(employee=org.colleague, competency=heat_pump, level=4)
    factories.AssessmentFactory(employee=anna, competency=heat_pump, level=3)
    factories.AssessmentFactory(employee=anna, competency=conversation, level=1)
    return {"heat_pump": heat_pump, "conversation": conversation, "anna": anna, "people": people}


@pytest.mark.parametrize("role", ["lead_a", "lead_dept", "hr"])
def test_matrix_shows_every_member_and_required_competency(client_for, org, matrix, role):
    response = client_for(role).get(matrix_url(org.team_a))
    assert response.status_code == 200
    assert row_names(response) == ["Anna Apprentice", "Carl Colleague", "Erika Employee"]
    body = response.content.decode()
    assert "Heat pump diagnostics" in body and "Customer conversation" in body


@pytest.mark.parametrize("role", ["employee", "lead_b"])
def test_matrix_is_for_those_who_may_see_the_levels(client_for, org, matrix, role):
    assert client_for(role).get(matrix_url(org.team_a)).status_code in (403, 404)


def test_matrix_sorts_by_name_and_by_a_competency(client_for, org, matrix):
    client = client_for("lead_a")
    assert row_names(client.get(matrix_url(org.team_a, "?sort=-name"))) == [
        "Erika Employee",
        "Carl Colleague",
        "Anna Apprentice",
    ]
    key = f"c{matrix['heat_pump'].pk}"
    assert row_names(client.get(matrix_url(org.team_a, f"?sort={key}"))) == [
        "Erika Employee",
        "Anna Apprentice",
        "Carl Colleague",
    ]
    response = client.get(matrix_url(org.team_a, f"?sort=-{key}"))
    assert row_names(response) == ["Carl Colleague", "Anna Apprentice", "Erika Employee"]
    assert 'aria-sort="descending"' in response.content.decode()


def test_matrix_searches_and_filters_by_person_and_category(client_for, org, matrix):
    client = client_for("lead_a")
    assert row_names(client.get(matrix_url(org.team_a, "?q=erik"))) == ["Erika Employee"]
    anna = client.get(matrix_url(org.team_a, f"?person={matrix['anna'].pk}"))
    assert row_names(anna) == ["Anna Apprentice"]
    body = client.get(matrix_url(org.team_a, f"?category={matrix['people'].pk}")).content.decode()
    table = body.split('id="matrix-table"')[1].split("</table>")[0]
    assert "Customer conversation" in table and "Heat pump diagnostics" not in table


def test_matrix_answers_htmx_with_the_table_alone(client_for, org, matrix):
    response = client_for("lead_a").get(matrix_url(org.team_a, "?q=carl"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and row_names(response) == ["Carl Colleague"]


def test_each_cell_links_to_the_persons_history_of_that_competency(client_for, org, matrix):
    client = client_for("lead_a")
    body = client.get(matrix_url(org.team_a, "?q=anna")).content.decode()
    link = reverse("competencies:employee_detail", kwargs={"employee_id": matrix["anna"].pk})
    href = f"{link}?competency={matrix['conversation'].pk}#history-title"
    assert f'href="{href}"' in body
    profile = client.get(href.split("#")[0]).content.decode()
    assert f'<option value="{matrix["conversation"].pk}" selected>' in profile


def test_a_lead_picks_the_columns_that_matter_and_keeps_them(client_for, org, matrix):
    client = client_for("lead_a")
    response = client.post(matrix_url(org.team_a, "?q=anna"), {"competencies": [matrix["heat_pump"].pk]})
    assert response.status_code == 302 and response["Location"].endswith("?q=anna")
    table = client.get(matrix_url(org.team_a)).content.decode().split('id="matrix-table"')[1]
    table = table.split("</table>")[0]
    assert "Heat pump diagnostics" in table and "Customer conversation" not in table
    # Only for this lead: HR still sees every column.
    hr_body = client_for("hr").get(matrix_url(org.team_a)).content.decode().split("</table>")[0]
    assert "Customer conversation" in hr_body
    # Ticking none shows all again.
    client.post(matrix_url(org.team_a), {})
    assert not MatrixColumns.objects.exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?sort=c999999", "Sort by a person"),
        ("?person=999999", "not a member of the team"),
        ("?category=999999", "no such category"),
        ("?date=04.12.2026", "YYYY-MM-DD"),
        ("?q=" + "x" * 101, "at most 100 characters"),
    ],
)
def test_matrix_rejects_bad_input_with_a_message(client_for, org, matrix, query, message):
    response = client_for("lead_a").get(matrix_url(org.team_a, query))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_matrix_refuses_columns_the_team_does_not_require(client_for, org, matrix):
    other = factories.CompetencyFactory(name="Welding")
    response = client_for("lead_a").post(matrix_url(org.team_a), {"competencies": [other.pk]})
    assert response.status_code == 400
    assert "Pick competencies this team requires" in response.content.decode()
    assert not MatrixColumns.objects.exists()


# Session, user, groups, team tree, team, children; the dashboard's cached figures (four queries when not
# cached), the viewer's employee record, the picked columns, the audit entry: the same for 5 and 200.
@pytest.mark.parametrize("members", [5, 200])
def test_matrix_query_count_does_not_grow_with_the_team(
    client_for, org, django_assert_max_num_queries, members
):
    competencies = factories.CompetencyFactory.create_batch(6)
    for index, competency in enumerate(competencies):
        factories.TeamRequirementFactory(team=org.team_a, competency=competency, required_level=1 + index % 4)
    grow_team(org, members, competencies)
    client = client_for("lead_a")
    with django_assert_max_num_queries(14):
        response = client.get(matrix_url(org.team_a, f"?sort=-c{competencies[0].pk}"))
    assert response.status_code == 200
    assert len(row_names(response)) == members
