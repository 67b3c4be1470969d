"""teams.selectors: who is a member on a date."""

import datetime

from django.urls import reverse

from teams.gaps.team import team_dashboard
from teams.selectors import memberships_active
from tests.factories import EmployeeFactory, MembershipFactory

LEFT = datetime.date(2026, 9, 30)
DAY_AFTER = LEFT + datetime.timedelta(days=1)


def _leaver(team):
    leaver = EmployeeFactory(is_active=False, left_on=LEFT)
    MembershipFactory(employee=leaver, team=team, start=datetime.date(2025, 1, 1), end=None)
    return leaver


def test_person_who_left_is_a_member_on_the_last_day_and_no_member_after(org):
    leaver = _leaver(org.team_a)
    assert memberships_active(on=LEFT).filter(employee=leaver).exists()
    assert not memberships_active(on=DAY_AFTER).filter(employee=leaver).exists()


def test_gap_analysis_does_not_list_a_person_after_they_left(org, client_for):
    leaver = _leaver(org.team_a)
    path = reverse("api:team_gap_analysis", kwargs={"team_id": org.team_a.pk})
    on_last_day = client_for("hr").get(f"{path}?date={LEFT}").json()
    after = client_for("hr").get(f"{path}?date={DAY_AFTER}").json()
    assert leaver.pk in [m["employee"]["id"] for m in on_last_day["members"]]
    assert leaver.pk not in [m["employee"]["id"] for m in after["members"]]


def test_membership_api_active_on_leaves_out_a_person_who_left(org, client_for):
    leaver = _leaver(org.team_a)
    response = client_for("hr").get("/api/v1/memberships/", {"active_on": DAY_AFTER.isoformat()})
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert response.status_code == 200
    assert leaver.pk not in [row["employee"] for row in rows]
    response = client_for("hr").get("/api/v1/memberships/", {"active_on": LEFT.isoformat()})
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert leaver.pk in [row["employee"] for row in rows]


def test_dashboard_counts_a_person_who_left_until_that_day_only(org):
    leaver = _leaver(org.team_a)
    before = team_dashboard(team=org.team_a, on=LEFT)
    after = team_dashboard(team=org.team_a, on=DAY_AFTER)
    assert leaver.pk in [m["id"] for m in before["members"]]
    assert leaver.pk not in [m["id"] for m in after["members"]]
