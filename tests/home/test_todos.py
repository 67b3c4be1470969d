"""The to-do lists of the home page, per role (#14 item 1)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from competencies.todos import todo_context, todos_for
from jobs.models import Job
from qualification.models import QualificationPlan
from tests import factories

from .conftest import MANY


def _items(user):
    return todos_for(todo_context(user=user, on=timezone.localdate()))


def _kinds(items):
    return [item.kind for item in items]


def test_employee_sees_campaign_plan_to_accept_items_due_and_expiring_certificate(busy):
    found = _items(busy.users["employee"])
    assert set(found) == {"employee"}
    items = found["employee"]
    assert _kinds(items) == ["campaign", "plan_proposed", "item_due", "item_due", "certificate_own"]
    assert items[0].url == reverse("competencies:self_assessment")
    assert items[1].url == reverse("qualification:plan_detail", args=[busy.proposed.pk])
    assert "was due on" in items[2].text and "is due on" in items[3].text
    assert "Electrical safety" in items[4].text


def test_submitted_campaign_and_done_item_are_no_longer_to_dos(busy):
    from competencies.models import AuditEntry

    AuditEntry.objects.create(employee=busy.employee, action=AuditEntry.Action.SELF_SUBMITTED)
    items = _items(busy.users["employee"])["employee"]
    assert "campaign" not in _kinds(items)
    assert len([k for k in _kinds(items) if k == "item_due"]) == 2


def test_lead_sees_reviews_per_team_drafts_gaps_a_confirmation_closes_and_certificates(busy):
    items = _items(busy.users["lead_a"])["lead"]
    kinds = _kinds(items)
    review = items[kinds.index("review")]
    assert review.count == MANY and review.url == reverse("teams:review_queue", args=[busy.team_a.pk])
    drafts = items[kinds.index("drafts")]
    assert drafts.count == MANY and drafts.action["url"] == reverse("propose_drafts")
    assert kinds.count("gap_closable") == MANY
    # The members' and the employee's (a member of team A too).
    assert kinds.count("certificate_team") == MANY + 1
    assert "employee" not in _items(busy.users["lead_a"])


def test_lead_of_another_team_sees_nothing_of_team_a(busy):
    assert "lead" not in _items(busy.users["lead_b"])


def test_department_head_sees_the_subtree_and_teams_below_the_threshold(busy):
    found = _items(busy.lead_dept)
    # Both teams below the department are short of what they require (team A: nobody confirmed at 3).
    assert sorted(item.params["team"] for item in found["head"]) == [busy.team_a.name, busy.team_b.name]
    assert reverse("teams:dashboard", args=[busy.team_b.pk]) in [item.url for item in found["head"]]
    assert _kinds(found["lead"]).count("review") == 1


def test_hr_sees_rejected_imports_only(busy):
    rejected = factories.JobFactory(
        kind="import_assessments",
        status=Job.Status.SUCCEEDED,
        parameters={"filename": "levels.xlsx"},
        result={"rejected": True, "problem_count": 3},
        finished_at=timezone.now(),
    )
    factories.JobFactory(
        kind="import_assessments",
        status=Job.Status.SUCCEEDED,
        result={"rejected": False},
        finished_at=timezone.now(),
    )
    items = _items(busy.users["hr"])["hr"]
    assert [item.url for item in items] == [reverse("jobs:job_detail", args=[rejected.pk])]
    assert "levels.xlsx" in items[0].text and "3 problems" in items[0].text


@pytest.mark.parametrize("role", ["employee", "lead_a", "lead_dept", "hr", "admin"])
def test_home_lists_the_to_dos_with_their_count_in_the_navigation(client_for, busy, role):
    html = client_for(role).get(reverse("home")).content.decode()
    assert 'id="todos"' in html
    if role in ("employee", "lead_a", "lead_dept"):
        assert 'data-testid="todo-count"' in html


@pytest.mark.parametrize("role", ["employee", "lead_a", "lead_dept", "hr", "admin"])
def test_home_takes_at_most_ten_queries_whatever_the_number_of_items(
    client_for, busy, role, django_assert_max_num_queries
):
    for index in range(8):
        factories.JobFactory(
            kind="import_assessments",
            status=Job.Status.SUCCEEDED,
            parameters={"filename": f"levels-{index}.xlsx"},
            result={"rejected": True, "problem_count": index + 1},
            finished_at=timezone.now(),
        )
    client = client_for(role)
    client.get(reverse("home"))  # the gap analyses are cached from here on, as in use
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_lead_home_query_count_does_not_grow_with_more_items(client_for, busy, django_assert_max_num_queries):
    client = client_for("lead_a")
    for index in range(10):
        person = factories.EmployeeFactory(name=f"More {index}")
        factories.MembershipFactory(employee=person, team=busy.team_a)
        factories.AssessmentFactory(employee=person, competency=busy.heat_pump, level=1)
        factories.AssessmentFactory(employee=person, competency=busy.heat_pump, level=3, source="self")
        factories.PlanItemFactory(
            plan=factories.QualificationPlanFactory(employee=person), competency=busy.safety
        )
    client.get(reverse("home"))
    with django_assert_max_num_queries(10):
        client.get(reverse("home"))


def test_propose_all_drafts_proposes_every_listed_plan_in_one_go(client_for, busy):
    drafts = _items(busy.users["lead_a"])["lead"]
    action = next(item.action for item in drafts if item.kind == "drafts")
    response = client_for("lead_a").post(action["url"], action["fields"], follow=True)
    assert response.status_code == 200
    assert f"{MANY} plans of {busy.team_a.name} for 2027-Q1 were proposed" in response.content.decode()
    assert QualificationPlan.objects.filter(employee__in=busy.members, status="proposed").count() == MANY


def test_a_stale_propose_all_answers_with_a_message_and_changes_nothing(client_for, busy):
    action = next(item.action for item in _items(busy.users["lead_a"])["lead"] if item.kind == "drafts")
    first = QualificationPlan.objects.get(employee=busy.members[0])
    first.status = QualificationPlan.Status.PROPOSED
    first.save()
    response = client_for("lead_a").post(action["url"], action["fields"], follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was proposed" in html and "Member 00 (proposed)" in html
    assert QualificationPlan.objects.filter(employee__in=busy.members, status="draft").count() == MANY - 1
    # Used again after everything was proposed: still a message, never a 500.
    QualificationPlan.objects.filter(employee__in=busy.members).update(status="proposed")
    again = client_for("lead_a").post(action["url"], action["fields"], follow=True)
    assert again.status_code == 200 and "Nothing was proposed" in again.content.decode()


def test_propose_all_is_refused_to_a_lead_of_another_team(client_for, busy):
    action = next(item.action for item in _items(busy.users["lead_a"])["lead"] if item.kind == "drafts")
    assert client_for("lead_b").post(action["url"], action["fields"]).status_code == 403
    assert client_for("employee").post(action["url"], action["fields"]).status_code == 403
    assert QualificationPlan.objects.filter(employee__in=busy.members, status="draft").count() == MANY


def test_the_coverage_threshold_is_a_setting(busy, settings):
    settings.SERVICELEAD_TODO_COVERAGE_THRESHOLD = 0.0
    assert "head" not in _items(busy.lead_dept)


def test_a_lead_is_not_asked_to_review_their_own_self_assessments(busy):
    from teams.models import Membership

    lead = busy.members[0]
    lead.user = busy.users["lead_a"]
    lead.save()
    items = _items(busy.users["lead_a"])["lead"]
    assert next(item for item in items if item.kind == "review").count == MANY - 1
    assert Membership.objects.filter(employee=lead).exists()


def test_a_lead_does_not_propose_their_own_plan(busy):
    busy.members[0].user = busy.users["lead_a"]
    busy.members[0].save()
    drafts = next(item for item in _items(busy.users["lead_a"])["lead"] if item.kind == "drafts")
    assert drafts.count == MANY - 1


def test_drafts_of_the_nearest_period_come_first_across_teams(busy):
    # Team B (the later id) has a draft for an earlier period than team A's.
    person = factories.EmployeeFactory(name="Team B person")
    factories.MembershipFactory(employee=person, team=busy.team_b)
    factories.PlanItemFactory(plan=factories.QualificationPlanFactory(employee=person, period="2026-Q4"))
    drafts = [item for item in _items(busy.lead_dept)["lead"] if item.kind == "drafts"]
    assert [(item.params["period"], item.params["team"]) for item in drafts] == [
        ("2026-Q4", busy.team_b.name),
        ("2027-Q1", busy.team_a.name),
    ]
