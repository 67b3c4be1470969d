"""Service-operations pages and API: what they show, who may act, and bounded queries."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from operations.models import DutyEntry, InstalledBase, System, SystemNeed, Ticket, TicketNeed
from teams.models import TeamRequirement
from tests.factories import AssessmentFactory, CompetencyFactory, EmployeeFactory, MembershipFactory

TODAY = timezone.localdate


@pytest.fixture
def field(org):
    """Team A: Erika (employee) holds heat pumps at 3, the colleague at 2; AquaHeat needs heat pumps ≥ 3."""
    heat = CompetencyFactory(name="Heat pump diagnostics")
    AssessmentFactory(employee=org.employee, competency=heat, level=3)
    AssessmentFactory(employee=org.colleague, competency=heat, level=2)
    aqua = System.objects.create(name="AquaHeat 9", manufacturer="Vaillant", generation="G3")
    SystemNeed.objects.create(system=aqua, competency=heat, required_level=3)
    InstalledBase.objects.create(
        team=org.team_a, system=aqua, on=TODAY() - datetime.timedelta(days=10), units=1800
    )
    return {"heat": heat, "aqua": aqua}


def test_team_systems_page_names_the_one_person_who_can_serve(client_for, org, field):
    response = client_for("lead_a").get(reverse("operations:team_systems", args=[org.team_a.pk]))
    text = response.content.decode()
    assert "AquaHeat 9" in text and org.employee.name in text
    assert "One person" in text
    assert "1800" in text


def test_team_systems_queries_do_not_grow_with_systems_and_people(
    client_for, org, field, django_assert_max_num_queries
):
    client = client_for("lead_a")
    url = reverse("operations:team_systems", args=[org.team_a.pk])
    client.get(url)
    for i in range(15):
        person = EmployeeFactory()
        MembershipFactory(employee=person, team=org.team_a)
        system = System.objects.create(name=f"System {i}")
        SystemNeed.objects.create(system=system, competency=field["heat"], required_level=2)
        InstalledBase.objects.create(team=org.team_a, system=system, on=TODAY(), units=i)
        AssessmentFactory(employee=person, competency=field["heat"], level=3)
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


def test_api_team_systems_lists_servers_and_risks(client_for, org, field):
    response = client_for("hr").get(reverse("api:team_systems", args=[org.team_a.pk]))
    body = response.json()
    (row,) = body["systems"]
    assert (row["served_by"], row["status"], row["units_per_server"]) == (1, "single_server", 1800.0)
    assert [r["system"]["name"] for r in body["risks"]] == ["AquaHeat 9"]
    assert (
        client_for("hr").get(reverse("api:team_systems", args=[org.team_a.pk]) + "?date=2026-1-1").status_code
        == 400
    )


def tickets(team, system, competency, count, *, outside=0):
    for i in range(count):
        ticket = Ticket.objects.create(
            on=TODAY() - datetime.timedelta(days=1 + i % 300),
            team=team,
            system=system,
            duration=10.0,
            outside_hours=i < outside,
        )
        TicketNeed.objects.create(ticket=ticket, competency=competency, required_level=3)


def test_suggestion_is_explained_and_accepting_makes_an_ordinary_requirement(
    client_for, org, field, settings
):
    settings.SERVICELEAD_SERVICE_HOURS_PER_PERSON = 200
    tickets(org.team_a, field["aqua"], field["heat"], 40, outside=4)
    client = client_for("lead_a")
    page = client.get(reverse("operations:team_suggestions", args=[org.team_a.pk])).content.decode()
    # 400 h / 200 h = 2 people, +1 for 10 % outside office hours.
    assert "40 jobs on AquaHeat 9 in 12 months, 10 % outside office hours → 3 people at level 3" in page
    response = client.post(
        reverse("operations:suggestion_accept", args=[org.team_a.pk]),
        {"competency": field["heat"].pk, "required_level": 3, "min_people": 2, "weight": 2},
    )
    assert response.status_code == 302
    requirement = TeamRequirement.objects.get(team=org.team_a, competency=field["heat"])
    assert (requirement.required_level, requirement.min_people, requirement.weight) == (3, 2, 2)


def test_accepting_with_a_bad_level_writes_nothing(client_for, org, field):
    client_for("lead_a").post(
        reverse("operations:suggestion_accept", args=[org.team_a.pk]),
        {"competency": field["heat"].pk, "required_level": 0, "min_people": 2, "weight": 2},
    )
    assert not TeamRequirement.objects.filter(team=org.team_a).exists()


def test_employee_cannot_accept_a_suggestion(client_for, org, field):
    response = client_for("employee").post(
        reverse("operations:suggestion_accept", args=[org.team_a.pk]),
        {"competency": field["heat"].pk, "required_level": 3, "min_people": 2, "weight": 2},
    )
    assert response.status_code == 403
    assert not TeamRequirement.objects.exists()


def test_duty_page_shows_the_days_the_only_holder_is_absent(
    client_for, org, field, django_assert_max_num_queries
):
    TeamRequirement.objects.create(team=org.team_a, competency=field["heat"], required_level=3, min_people=1)
    start = TODAY() + datetime.timedelta(days=7)
    DutyEntry.objects.create(
        employee=org.employee, kind="absent", start=start, end=start + datetime.timedelta(days=2)
    )
    client = client_for("lead_a")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("operations:team_duty", args=[org.team_a.pk]))
    text = response.content.decode()
    assert text.count("sl-duty-day sl-duty-gap") == 3 + 1  # three short days plus the legend
    assert date_format(start, "SHORT_DATE_FORMAT") in text  # dates in the reader's format
    api = client.get(reverse("api:team_duty", args=[org.team_a.pk])).json()
    assert [d["date"] for d in api["days"] if d["status"] == "gap"] == [
        (start + datetime.timedelta(days=i)).isoformat() for i in range(3)
    ]


def test_dispatch_export_leaves_out_unconfirmed_levels_and_maps_the_scale(client_for, org, field):
    AssessmentFactory(
        employee=org.colleague, competency=CompetencyFactory(name="Self only"), level=4, source="self"
    )
    url = reverse("operations:dispatch_export", args=[org.team_a.pk])
    body = json.loads(client_for("lead_a").get(url + "?format=json&scale=percent").content)
    rows = {(r["employee_key"], r["skill_key"]): r["level"] for r in body["skills"]}
    assert rows == {
        (org.employee.personnel_no, "Heat pump diagnostics"): 74.99,
        (org.colleague.personnel_no, "Heat pump diagnostics"): 49.99,
    }
    yes_no = client_for("lead_a").get(url + "?format=csv&scale=yes_no&threshold=3").content.decode()
    assert yes_no.splitlines()[1].startswith(f"{org.employee.personnel_no},Heat pump diagnostics,yes,")
    assert len(yes_no.splitlines()) == 2
    assert client_for("lead_a").get(url + "?scale=tenths").status_code == 400


def test_system_catalogue_lists_needs(client_for, org, field):
    text = client_for("employee").get(reverse("operations:system_list")).content.decode()
    assert "AquaHeat 9" in text and "Heat pump diagnostics ≥ 3" in text


def test_lead_to_do_names_the_first_day_the_holiday_plan_leaves_short(client_for, org, field):
    from competencies.todos import todo_context, todos_for

    TeamRequirement.objects.create(team=org.team_a, competency=field["heat"], required_level=3, min_people=1)
    start = TODAY() + datetime.timedelta(days=10)
    DutyEntry.objects.create(
        employee=org.employee, kind="absent", start=start, end=start + datetime.timedelta(days=4)
    )
    lists = todos_for(todo_context(user=org.users["lead_a"], on=TODAY()))
    items = [t for t in lists.get("lead", []) if t.kind == "duty_short"]
    assert [(t.params["date"], t.params["days"], t.params["competencies"]) for t in items] == [
        (start.isoformat(), 5, "Heat pump diagnostics")
    ]


def test_duty_strip_is_a_fragment_for_htmx_and_the_whole_page_otherwise(client_for, org, field):
    url = reverse("operations:team_duty_strip", args=[org.team_a.pk])
    client = client_for("lead_a")
    assert "<html" not in client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in client.get(url).content.decode()


def test_suggestions_and_catalogue_queries_do_not_grow_with_tickets_and_systems(
    client_for, org, field, django_assert_max_num_queries
):
    tickets(org.team_a, field["aqua"], field["heat"], 5)
    client = client_for("lead_a")
    suggestions = reverse("operations:team_suggestions", args=[org.team_a.pk])
    catalogue = reverse("operations:system_list")
    client.get(suggestions)
    for i in range(10):
        system = System.objects.create(name=f"Line {i}", parent=field["aqua"])
        SystemNeed.objects.create(system=system, competency=CompetencyFactory(), required_level=2)
        tickets(org.team_a, system, field["heat"], 3)
    with django_assert_max_num_queries(14):
        assert client.get(suggestions).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(catalogue).status_code == 200


def test_holiday_plan_is_a_what_if_that_writes_nothing(client_for, org, field):
    TeamRequirement.objects.create(team=org.team_a, competency=field["heat"], required_level=3, min_people=1)
    start = TODAY() + datetime.timedelta(days=3)
    url = reverse("operations:team_duty", args=[org.team_a.pk])
    response = client_for("lead_a").get(
        url,
        {
            "person": org.employee.pk,
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert len(response.context["planned"]["short_days"]) == 2
    assert response.context["duty"]["short_days"] == []
    assert not DutyEntry.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field_name"),
    [("2026-12-10", "2026-12-01", "end"), ("10.12.2026", "2026-12-11", "start")],
)
def test_holiday_plan_with_reversed_or_badly_written_dates_is_refused(
    client_for, org, field, start, end, field_name
):
    url = reverse("operations:team_duty", args=[org.team_a.pk])
    response = client_for("lead_a").get(url, {"person": org.employee.pk, "start": start, "end": end})
    assert response.status_code == 400
    assert field_name in response.context["plan"].errors


def test_holiday_plan_cannot_name_someone_outside_the_team(client_for, org, field):
    url = reverse("operations:team_duty", args=[org.team_a.pk])
    response = client_for("lead_a").get(
        url, {"person": org.member_b.pk, "start": "2026-12-10", "end": "2026-12-11"}
    )
    assert response.status_code == 400
    assert "person" in response.context["plan"].errors


def test_end_of_life_lowers_and_a_launch_raises_the_forecast_need(client_for, org, field):
    today = TODAY()
    field["aqua"].end_of_life = today + datetime.timedelta(days=100)
    field["aqua"].save()
    successor = System.objects.create(name="AquaHeat 10", launch_date=today + datetime.timedelta(days=50))
    SystemNeed.objects.create(system=successor, competency=field["heat"], required_level=4)
    InstalledBase.objects.create(
        team=org.team_a, system=successor, on=today + datetime.timedelta(days=50), units=300
    )
    response = client_for("lead_a").get(reverse("operations:team_systems", args=[org.team_a.pk]))
    needs_rows = {
        (n["level"]): (n["units_now"], n["units_later"], n["holders"])
        for n in response.context["coverage"]["needs"]
    }
    assert needs_rows == {3: (1800, 0, 1), 4: (0, 300, 0)}
