"""An organisation where everyone has many to-dos (tests/home)."""

import datetime

import pytest
from django.utils import timezone

from competencies.models import Assessment
from qualification.models import PlanItem, QualificationPlan
from teams.models import Campaign
from tests import factories

MANY = 12


def _in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def busy(org):
    """Team A is short of heat-pump level 3 (needs 3 people); MANY extra members each hold a certificate
    that expires soon, a pending self-assessment at level 3 over a confirmed 2, and a draft plan. The
    ``employee`` has a campaign to answer, a proposed plan, a working plan with an item overdue and one
    due soon, and a certificate that expires. Team B (below the department) has an unmet requirement."""
    heat_pump = factories.CompetencyFactory(name="Heat pump diagnostics")
    safety = factories.CompetencyFactory(
        name="Electrical safety", requires_certificate=True, validity_months=24
    )
    factories.TeamRequirementFactory(team=org.team_a, competency=heat_pump, required_level=3, min_people=3)
    factories.TeamRequirementFactory(
        team=org.team_b, competency=safety, required_level=3, min_people=1, weight=3
    )
    members = []
    for index in range(MANY):
        person = factories.EmployeeFactory(name=f"Member {index:02d}")
        factories.MembershipFactory(employee=person, team=org.team_a)
        factories.AssessmentFactory(employee=person, competency=heat_pump, level=2)
        factories.AssessmentFactory(
            employee=person, competency=heat_pump, level=3, source=Assessment.Source.SELF, assessed_on=_in(-1)
        )
        factories.AssessmentFactory(
            employee=person,
            competency=safety,
            level=3,
            source=Assessment.Source.CERTIFICATE,
            assessed_on=_in(-600),
            valid_until=_in(10 + index),
        )
        plan = factories.QualificationPlanFactory(employee=person, period="2027-Q1")
        factories.PlanItemFactory(plan=plan, competency=heat_pump)
        members.append(person)
    employee = org.employee
    factories.AssessmentFactory(
        employee=employee,
        competency=safety,
        level=3,
        source=Assessment.Source.CERTIFICATE,
        assessed_on=_in(-600),
        valid_until=_in(45),
    )
    proposed = factories.QualificationPlanFactory(
        employee=employee, period="2027-Q2", status=QualificationPlan.Status.PROPOSED
    )
    factories.PlanItemFactory(plan=proposed, competency=safety)
    working = factories.QualificationPlanFactory(
        employee=employee, period="2027-Q1", status=QualificationPlan.Status.AGREED
    )
    factories.PlanItemFactory(plan=working, competency=heat_pump, due_date=_in(-3))
    factories.PlanItemFactory(plan=working, competency=safety, due_date=_in(20))
    factories.PlanItemFactory(
        plan=working,
        competency=factories.CompetencyFactory(name="Done already"),
        due_date=_in(5),
        status=PlanItem.Status.DONE,
        progress=100,
    )
    campaign = Campaign.objects.create(name="Autumn round", opens_on=_in(-5), deadline=_in(9))
    campaign.teams.add(org.team_a)
    org.heat_pump, org.safety, org.members, org.campaign, org.proposed = (
        heat_pump,
        safety,
        members,
        campaign,
        proposed,
    )
    return org
