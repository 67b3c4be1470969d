"""Qualification plans, their items and jobs through the API (measures: see test_catalogue.py)."""

import pytest
from django.urls import reverse

from tests import factories

PLANS = reverse("api:plan_list")
ITEMS = reverse("api:plan_item_list")
JOBS = reverse("api:job_list")


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def plans(org, catalogue):
    found = {}
    for name in ("employee", "colleague", "member_b"):
        plan = factories.QualificationPlanFactory(employee=getattr(org, name), period="2027-Q1")
        factories.PlanItemFactory(plan=plan, competency=catalogue.competency, measure=catalogue.measure)
        found[name] = plan
    return found


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("employee", {"employee"}),
        ("lead_a", {"employee", "colleague"}),
        ("lead_b", {"member_b"}),
        ("hr", {"employee", "colleague", "member_b"}),
        ("admin", {"employee", "colleague", "member_b"}),
    ],
)
def test_plans_and_items_are_visible_with_their_employee(api_for, plans, role, visible):
    client = api_for(role)
    assert ids(client.get(PLANS)) == {plans[name].pk for name in visible}
    items = client.get(ITEMS).json()["results"]
    assert {item["plan"] for item in items} == {plans[name].pk for name in visible}


def test_plan_carries_its_items(api_for, plans, catalogue):
    url = reverse("api:plan_detail", kwargs={"pk": plans["employee"].pk})
    body = api_for("employee").get(url).json()
    assert body["period"] == "2027-Q1"
    assert body["status"] == "draft"
    [item] = body["items"]
    assert (item["competency"], item["current_level"], item["target_level"]) == (
        catalogue.competency.pk,
        1,
        3,
    )
    assert item["measure"] == catalogue.measure.pk


def test_plans_filter_by_period_status_and_employee(api_for, plans, org):
    later = factories.QualificationPlanFactory(employee=org.colleague, period="2027-Q2", status="agreed")
    client = api_for("hr")
    assert ids(client.get(PLANS, {"period": "2027-Q2"})) == {later.pk}
    assert ids(client.get(PLANS, {"status": "agreed"})) == {later.pk}
    assert ids(client.get(PLANS, {"employee": org.colleague.pk})) == {plans["colleague"].pk, later.pk}


def test_malformed_period_filter_is_a_400(api_for, plans):
    response = api_for("hr").get(PLANS, {"period": "Q1/2027"})
    assert response.status_code == 400
    assert "2027-Q1" in response.json()["period"][0]


def test_plan_outside_reach_is_not_found(api_for, plans):
    url = reverse("api:plan_detail", kwargs={"pk": plans["colleague"].pk})
    assert api_for("lead_b").get(url).status_code == 404


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_plans_are_read_only_here(api_for, plans, org, role):
    client = api_for(role)
    url = reverse("api:plan_detail", kwargs={"pk": plans["employee"].pk})
    assert (
        client.post(PLANS, {"employee": org.employee.pk, "period": "2027-Q3"}, format="json").status_code
        == 405
    )
    assert client.patch(url, {"status": "agreed"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405


@pytest.fixture
def jobs(org):
    return {role: factories.JobFactory(owner=org.users[role]) for role in ("employee", "lead_a", "hr")}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("employee", {"employee"}),
        ("lead_a", {"lead_a"}),
        ("lead_b", set()),
        ("hr", {"employee", "lead_a", "hr"}),
        ("admin", {"employee", "lead_a", "hr"}),
    ],
)
def test_jobs_are_visible_to_their_owner_and_hr(api_for, jobs, role, visible):
    assert ids(api_for(role).get(JOBS)) == {jobs[owner].pk for owner in visible}


def test_job_shows_progress(api_for, jobs):
    body = api_for("lead_a").get(reverse("api:job_detail", kwargs={"pk": jobs["lead_a"].pk})).json()
    assert (body["kind"], body["status"], body["progress"]) == ("generate_plans", "queued", 0)


def test_jobs_filter_by_status(api_for, jobs):
    jobs["hr"].status = "failed"
    jobs["hr"].save()
    assert ids(api_for("admin").get(JOBS, {"status": "failed"})) == {jobs["hr"].pk}


def test_jobs_filter_by_a_registered_kind_and_refuse_an_unknown_one(api_for, jobs):
    export = factories.JobFactory(owner=jobs["hr"].owner, kind="export_plans")
    assert ids(api_for("hr").get(JOBS, {"kind": "export_plans"})) == {export.pk}
    assert api_for("hr").get(JOBS, {"kind": "no_such_kind"}).status_code == 400
