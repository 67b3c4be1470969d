"""Every list endpoint answers in a fixed number of queries, whether it lists 3 objects or 30."""

import pytest
from django.urls import reverse

from tests import factories


def scales(org, n):
    factories.ScaleFactory.create_batch(n)


def categories(org, n):
    factories.CategoryFactory.create_batch(n)


def competencies(org, n):
    factories.CompetencyFactory.create_batch(n)


def role_profiles(org, n):
    for profile in factories.RoleProfileFactory.create_batch(n):
        factories.RoleRequirementFactory.create_batch(2, role_profile=profile)


def measures(org, n):
    for measure in factories.MeasureFactory.create_batch(n):
        factories.MeasureCompetencyFactory(measure=measure)


def members_of_team_a(org, n):
    competency = factories.CompetencyFactory()
    for employee in factories.EmployeeFactory.create_batch(n):
        factories.MembershipFactory(employee=employee, team=org.team_a)
        factories.InterestFactory(employee=employee, competency=competency)


def assessments(org, n):
    factories.AssessmentFactory.create_batch(n, employee=org.colleague)


def teams(org, n):
    for team in factories.TeamFactory.create_batch(n, parent=org.team_a):
        team.leads.add(org.users["lead_b"])


def team_requirements(org, n):
    factories.TeamRequirementFactory.create_batch(n, team=org.team_a)


def plans(org, n):
    for i in range(n):
        plan = factories.QualificationPlanFactory(employee=org.colleague, period=f"{2000 + i}-Q1")
        factories.PlanItemFactory.create_batch(2, plan=plan)


def plan_items(org, n):
    factories.PlanItemFactory.create_batch(n, plan=factories.QualificationPlanFactory(employee=org.colleague))


def jobs(org, n):
    factories.JobFactory.create_batch(n, owner=org.users["lead_a"])


# (route, role, builder, queries). Every request: session, user, groups; a lead's reach: the team tree
# with the teams they lead flagged (one query); then count, page and one query per prefetched relation;
# where the page holds other people's levels, the reader's own record and the one audit INSERT.
CASES = [
    ("scale", "hr", scales, 5),
    ("category", "hr", categories, 4),
    ("competency", "hr", competencies, 4),
    ("role_profile", "hr", role_profiles, 5),
    ("measure", "hr", measures, 5),
    ("employee", "lead_a", members_of_team_a, 7),
    ("assessment", "lead_a", assessments, 8),
    ("team", "hr", teams, 6),
    ("team", "lead_a", teams, 7),
    ("membership", "lead_a", members_of_team_a, 6),
    ("team_requirement", "lead_a", team_requirements, 6),
    ("plan", "lead_a", plans, 9),
    ("plan_item", "lead_a", plan_items, 8),
    ("job", "lead_a", jobs, 5),
]


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(("route", "role", "build", "queries"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_list_query_count_does_not_grow(
    api_for, org, django_assert_num_queries, route, role, build, queries, size
):
    build(org, size)
    client = api_for(role)
    with django_assert_num_queries(queries):
        response = client.get(reverse(f"api:{route}_list"))
    assert response.status_code == 200
    assert response.json()["count"] >= size


def test_a_catalogue_of_thousands_pages_and_searches_within_the_count(
    api_for, org, django_assert_num_queries
):
    """#15 item 6: 5,000 competencies (ESCO-sized catalogues have 14,000) are paged, searched and
    filtered in the same four queries as three (the search matches each word: 00499 and 04990–04999)."""
    from competencies.models import Competency

    category = factories.CategoryFactory()
    scale = factories.default_scale()
    Competency.objects.bulk_create(
        (Competency(category=category, scale=scale, name=f"Skill {n:05d}") for n in range(5000)),
        batch_size=1000,
    )
    client = api_for("hr")
    url = reverse("api:competency_list")
    for params, count in (
        ({}, 5000),
        ({"search": "Skill 0499"}, 11),
        ({"category": category.pk, "page": 100}, 5000),
    ):
        with django_assert_num_queries(4):
            response = client.get(url, params)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == count and len(body["results"]) == min(50, count)
