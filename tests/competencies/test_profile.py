"""The employee's profile: radar against the role profile, history per competency, interests,
certificates, the plan and badge hooks, and a query count that does not grow with competencies."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies import hooks
from competencies.models import Assessment
from teams.review import register_competency_hooks
from tests.factories import (
    AssessmentFactory,
    CategoryFactory,
    CompetencyFactory,
    InterestFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    days_ago,
)

SELF = Assessment.Source.SELF
MANAGER = Assessment.Source.MANAGER


@pytest.fixture(autouse=True)
def competency_hooks():
    register_competency_hooks()


def url(employee):
    return reverse("competencies:employee_detail", kwargs={"employee_id": employee.pk})


def _profile_of(org, count):
    """Erika with a role profile of ``count`` competencies, a history in each and an interest."""
    profile = RoleProfileFactory()
    categories = [CategoryFactory() for _ in range(6)]
    for index in range(count):
        competency = CompetencyFactory(category=categories[index % 6])
        RoleRequirementFactory(role_profile=profile, competency=competency, target_level=3)
        AssessmentFactory(
            employee=org.employee, competency=competency, level=1, source=SELF, assessed_on=days_ago(300)
        )
        AssessmentFactory(
            employee=org.employee, competency=competency, level=2, source=MANAGER, assessed_on=days_ago(200)
        )
        if index % 3 == 0:
            InterestFactory(employee=org.employee, competency=competency, target_level=4)
    org.employee.role_profile = profile
    org.employee.save()


def test_profile_shows_radar_history_interests_and_certificates(client_for, org):
    _profile_of(org, 5)
    # In a category of its own after the others: the first history figure is one of the rated five
    # (factory names sort by sequence number, "Category 10" before "Category 9").
    fgas = CompetencyFactory(
        name="F-gas", category=CategoryFactory(position=1), requires_certificate=True, validity_months=24
    )
    AssessmentFactory(
        employee=org.employee,
        competency=fgas,
        level=3,
        source=Assessment.Source.CERTIFICATE,
        assessed_on=days_ago(700),
        valid_until=days_ago(-20),
    )
    response = client_for("employee").get(url(org.employee))
    assert response.status_code == 200
    radar = response.context["radar_figure"]
    assert [trace["type"] for trace in radar["data"]] == ["scatterpolar", "scatterpolar"]
    assert len(radar["data"][1]["r"]) == 6  # five spokes, closed
    history = response.context["history_figures"]
    assert len(history) == 6
    assert {trace["name"] for trace in next(iter(history.values()))["data"]} == {"Confirmed", "Self-assessed"}
    assert len(response.context["interests"]) == 2
    certificate = response.context["certificates"][0]
    assert (certificate["competency"].name, certificate["days_left"], certificate["expiring"]) == (
        "F-gas",
        20,
        True,
    )
    content = response.content.decode()
    assert 'id="radar-figure"' in content and 'id="history-figures"' in content
    assert "expires in 20 days" in content
    json.loads(content.split('id="history-figures" type="application/json">')[1].split("</script>")[0])


def test_plan_and_badges_come_from_the_hooks(client_for, org, monkeypatch):
    monkeypatch.setattr(hooks, "_current_plan", [])
    monkeypatch.setattr(hooks, "_badges", [])
    monkeypatch.setattr(hooks, "_plan_and_badges", [])
    content = client_for("employee").get(url(org.employee)).content.decode()
    assert "No current qualification plan." in content
    assert "Badges are earned by completing qualification plan items" in content
    hooks.register_current_plan(
        lambda employee: {
            "period": "2027-Q1",
            "status": "agreed",
            "items": [
                {
                    "competency": "Heat pump diagnostics",
                    "current": 2,
                    "target": 3,
                    "status": "open",
                    "progress": 0,
                }
            ],
        }
    )
    hooks.register_badges(
        lambda employee, certificates=(): [{"title": "Level 3 · De-escalation", "earned_on": days_ago(3)}]
    )
    content = client_for("employee").get(url(org.employee)).content.decode()
    assert "Period 2027-Q1" in content and "Heat pump diagnostics" in content
    assert "Level 3 · De-escalation" in content


def test_own_profile_offers_self_assessment_and_data_download(client_for, org):
    content = client_for("employee").get(url(org.employee)).content.decode()
    assert reverse("competencies:self_assessment") in content
    assert reverse("competencies:my_data_export", kwargs={"fmt": "xlsx"}) in content
    assert reverse("competencies:certificate_create", kwargs={"employee_id": org.employee.pk}) not in content


def test_lead_sees_review_and_certificate_actions_hr_also_history(client_for, org):
    lead = client_for("lead_a").get(url(org.employee)).content.decode()
    assert reverse("competencies:certificate_create", kwargs={"employee_id": org.employee.pk}) in lead
    assert reverse("competencies:employee_history", kwargs={"employee_id": org.employee.pk}) not in lead
    hr = client_for("hr").get(url(org.employee)).content.decode()
    assert reverse("competencies:employee_history", kwargs={"employee_id": org.employee.pk}) in hr


@pytest.mark.parametrize("count", [10, 80])
def test_own_profile_takes_at_most_nine_queries(client_for, org, count, django_assert_max_num_queries):
    _profile_of(org, count)
    client = client_for("employee")
    with django_assert_max_num_queries(9):
        response = client.get(url(org.employee))
    assert len(response.context["radar"]) == count


@pytest.mark.parametrize("count", [10, 80])
def test_profile_seen_by_the_lead_takes_nine_queries_and_the_read_audit(client_for, org, count):
    _profile_of(org, count)
    client = client_for("lead_a")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(org.employee))
    assert response.status_code == 200 and len(response.context["radar"]) == count
    # A lead's view also works out whom the viewer leads (the team tree, read with the person's teams
    # flagged) and the viewer's groups; the viewer's own record comes with the person's. Recording the
    # read in the audit log adds one INSERT.
    sql = [query["sql"] for query in queries.captured_queries]
    audit = [text for text in sql if text.startswith('INSERT INTO "competencies_auditentry"')]
    assert len(audit) <= 1
    assert len(sql) - len(audit) <= 9, [text[:90] for text in sql]
    assert len(sql) <= 10


def test_profile_query_count_does_not_grow_with_competencies(client_for, org):
    counts = []
    for extra in (10, 70):
        _profile_of(org, extra)
        client = client_for("employee")
        with CaptureQueriesContext(connection) as queries:
            client.get(url(org.employee))
        counts.append(len(queries))
    assert counts[0] == counts[1]
