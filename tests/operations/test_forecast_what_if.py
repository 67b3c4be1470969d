"""Systems and duty in the team dashboard's forecast and what-if (#18 item 3): the need from installed
systems today and in a year as a dashboard panel, and the what-if's effect on duty — members leaving,
joining, level changes and a holiday plan — over the next eight weeks. Nothing is written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from operations.models import DutyEntry, InstalledBase, System, SystemNeed
from teams.models import TeamRequirement
from tests.operations.test_pages import field  # noqa: F401 (fixture)

TODAY = timezone.localdate


@pytest.fixture
def needed(org, field):  # noqa: F811
    """Team A needs heat pumps at 3 from one person: only Erika (the employee) holds it."""
    TeamRequirement.objects.create(team=org.team_a, competency=field["heat"], required_level=3, min_people=1)
    return field


def what_if(client, team, **params):
    return client.get(reverse("teams:what_if", args=[team.pk]), params, headers={"HX-Request": "true"})


def test_a_holiday_plan_in_the_what_if_shows_the_days_it_leaves_short(client_for, org, needed):
    start = TODAY() + datetime.timedelta(days=10)
    response = what_if(
        client_for("lead_a"),
        org.team_a,
        away_member=org.employee.pk,
        away_start=start.isoformat(),
        away_end=(start + datetime.timedelta(days=4)).isoformat(),
    )
    text = response.content.decode()
    assert response.status_code == 200 and "data-what-if-duty" in text
    assert "As the team is: 0 days short" in text and "With these changes: 5 days." in text
    assert f"{org.employee.name} from" in text
    assert not DutyEntry.objects.exists()  # a what-if writes nothing


def test_a_member_who_leaves_in_the_what_if_leaves_every_duty_day_short(client_for, org, needed):
    text = what_if(client_for("lead_a"), org.team_a, remove=org.employee.pk).content.decode()
    assert "With these changes: 56 days." in text


def test_a_level_change_in_the_what_if_covers_the_days_of_a_holiday(client_for, org, needed):
    start = TODAY() + datetime.timedelta(days=3)
    absence = {"away_member": org.employee.pk, "away_start": start.isoformat(), "away_end": start.isoformat()}
    raise_colleague = {"raise_member_1": org.colleague.pk, "raise_competency_1": needed["heat"].pk}
    client = client_for("lead_a")
    assert "With these changes: 1 day." in what_if(client, org.team_a, **absence).content.decode()
    text = what_if(client, org.team_a, **absence, **raise_colleague, raise_level_1=3).content.decode()
    assert "With these changes: 0 days." in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"away_start": "2027-01-04", "away_end": "2027-01-08"},
            "Choose a member and the first and last day",
        ),
        ({"away_member": "EMPLOYEE", "away_start": "2027-01-08", "away_end": "2027-01-04"}, "lies before"),
        ({"away_member": "EMPLOYEE", "away_start": "8.1.2027", "away_end": "2027-01-09"}, "YYYY-MM-DD"),
    ],
)
def test_a_wrong_holiday_plan_is_refused_with_a_message(client_for, org, needed, params, message):
    params = {key: org.employee.pk if value == "EMPLOYEE" else value for key, value in params.items()}
    response = what_if(client_for("lead_a"), org.team_a, **params)
    assert response.status_code == 400 and message in response.content.decode()


def test_the_dashboard_forecast_shows_the_need_from_systems_falling_at_end_of_life(client_for, org, needed):
    client = client_for("lead_a")
    dashboard = client.get(reverse("teams:dashboard", args=[org.team_a.pk])).content.decode()
    panel_url = reverse("operations:team_systems", args=[org.team_a.pk])
    assert f'hx-get="{panel_url}"' in dashboard
    # AquaHeat 9 reaches its end of life within the year; a new line launches with 300 units.
    System.objects.filter(pk=needed["aqua"].pk).update(end_of_life=TODAY() + datetime.timedelta(days=100))
    new = System.objects.create(name="AquaHeat 11", launch_date=TODAY() + datetime.timedelta(days=60))
    SystemNeed.objects.create(system=new, competency=needed["heat"], required_level=3)
    InstalledBase.objects.create(
        team=org.team_a, system=new, on=TODAY() + datetime.timedelta(days=60), units=300
    )
    fragment = client.get(panel_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "data-systems-forecast" in fragment
    row = fragment[fragment.index("Heat pump diagnostics") :].split("</tr>")[0]
    cells = [cell.split(">")[-1] for cell in row.split("</td>")[:-1]]
    # Level 3: 1800 units today; in a year 300 (AquaHeat 9 retired, AquaHeat 11 launched); one holder.
    assert [cell.strip() for cell in cells[:2]] == ["3", "1800"]
    assert "300" in row and "falls" in row
    assert "<html" in client.get(panel_url).content.decode()


def test_the_what_if_strip_starts_today(client_for, org, needed):
    """The strip's legend names its first day: today, not the first short day."""
    start = TODAY() + datetime.timedelta(days=10)
    params = {"away_member": org.employee.pk, "away_start": start.isoformat(), "away_end": start.isoformat()}
    text = what_if(client_for("lead_a"), org.team_a, **params).content.decode()
    first = date_format(TODAY(), "SHORT_DATE_FORMAT")
    assert f"One cell per day from {first}" in text
