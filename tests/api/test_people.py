"""Employees and assessments: who sees whom, who records what, and append-only history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from competencies.models import Assessment
from tests import factories

EMPLOYEES = reverse("api:employee_list")
ASSESSMENTS = reverse("api:assessment_list")


def employee_url(pk):
    return reverse("api:employee_detail", kwargs={"pk": pk})


def assessment_url(pk):
    return reverse("api:assessment_detail", kwargs={"pk": pk})


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("employee", {"employee"}),
        ("lead_a", {"employee", "colleague"}),
        ("lead_b", {"member_b"}),
        ("lead_dept", {"employee", "colleague", "member_b"}),
        ("hr", {"employee", "colleague", "member_b"}),
        ("admin", {"employee", "colleague", "member_b"}),
    ],
)
def test_employee_list_holds_only_people_within_reach(api_for, org, role, visible):
    assert ids(api_for(role).get(EMPLOYEES)) == {getattr(org, name).pk for name in visible}


def test_employee_outside_reach_is_not_found(api_for, org):
    response = api_for("lead_b").get(employee_url(org.colleague.pk))
    assert response.status_code == 404
    assert "Carl" not in response.content.decode()


def test_employee_record_shows_interests(api_for, org, catalogue):
    factories.InterestFactory(employee=org.employee, competency=catalogue.competency, target_level=3)
    body = api_for("employee").get(employee_url(org.employee.pk)).json()
    assert body["interests"] == [{"competency": catalogue.competency.pk, "target_level": 3}]
    assert body["personnel_no"] == org.employee.personnel_no


def test_employees_filter_by_team_role_profile_and_activity(api_for, org, catalogue):
    org.colleague.role_profile = catalogue.role_profile
    org.colleague.save()
    factories.EmployeeFactory(name="Former", is_active=False)
    client = api_for("hr")
    assert ids(client.get(EMPLOYEES, {"team": org.team_b.pk})) == {org.member_b.pk}
    assert ids(client.get(EMPLOYEES, {"role_profile": catalogue.role_profile.pk})) == {org.colleague.pk}
    assert len(ids(client.get(EMPLOYEES, {"is_active": "false"}))) == 1


def test_team_filter_never_widens_reach(api_for, org):
    assert ids(api_for("lead_a").get(EMPLOYEES, {"team": org.team_b.pk})) == set()


def test_invalid_filter_value_is_a_400(api_for, org):
    response = api_for("hr").get(EMPLOYEES, {"team": "north"})
    assert response.status_code == 400
    assert "team" in response.json()


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_create_and_update_employees(api_for, org, role):
    client = api_for(role)
    response = client.post(EMPLOYEES, {"personnel_no": "P-7777", "name": "New Person"}, format="json")
    assert response.status_code == 201, response.json()
    url = employee_url(response.json()["id"])
    response = client.patch(url, {"is_active": False, "left_on": "2026-01-31"}, format="json")
    assert response.status_code == 200
    assert response.json()["left_on"] == "2026-01-31"


@pytest.mark.parametrize("role", ["employee", "lead_a"])
def test_others_cannot_change_employees(api_for, org, role):
    client = api_for(role)
    assert client.post(EMPLOYEES, {"personnel_no": "P-7777", "name": "X"}, format="json").status_code == 403
    assert client.patch(employee_url(org.employee.pk), {"name": "Renamed"}, format="json").status_code == 403


@pytest.mark.parametrize("role", ["employee", "hr", "admin"])
def test_nobody_deletes_an_employee(api_for, org, role):
    assert api_for(role).delete(employee_url(org.employee.pk)).status_code == 405


def test_a_leaver_cannot_stay_active(api_for, org):
    response = api_for("hr").patch(employee_url(org.colleague.pk), {"left_on": "2026-01-31"}, format="json")
    assert response.status_code == 400
    assert "is_active" in response.json()


def test_personnel_number_is_unique(api_for, org):
    payload = {"personnel_no": org.colleague.personnel_no, "name": "Twin"}
    assert api_for("hr").post(EMPLOYEES, payload, format="json").status_code == 400


def test_a_login_belongs_to_one_employee(api_for, org):
    payload = {"personnel_no": "P-8888", "name": "Twin", "user": org.users["employee"].pk}
    response = api_for("hr").post(EMPLOYEES, payload, format="json")
    assert response.status_code == 400
    assert "user" in response.json()


# Assessments


@pytest.fixture
def history(org, catalogue):
    """One assessment for each of the three people in ``org``."""
    return {
        name: factories.AssessmentFactory(employee=getattr(org, name), competency=catalogue.competency)
        for name in ("employee", "colleague", "member_b")
    }


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("employee", {"employee"}),
        ("lead_a", {"employee", "colleague"}),
        ("lead_b", {"member_b"}),
        ("hr", {"employee", "colleague", "member_b"}),
    ],
)
def test_assessment_list_holds_only_people_within_reach(api_for, history, role, visible):
    assert ids(api_for(role).get(ASSESSMENTS)) == {history[name].pk for name in visible}


def test_assessments_filter_by_source_competency_and_date(api_for, org, catalogue):
    today = timezone.localdate()
    old = factories.AssessmentFactory(
        employee=org.colleague, competency=catalogue.competency, assessed_on=today - datetime.timedelta(400)
    )
    recent = factories.AssessmentFactory(
        employee=org.colleague, competency=catalogue.other_competency, source="self", assessed_on=today
    )
    client = api_for("lead_a")
    assert ids(client.get(ASSESSMENTS, {"source": "self"})) == {recent.pk}
    assert ids(client.get(ASSESSMENTS, {"competency": catalogue.competency.pk})) == {old.pk}
    since = (today - datetime.timedelta(30)).isoformat()
    assert ids(client.get(ASSESSMENTS, {"assessed_on_after": since})) == {recent.pk}
    assert ids(client.get(ASSESSMENTS, {"assessed_on_before": since, "employee": org.colleague.pk})) == {
        old.pk
    }


def post(client, employee, competency, **fields):
    payload = {
        "employee": employee.pk,
        "competency": competency.pk,
        "level": 3,
        "source": "manager",
        **fields,
    }
    return client.post(ASSESSMENTS, payload, format="json")


def test_employee_records_a_self_assessment(api_for, org, catalogue):
    response = post(api_for("employee"), org.employee, catalogue.competency, source="self")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source"] == "self"
    assert body["assessed_by"] == org.users["employee"].pk
    assert body["assessed_on"] == timezone.localdate().isoformat()
    assert Assessment.objects.get(pk=body["id"]).level == 3


def test_employee_cannot_confirm_own_level(api_for, org, catalogue):
    response = post(api_for("employee"), org.employee, catalogue.competency, source="manager")
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_employee_cannot_assess_a_colleague(api_for, org, catalogue):
    # The colleague is outside the employee's reach: as if there were no such person.
    response = post(api_for("employee"), org.colleague, catalogue.competency, source="self")
    assert response.status_code == 400
    assert "does not exist" in response.json()["employee"][0]


def test_lead_confirms_a_team_members_level(api_for, org, catalogue):
    response = post(api_for("lead_a"), org.colleague, catalogue.competency, note="observed on site")
    assert response.status_code == 201, response.json()
    assert response.json()["assessed_by"] == org.users["lead_a"].pk


def test_lead_cannot_self_assess_someone_else(api_for, org, catalogue):
    response = post(api_for("lead_a"), org.colleague, catalogue.competency, source="self")
    assert response.status_code == 403
    assert "self-assessment" in response.json()["detail"]


def test_lead_of_another_team_cannot_reach_the_member(api_for, org, catalogue):
    assert post(api_for("lead_b"), org.colleague, catalogue.competency).status_code == 400


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_record_certificates(api_for, org, catalogue, role):
    catalogue.competency.requires_certificate = True
    catalogue.competency.validity_months = 24
    catalogue.competency.save()
    response = post(api_for(role), org.member_b, catalogue.competency, source="certificate")
    assert response.status_code == 201, response.json()
    assert response.json()["valid_until"] is not None


def test_import_source_is_not_for_the_api(api_for, org, catalogue):
    response = post(api_for("hr"), org.member_b, catalogue.competency, source="import")
    assert response.status_code == 400
    assert "source" in response.json()


def test_level_outside_the_scale_is_refused(api_for, org, catalogue):
    response = post(api_for("lead_a"), org.colleague, catalogue.competency, level=5)
    assert response.status_code == 400
    assert response.json()["level"] == [
        "Level 5 is not on the scale of Heat pump diagnostics (allowed: 0, 1, 2, 3, 4)."
    ]


def test_level_on_a_shorter_scale_is_refused(api_for, org, catalogue):
    short = factories.ScaleFactory(name="Yes/no", levels=[(0, "no"), (1, "yes")])
    competency = factories.CompetencyFactory(scale=short)
    response = post(api_for("hr"), org.colleague, competency, level=2)
    assert response.status_code == 400
    assert "allowed: 0, 1" in response.json()["level"][0]


def test_future_assessment_date_is_refused(api_for, org, catalogue):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post(api_for("lead_a"), org.colleague, catalogue.competency, assessed_on=tomorrow)
    assert response.status_code == 400
    assert "future" in response.json()["assessed_on"][0]


def test_validity_cannot_end_before_the_assessment(api_for, org, catalogue):
    response = post(
        api_for("lead_a"),
        org.colleague,
        catalogue.competency,
        assessed_on="2026-01-10",
        valid_until="2026-01-01",
    )
    assert response.status_code == 400
    assert "valid_until" in response.json()


def test_recorded_by_is_not_writable(api_for, org, catalogue):
    response = post(api_for("lead_a"), org.colleague, catalogue.competency, assessed_by=org.users["hr"].pk)
    assert response.status_code == 400
    assert response.json() == {"assessed_by": ["Unknown field."]}


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("role", ["employee", "lead_a", "hr", "admin"])
def test_assessments_are_append_only(api_for, history, method, role):
    response = getattr(api_for(role), method)(
        assessment_url(history["employee"].pk), {"level": 4}, format="json"
    )
    assert response.status_code == 405
    assert Assessment.objects.get(pk=history["employee"].pk).level == 2


def test_non_numeric_id_is_a_json_404(api_for, org):
    response = api_for("hr").get("/api/v1/employees/abc/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
