"""The demo organisation gives every service-operations page something true to show."""

import pytest
from django.utils import timezone

from operations import selectors
from operations.models import DutyEntry, InstalledBase, System, Ticket
from teams.models import Team
from tests.qualification.test_seed_demo import seed


@pytest.mark.django_db
def test_demo_has_systems_tickets_and_a_holiday_plan_that_leaves_days_short():
    seed()
    north = Team.objects.get(name="Field Service North")
    today = timezone.localdate()
    assert System.objects.filter(parent__isnull=True).count() >= 3
    assert InstalledBase.objects.filter(team=north).exists()
    assert Ticket.objects.filter(team=north).count() > 1000
    assert DutyEntry.objects.exists()
    coverage = selectors.team_system_coverage(
        team=north, on=today, forecast_on=today.replace(year=today.year + 1)
    )
    statuses = {row["system"]["name"]: row["status"] for row in coverage["systems"]}
    # A product line launching next spring that no one in the team can serve yet.
    assert statuses["AquaTherm 11 air/water"] == "unserved"
    assert selectors.team_suggestions(team=north, on=today)
    assert selectors.team_duty(team=north, first=today)["short_days"]


@pytest.mark.django_db
def test_demo_reset_removes_and_rebuilds_the_operations_data():
    seed()
    before = (System.objects.count(), Ticket.objects.count())
    seed("--reset")
    assert (System.objects.count(), Ticket.objects.count()) == before
