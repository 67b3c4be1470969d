"""Badges follow what happened: a level reached through a plan item, a certificate recorded, a mentee's
item completed. And what the profile pages get from qualification through competencies' hooks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from competencies import hooks
from competencies.models import Assessment
from qualification import services
from qualification.badges import badges_for
from qualification.models import PlanComment, PlanItem, QualificationPlan
from qualification.profile import anonymise, personal_data, register_profile_hooks
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    PlanItemFactory,
    QualificationPlanFactory,
    days_ago,
)
from tests.qualification.test_views import PERIOD, build_world

TODAY = timezone.localdate()


@pytest.fixture
def world(org):
    return build_world(org)


def agree(plan):
    QualificationPlan.objects.filter(pk=plan.pk).update(status="agreed")


def complete(world, *, source=Assessment.Source.MANAGER, on=None):
    services.plan_item_complete(
        item=world.item, assessed_by=world.org.users["lead_a"], source=source, assessed_on=on or days_ago(2)
    )


def test_open_items_earn_nothing_yet(world):
    assert badges_for(employee_ids=[world.org.employee.pk]) == {}


def test_completing_an_item_earns_the_level_badge_on_that_day(world):
    agree(world.plan)
    complete(world)
    [badge] = badges_for(employee_ids=[world.org.employee.pk])[world.org.employee.pk]
    assert (badge["kind"], badge["title"], badge["earned_on"]) == (
        "level",
        "Level 3 · Heat pump diagnostics",
        days_ago(2),
    )
    assert badge["plan_id"] == world.plan.pk


def test_mentor_is_recognised_when_the_mentee_completes(world):
    PlanItem.objects.filter(pk=world.item.pk).update(mentor=world.org.colleague)
    agree(world.plan)
    assert badges_for(employee_ids=[world.org.colleague.pk]) == {}
    complete(world)
    [badge] = badges_for(employee_ids=[world.org.colleague.pk])[world.org.colleague.pk]
    assert (badge["kind"], badge["title"]) == ("mentor", "Mentor · Heat pump diagnostics")
    assert badge["detail"] == "Erika Employee reached level 3"


def test_certificates_earn_a_badge_per_competency_and_show_when_expired(world):
    employee = world.org.employee
    fgas = CompetencyFactory(name="F-gas handling")
    safety = CompetencyFactory(name="Electrical safety")
    AssessmentFactory(employee=employee, competency=fgas, level=2, source="certificate",
                      assessed_on=days_ago(900), valid_until=days_ago(170))  # fmt: skip
    AssessmentFactory(employee=employee, competency=fgas, level=3, source="certificate",
                      assessed_on=days_ago(100), valid_until=days_ago(-600))  # fmt: skip
    AssessmentFactory(employee=employee, competency=safety, level=2, source="certificate",
                      assessed_on=days_ago(800), valid_until=days_ago(70))  # fmt: skip
    badges = {b["title"]: b for b in badges_for(employee_ids=[employee.pk])[employee.pk]}
    assert set(badges) == {"Certificate · F-gas handling", "Certificate · Electrical safety"}
    assert (
        badges["Certificate · F-gas handling"]["detail"],
        badges["Certificate · F-gas handling"]["expired"],
    ) == (
        "Level 3",
        False,
    )  # the renewal replaced the older certificate
    assert badges["Certificate · Electrical safety"]["expired"]


def test_completing_with_a_certificate_earns_both_badges(world):
    agree(world.plan)
    complete(world, source=Assessment.Source.CERTIFICATE)
    titles = [b["title"] for b in badges_for(employee_ids=[world.org.employee.pk])[world.org.employee.pk]]
    assert sorted(titles) == ["Certificate · Heat pump diagnostics", "Level 3 · Heat pump diagnostics"]


def test_badges_newest_first_in_two_queries_whatever_the_number(world, django_assert_num_queries):
    people = [EmployeeFactory() for _ in range(6)]
    for number, person in enumerate(people):
        plan = QualificationPlanFactory(employee=person, period=str(PERIOD), status="in_progress")
        PlanItemFactory(plan=plan, status="done", completed_on=days_ago(number), mentor=world.org.colleague)
        PlanItemFactory(plan=plan, status="done", completed_on=days_ago(10 + number))
        AssessmentFactory(employee=person, source="certificate", valid_until=None)
    with django_assert_num_queries(2):
        found = badges_for(employee_ids=[p.pk for p in people] + [world.org.colleague.pk])
    mentor = found[world.org.colleague.pk]
    assert [b["earned_on"] for b in mentor] == [days_ago(n) for n in range(6)]
    assert all(len(found[p.pk]) == 3 for p in people)


# --------------------------------------------------------------------------------------------------
# The profile page through competencies' hooks


@pytest.fixture
def profile_hooks(monkeypatch):
    for registry in ("_current_plan", "_badges", "_personal_data", "_anonymisers"):
        monkeypatch.setattr(hooks, registry, [])
    register_profile_hooks()


def test_profile_shows_the_current_plan_and_the_badges(client_for, world, profile_hooks):
    url = reverse("competencies:employee_detail", args=[world.org.employee.pk])
    content = client_for("employee").get(url).content.decode()
    assert "No current qualification plan." in content  # a draft is still being prepared
    assert "No badges earned yet." in content
    agree(world.plan)
    complete(world)
    content = client_for("employee").get(url).content.decode()
    assert f"Period {PERIOD} · Completed" in content
    assert reverse("qualification:plan_detail", args=[world.plan.pk]) in content
    assert "Level 3 · Heat pump diagnostics" in content


def test_download_my_data_and_anonymisation_cover_plans_and_comments(world, profile_hooks):
    services.plan_propose(plan=world.plan, by=world.org.users["lead_a"], message="For you, Erika")
    services.plan_agree(plan=world.plan, comment="Thanks, Erika here", by=world.org.users["employee"])
    data = personal_data(world.org.employee)
    assert [row["competency"] for row in data["qualification_plan_items"]] == ["Heat pump diagnostics"]
    assert [row["text"] for row in data["qualification_plan_comments"]] == [
        "For you, Erika",
        "Thanks, Erika here",
    ]
    anonymise(world.org.employee)
    assert set(PlanComment.objects.values_list("text", flat=True)) == {""}
    assert QualificationPlan.objects.get().employee_comment == ""


def test_current_plan_prefers_the_running_one_over_a_completed_one(world, profile_hooks):
    old = QualificationPlanFactory(employee=world.org.employee, period="2026-Q1", status="completed")
    PlanItemFactory(plan=old, status="done")
    assert hooks.current_plan(world.org.employee)["period"] == "2026-Q1"
    agree(world.plan)
    plan = hooks.current_plan(world.org.employee)
    assert (plan["period"], plan["status"]) == (str(PERIOD), "Agreed")
    assert plan["items"][0] | {"due_date": None} == {
        "competency": "Heat pump diagnostics",
        "current": 2,
        "target": 3,
        "status": "Open",
        "progress": 0,
        "due_date": None,
    }
    assert datetime.date.fromisoformat(str(PERIOD.end)) == plan["items"][0]["due_date"]
