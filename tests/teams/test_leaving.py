"""Recording that someone left ends their open memberships on that day (SPEC, Teams/Membership), whoever
records it: the service, the API or the admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from competencies.models import Employee
from competencies.services import employee_save
from teams.models import Membership
from tests.factories import MembershipFactory, days_ago

LEFT_ON = days_ago(30)
DAY_AFTER = LEFT_ON + datetime.timedelta(days=1)


def leave(employee, on=LEFT_ON):
    employee.is_active = False
    employee.left_on = on
    return employee_save(employee=employee)


def ends(employee):
    return sorted(
        (membership.team_id, membership.end) for membership in Membership.objects.filter(employee=employee)
    )


def test_leaving_ends_open_memberships_on_that_day(org):
    MembershipFactory(employee=org.colleague, team=org.team_b, start=days_ago(100))
    leave(org.colleague)
    assert ends(org.colleague) == [(org.team_a.pk, LEFT_ON), (org.team_b.pk, LEFT_ON)]


def test_leaving_ends_memberships_that_would_end_later(org):
    Membership.objects.filter(employee=org.colleague).update(end=days_ago(-60))
    leave(org.colleague)
    assert ends(org.colleague) == [(org.team_a.pk, LEFT_ON)]


def test_leaving_keeps_memberships_that_ended_by_then(org):
    ended_before = days_ago(200)
    MembershipFactory(employee=org.colleague, team=org.team_b, start=days_ago(300), end=ended_before)
    Membership.objects.filter(employee=org.colleague, team=org.team_a).update(end=LEFT_ON)
    leave(org.colleague)
    assert ends(org.colleague) == [(org.team_a.pk, LEFT_ON), (org.team_b.pk, ended_before)]


def test_leaving_on_the_first_day_of_a_membership_ends_it_that_day(org):
    MembershipFactory(employee=org.colleague, team=org.team_b, start=LEFT_ON)
    leave(org.colleague)
    assert ends(org.colleague) == [(org.team_a.pk, LEFT_ON), (org.team_b.pk, LEFT_ON)]


def test_leaving_does_not_touch_other_peoples_memberships(org):
    leave(org.colleague)
    assert ends(org.employee) == [(org.team_a.pk, None)]
    assert ends(org.member_b) == [(org.team_b.pk, None)]


def test_leaving_before_a_membership_starts_is_refused_and_changes_nothing(org):
    MembershipFactory(employee=org.colleague, team=org.team_b, start=LEFT_ON + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        leave(org.colleague)
    assert "Field Service South" in str(refused.value.message_dict["left_on"])
    org.colleague.refresh_from_db()
    assert org.colleague.left_on is None
    assert ends(org.colleague) == [(org.team_a.pk, None), (org.team_b.pk, None)]


def test_saving_a_leaver_again_changes_no_membership(org):
    leave(org.colleague)
    # Rejoining later is recorded as a membership of its own; renaming the leaver does not end it.
    rejoined = MembershipFactory(
        employee=org.colleague, team=org.team_b, start=LEFT_ON + datetime.timedelta(1)
    )
    org.colleague.name = "Carl Renamed"
    employee_save(employee=org.colleague)
    rejoined.refresh_from_db()
    assert rejoined.end is None


def test_moving_the_leaving_date_earlier_ends_memberships_on_the_new_day(org):
    leave(org.colleague)
    earlier = LEFT_ON - datetime.timedelta(days=10)
    leave(org.colleague, on=earlier)
    assert ends(org.colleague) == [(org.team_a.pk, earlier)]


def test_a_new_employee_who_already_left_is_saved(db):
    employee = employee_save(
        employee=Employee(personnel_no="P-7", name="Gone", is_active=False, left_on=LEFT_ON)
    )
    assert Employee.objects.get(pk=employee.pk).left_on == LEFT_ON


# Through the API -----------------------------------------------------------------------------------------


@pytest.fixture
def hr_api(org):
    client = APIClient()
    client.force_login(org.users["hr"])
    return client


def gap_member_ids(client, team, on):
    url = reverse("api:team_gap_analysis", kwargs={"team_id": team.pk})
    response = client.get(url, {"date": on.isoformat()})
    assert response.status_code == 200
    return [member["employee"]["id"] for member in response.json()["members"]]


def test_leave_recorded_through_the_api_ends_memberships(hr_api, org):
    assert org.colleague.pk in gap_member_ids(hr_api, org.team_a, LEFT_ON + datetime.timedelta(days=1))
    url = reverse("api:employee_detail", kwargs={"pk": org.colleague.pk})
    response = hr_api.patch(url, {"is_active": False, "left_on": LEFT_ON.isoformat()}, format="json")
    assert response.status_code == 200
    assert ends(org.colleague) == [(org.team_a.pk, LEFT_ON)]
    assert org.colleague.pk in gap_member_ids(hr_api, org.team_a, LEFT_ON)
    assert org.colleague.pk not in gap_member_ids(hr_api, org.team_a, LEFT_ON + datetime.timedelta(days=1))


def test_leave_before_a_later_membership_is_a_400_through_the_api(hr_api, org):
    MembershipFactory(employee=org.colleague, team=org.team_b, start=LEFT_ON + datetime.timedelta(days=5))
    url = reverse("api:employee_detail", kwargs={"pk": org.colleague.pk})
    response = hr_api.patch(url, {"is_active": False, "left_on": LEFT_ON.isoformat()}, format="json")
    assert response.status_code == 400
    assert "Field Service South" in str(response.json()["left_on"])
    org.colleague.refresh_from_db()
    assert org.colleague.left_on is None


def test_employee_created_through_the_api_is_saved(hr_api, org):
    response = hr_api.post(
        reverse("api:employee_list"), {"personnel_no": "P-0777", "name": "New Person"}, format="json"
    )
    assert response.status_code == 201
    assert Employee.objects.get(pk=response.json()["id"]).name == "New Person"


# Through the admin ---------------------------------------------------------------------------------------


def admin_form(employee, **changes):
    data = {
        "personnel_no": employee.personnel_no,
        "name": employee.name,
        "email": employee.email,
        "user": employee.user_id or "",
        "role_profile": employee.role_profile_id or "",
        "is_active": "on" if employee.is_active else "",
        "left_on": "",
        "interest_set-TOTAL_FORMS": "0",
        "interest_set-INITIAL_FORMS": "0",
        "interest_set-MIN_NUM_FORMS": "0",
        "interest_set-MAX_NUM_FORMS": "1000",
        **changes,
    }
    return {key: value for key, value in data.items() if value != "" or key == "left_on"}


def test_leave_recorded_in_the_admin_ends_memberships(client_for, org):
    url = reverse("admin:competencies_employee_change", args=[org.colleague.pk])
    response = client_for("admin").post(
        url, admin_form(org.colleague, is_active="", left_on=LEFT_ON.isoformat())
    )
    assert response.status_code == 302
    assert ends(org.colleague) == [(org.team_a.pk, LEFT_ON)]


def test_leave_before_a_later_membership_is_refused_in_the_admin(client_for, org):
    MembershipFactory(employee=org.colleague, team=org.team_b, start=LEFT_ON + datetime.timedelta(days=5))
    url = reverse("admin:competencies_employee_change", args=[org.colleague.pk])
    response = client_for("admin").post(
        url, admin_form(org.colleague, is_active="", left_on=LEFT_ON.isoformat())
    )
    assert response.status_code == 200
    assert "Field Service South" in response.content.decode()
    org.colleague.refresh_from_db()
    assert org.colleague.left_on is None
