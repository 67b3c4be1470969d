"""The privacy threshold (docs/domain.md): small groups and groups found by subtraction are hidden from
readers who may not see the people; team leads learn how many hold a level elsewhere only as a count above
the threshold, and ask through a staffing request that those who may see names answer."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse

from competencies.privacy_threshold import hidden_siblings, nested_counts, validate
from teams.models import StaffingRequest, StaffingRequestEvent, TeamRequirement
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


# The rule ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-3", "five", "", "2.5"])
def test_a_threshold_below_one_or_not_a_number_is_refused_at_start(value):
    with pytest.raises(ImproperlyConfigured, match="SERVICELEAD_MIN_GROUP_SIZE"):
        validate(value)


@override_settings(SERVICELEAD_MIN_GROUP_SIZE=0)
def test_the_system_check_names_the_setting():
    with pytest.raises(SystemCheckError, match="SERVICELEAD_MIN_GROUP_SIZE must be at least 1"):
        call_command("check")


def test_a_group_of_four_is_hidden_a_group_of_five_shown():
    assert hidden_siblings({"a": 4}, parent_shown=False, k=5) == {"a"}
    assert hidden_siblings({"a": 5, "b": 9}, k=5) == set()


def test_a_single_hidden_sibling_takes_the_smallest_shown_one_with_it():
    # Parent 4 + 6 + 9 = 19 shown: 19 − 6 − 9 would give the 4 away, so the 6 is hidden too.
    assert hidden_siblings({"a": 4, "b": 6, "c": 9}, k=5) == {"a", "b"}


def test_two_hidden_siblings_that_together_are_still_small_take_a_third():
    # 2 and 1 hidden still reveal a group of 3 by subtraction: the 6 goes as well.
    assert hidden_siblings({"a": 2, "b": 1, "c": 6, "d": 8}, k=5) == {"a", "b", "c"}


def test_hidden_siblings_of_five_together_are_enough():
    assert hidden_siblings({"a": 3, "b": 2, "c": 6}, k=5) == {"a", "b"}


def test_nested_counts_hide_a_small_difference():
    # ≥3: 7, ≥4: 5 → showing both tells that exactly 2 hold level 3.
    assert nested_counts({1: 12, 2: 7, 3: 7, 4: 5}, k=5) == {4: 5, 3: None, 2: None, 1: 12}
    assert nested_counts({1: 4, 2: 4}, k=5) == {1: None, 2: None}


# The department page for a member of the department itself --------------------------------------------


def make_department(org, north):
    """Customer Service (one member of its own: Erika moves up) with three teams of ``north``, 6 and 9
    people, each needing one competency its members hold."""
    topic = factories.CompetencyFactory(name="Heat pump diagnostics")
    org.team_a.memberships.all().delete()
    org.team_b.memberships.all().delete()
    factories.MembershipFactory(employee=org.employee, team=org.department)
    team_c = factories.TeamFactory(name="Hotline", parent=org.department)
    for team, size in ((org.team_a, north), (org.team_b, 6), (team_c, 9)):
        TeamRequirementFactory = factories.TeamRequirementFactory
        TeamRequirementFactory(team=team, competency=topic, required_level=2, min_people=1)
        for n in range(size):
            person = factories.EmployeeFactory(name=f"{team.name} {n}")
            factories.MembershipFactory(employee=person, team=team)
            factories.AssessmentFactory(employee=person, competency=topic, level=3)
    return org


@pytest.fixture
def department_of_three(org):
    return make_department(org, 4)


def child_figures(content):
    rows = re.findall(r'<li class="d-flex align-items-center gap-2">(.*?)</li>', content, re.S)
    return {
        re.sub(r"<[^>]+>", "", row.split("</span>")[0]).strip(): "data-hidden-group" in row for row in rows
    }


@pytest.mark.parametrize(
    "north, south_hidden",
    [
        # North (4) is hidden; with the department's own member (1) the hidden groups hold 5: South stays.
        (4, False),
        # North (3) and the own member (1) hold 4: the department minus South and Hotline would give
        # them away, so South (6) is hidden too.
        (3, True),
    ],
)
def test_a_member_of_the_department_sees_no_small_team_and_none_found_by_subtraction(
    client_for, org, north, south_hidden
):
    make_department(org, north)
    content = (
        client_for("employee").get(reverse("teams:team_detail", args=[org.department.pk])).content.decode()
    )
    assert child_figures(content) == {
        "Field Service North": True,
        "Field Service South": south_hidden,
        "Hotline": False,
    }
    assert "not shown (small group)" in content


def test_a_head_sees_every_team_of_the_department(client_for, department_of_three):
    org = department_of_three
    content = (
        client_for("lead_dept").get(reverse("teams:team_detail", args=[org.department.pk])).content.decode()
    )
    assert not any(child_figures(content).values())


@override_settings(SERVICELEAD_MIN_GROUP_SIZE=30)
def test_a_department_below_the_threshold_shows_no_roll_up(client_for, department_of_three):
    org = department_of_three
    content = (
        client_for("employee").get(reverse("teams:team_detail", args=[org.department.pk])).content.decode()
    )
    assert "Not shown: the department has fewer than 30 people." in content
    assert all(child_figures(content).values())


# Staffing hints and requests for a lead ----------------------------------------------------------------


@pytest.fixture
def gap_elsewhere(org):
    """Team A needs two people at level 3 in heat pumps and has none; team B's people hold it."""
    topic = factories.CompetencyFactory(name="Heat pump diagnostics")
    TeamRequirement.objects.create(
        team=org.team_a, competency=topic, required_level=3, min_people=2, weight=3
    )
    org.topic = topic
    return org


def holders_in_team_b(org, levels):
    for n, level in enumerate(levels):
        person = factories.EmployeeFactory(name=f"Holder {n}")
        factories.MembershipFactory(employee=person, team=org.team_b)
        factories.AssessmentFactory(employee=person, competency=org.topic, level=level)


def hints(client, org):
    url = reverse("teams:staffing_hints", kwargs={"team_id": org.team_a.pk})
    return client.get(url, **HTMX).content.decode()


def test_a_lead_sees_how_many_hold_the_level_elsewhere_from_five(client_for, gap_elsewhere):
    org = gap_elsewhere
    holders_in_team_b(org, [3, 3, 4, 3, 3])
    content = hints(client_for("lead_a"), org)
    assert "5 people elsewhere in the organisation hold this at level 3 or higher." in content
    assert "Holder" not in content


def test_four_holders_elsewhere_are_not_counted_for_a_lead(client_for, gap_elsewhere):
    org = gap_elsewhere
    holders_in_team_b(org, [3, 3, 4, 3])
    content = hints(client_for("lead_a"), org)
    assert "would describe fewer than 5 people" in content
    assert not re.search(r"\d+ (people|person) elsewhere", content)
    # The head sees them by name.
    assert "Holder 0" in hints(client_for("lead_dept"), org)


def test_a_count_that_another_level_would_give_away_is_hidden(client_for, gap_elsewhere):
    org = gap_elsewhere
    # ≥3: 7 people, ≥4: 5 people. Raising the requirement to 4 would show 5; 7 − 5 = 2 would describe two
    # people, so the count at level 3 is not shown whatever the requirement says.
    holders_in_team_b(org, [3, 3, 4, 4, 4, 4, 4])
    assert "would describe fewer than 5 people" in hints(client_for("lead_a"), org)
    requirement = TeamRequirement.objects.get(team=org.team_a)
    requirement.required_level = 4
    requirement.save()
    assert "5 people elsewhere" in hints(client_for("lead_a"), org)


def test_a_staffing_request_reaches_the_head_who_answers_and_the_lead_sees_it(client_for, gap_elsewhere):
    org = gap_elsewhere
    holders_in_team_b(org, [3, 4])
    lead = client_for("lead_a")
    response = lead.post(
        reverse("teams:staffing_request_send", args=[org.team_a.pk]),
        {"competency": org.topic.pk, "level": 3, "message": "For the winter peak"},
    )
    sent = StaffingRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("teams:staffing_request", args=[sent.pk])
    assert sent.addressed_to == org.department
    # The head's to-do, and the names on the request's page.
    head = client_for("lead_dept")
    home = head.get(reverse("home")).content.decode()
    assert "Field Service North asks who could help with Heat pump diagnostics" in home
    page = head.get(reverse("teams:staffing_request", args=[sent.pk])).content.decode()
    assert "Holder 0" in page and "Holder 1" in page
    # The requesting lead never sees names on it.
    assert "Holder 0" not in lead.get(reverse("teams:staffing_request", args=[sent.pk])).content.decode()
    head.post(
        reverse("teams:staffing_request", args=[sent.pk]), {"action": "answer", "text": "Ask Holder 1."}
    )
    home = lead.get(reverse("home")).content.decode()
    assert (
        "Your request for Heat pump diagnostics (level 3+) for Field Service North has been answered." in home
    )
    assert "Ask Holder 1." in lead.get(reverse("teams:staffing_request", args=[sent.pk])).content.decode()
    lead.post(reverse("teams:staffing_request", args=[sent.pk]), {"action": "close"})
    assert "has been answered" not in lead.get(reverse("home")).content.decode()


def test_bad_staffing_requests_get_a_message_not_a_500(client_for, gap_elsewhere):
    org = gap_elsewhere
    lead = client_for("lead_a")
    send = reverse("teams:staffing_request_send", args=[org.team_a.pk])
    # A competency the team does not require (nobody could see it in the hints).
    other = factories.CompetencyFactory(name="Secret topic")
    response = lead.post(send, {"competency": other.pk, "level": 3}, follow=True)
    assert response.status_code == 200
    assert "does not require Secret topic at level 3" in response.content.decode()
    assert lead.post(send, {"competency": "x", "level": 3}, follow=True).status_code == 200
    lead.post(send, {"competency": org.topic.pk, "level": 3})
    response = lead.post(send, {"competency": org.topic.pk, "level": 3}, follow=True)
    assert "already sent on" in response.content.decode()
    assert StaffingRequest.objects.count() == 1
    # Answered twice: the first answer stands.
    sent = StaffingRequest.objects.get()
    head = client_for("lead_dept")
    url = reverse("teams:staffing_request", args=[sent.pk])
    head.post(url, {"action": "answer", "text": "First"})
    response = head.post(url, {"action": "answer", "text": "Second"}, follow=True)
    assert "already been answered" in response.content.decode()
    assert list(StaffingRequestEvent.objects.values_list("text", flat=True)) == ["First"]
    # Another team's lead and an employee may not read it; lead_b may not send for team A.
    assert client_for("lead_b").get(url).status_code == 403
    assert client_for("employee").get(url).status_code == 403
    assert client_for("lead_b").post(send, {"competency": org.topic.pk, "level": 3}).status_code == 403


def test_a_request_without_a_department_head_goes_to_hr(client_for, gap_elsewhere):
    org = gap_elsewhere
    org.department.leads.clear()
    client_for("lead_a").post(
        reverse("teams:staffing_request_send", args=[org.team_a.pk]), {"competency": org.topic.pk, "level": 3}
    )
    sent = StaffingRequest.objects.get()
    assert sent.addressed_to is None
    assert "asks who could help" in client_for("hr").get(reverse("home")).content.decode()
