"""plans_propose_drafts: every listed draft plan of a team for a period, in one transaction (#14 item 1)."""

import pytest

from qualification.models import PlanComment, QualificationPlan
from qualification.services import PlanStateError, plans_propose_drafts
from tests import factories


@pytest.fixture
def drafts(org):
    plans = []
    for person in (org.employee, org.colleague):
        plan = factories.QualificationPlanFactory(employee=person, period="2027-Q1")
        factories.PlanItemFactory(plan=plan)
        plans.append(plan)
    return plans


def _statuses(plans):
    return sorted(
        QualificationPlan.objects.filter(pk__in=[p.pk for p in plans]).values_list("status", flat=True)
    )


def test_proposes_every_listed_draft_and_notes_it_in_the_conversation(org, drafts):
    lead = org.users["lead_a"]
    proposed = plans_propose_drafts(
        team=org.team_a, period="2027-Q1", plan_ids=[p.pk for p in drafts], by=lead
    )
    assert len(proposed) == 2
    assert _statuses(drafts) == ["proposed", "proposed"]
    assert (
        PlanComment.objects.filter(plan__in=drafts, kind=PlanComment.Kind.PROPOSED, author=lead).count() == 2
    )


def test_refuses_the_whole_list_when_one_plan_is_no_longer_a_draft(org, drafts):
    drafts[0].status = QualificationPlan.Status.AGREED
    drafts[0].save()
    with pytest.raises(PlanStateError, match="no longer drafts"):
        plans_propose_drafts(team=org.team_a, period="2027-Q1", plan_ids=[p.pk for p in drafts])
    assert _statuses(drafts) == ["agreed", "draft"]


def test_refuses_plans_of_people_outside_the_team_or_of_another_period(org, drafts):
    outside = factories.QualificationPlanFactory(employee=org.member_b, period="2027-Q1")
    with pytest.raises(PlanStateError, match="nothing was proposed"):
        plans_propose_drafts(team=org.team_a, period="2027-Q1", plan_ids=[drafts[0].pk, outside.pk])
    with pytest.raises(PlanStateError, match="nothing was proposed"):
        plans_propose_drafts(team=org.team_a, period="2027-Q2", plan_ids=[drafts[0].pk])
    assert _statuses(drafts) == ["draft", "draft"]


def test_a_department_proposes_the_plans_of_its_teams(org, drafts):
    assert (
        len(plans_propose_drafts(team=org.department, period="2027-Q1", plan_ids=[p.pk for p in drafts])) == 2
    )


def test_plans_without_items_stay_drafts_and_an_empty_list_is_refused(org, drafts):
    person = factories.EmployeeFactory()
    factories.MembershipFactory(employee=person, team=org.team_a)
    empty = factories.QualificationPlanFactory(employee=person, period="2027-Q1")
    proposed = plans_propose_drafts(team=org.team_a, period="2027-Q1", plan_ids=[drafts[0].pk, empty.pk])
    assert [p.pk for p in proposed] == [drafts[0].pk]
    assert QualificationPlan.objects.get(pk=empty.pk).status == "draft"
    with pytest.raises(PlanStateError):
        plans_propose_drafts(team=org.team_a, period="2027-Q1", plan_ids=[])
