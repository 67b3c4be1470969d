"""competencies.services.assessments_review: a lead confirms, adjusts or marks for discussion; each
decision is attributable; non-leads, oneself, stale and repeated forms write nothing."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from competencies.models import Assessment, AuditEntry
from competencies.roles import HR_GROUP
from competencies.selectors import effective_levels
from competencies.services import AssessmentInvalid, ReviewInvalid, assessments_review
from tests.factories import AssessmentFactory, CompetencyFactory, days_ago

SELF = Assessment.Source.SELF
MANAGER = Assessment.Source.MANAGER


@pytest.fixture
def pending(org):
    """Carl (team A) rated himself 3 in diagnostics (confirmed 2 before) and 2 in boilers (new)."""
    carl = org.colleague
    diagnostics, boilers = CompetencyFactory(name="Diagnostics"), CompetencyFactory(name="Boilers")
    AssessmentFactory(
        employee=carl, competency=diagnostics, level=2, source=MANAGER, assessed_on=days_ago(200)
    )
    AssessmentFactory(employee=carl, competency=diagnostics, level=3, source=SELF, assessed_on=days_ago(3))
    latest_boilers = AssessmentFactory(
        employee=carl, competency=boilers, level=2, source=SELF, assessed_on=days_ago(3)
    )
    latest_diagnostics = (
        Assessment.objects.filter(employee=carl, competency=diagnostics).order_by("-id").first()
    )
    return {
        "carl": carl,
        "diagnostics": diagnostics,
        "boilers": boilers,
        "seen": {diagnostics.pk: latest_diagnostics.pk, boilers.pk: latest_boilers.pk},
    }


def decision(p, competency, action, **extra):
    return {"competency_id": p[competency].pk, "action": action, "seen": p["seen"][p[competency].pk], **extra}


def current(employee, competency):
    frame = effective_levels(on=days_ago(0), employee_ids=[employee.pk], competency_ids=[competency.pk])
    row = frame.iloc[0]
    return int(row["level"]), row["source"]


def test_confirming_records_a_manager_assessment_by_the_lead(org, pending):
    lead = org.users["lead_a"]
    counts = assessments_review(
        employee=pending["carl"], user=lead, decisions=[decision(pending, "diagnostics", "confirm")]
    )
    assert counts["confirmed"] == 1
    latest = Assessment.objects.filter(employee=pending["carl"]).order_by("-id").first()
    assert (latest.level, latest.source, latest.assessed_by) == (3, MANAGER, lead)
    assert current(pending["carl"], pending["diagnostics"]) == (3, MANAGER)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONFIRMED)
    assert (entry.actor, entry.employee, entry.competency) == (lead, pending["carl"], pending["diagnostics"])
    assert entry.before == {"self": 3, "confirmed": 2}
    assert entry.after == {"level": 3}


def test_adjusting_records_the_leads_level_with_the_reason(org, pending):
    lead = org.users["lead_a"]
    assessments_review(
        employee=pending["carl"],
        user=lead,
        decisions=[
            decision(pending, "boilers", "adjust", level=1, reason="Needs guidance on floor-standing units")
        ],
    )
    latest = (
        Assessment.objects.filter(employee=pending["carl"], competency=pending["boilers"])
        .order_by("-id")
        .first()
    )
    assert (latest.level, latest.source, latest.note) == (
        1,
        MANAGER,
        "Needs guidance on floor-standing units",
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ADJUSTED)
    assert entry.before == {"self": 2, "confirmed": None}
    assert entry.reason == "Needs guidance on floor-standing units"


def test_adjusting_needs_a_level_on_the_scale_and_a_reason(org, pending):
    lead = org.users["lead_a"]
    for extra, message in (
        ({"level": 1}, "Give a reason"),
        ({"reason": "x"}, "Choose the level"),
        ({"level": 9, "reason": "x"}, "not on the scale"),
    ):
        with pytest.raises(AssessmentInvalid, match=message):
            assessments_review(
                employee=pending["carl"],
                user=lead,
                decisions=[decision(pending, "boilers", "adjust", **extra)],
            )
    assert not Assessment.objects.filter(source=MANAGER, assessed_by=lead).exists()


def test_marking_for_discussion_writes_only_an_audit_entry(org, pending):
    before = Assessment.objects.count()
    assessments_review(
        employee=pending["carl"],
        user=org.users["lead_a"],
        decisions=[decision(pending, "diagnostics", "discuss", reason="Let us look at the last three cases")],
    )
    assert Assessment.objects.count() == before
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DISCUSSION)
    assert entry.reason == "Let us look at the last three cases"


@pytest.mark.parametrize("role", ["lead_b", "employee"])
def test_someone_who_does_not_lead_the_person_cannot_confirm(org, pending, role):
    before = Assessment.objects.count()
    with pytest.raises(PermissionDenied):
        assessments_review(
            employee=pending["carl"],
            user=org.users[role],
            decisions=[decision(pending, "diagnostics", "confirm")],
        )
    assert Assessment.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_the_department_lead_and_hr_may_confirm(org, pending):
    assessments_review(
        employee=pending["carl"], user=org.lead_dept, decisions=[decision(pending, "diagnostics", "confirm")]
    )
    assessments_review(
        employee=pending["carl"], user=org.users["hr"], decisions=[decision(pending, "boilers", "confirm")]
    )
    assert (
        Assessment.objects.filter(source=MANAGER, assessed_by__in=[org.lead_dept, org.users["hr"]]).count()
        == 2
    )


def test_nobody_confirms_their_own_levels_not_even_hr(org):
    competency = CompetencyFactory()
    own = AssessmentFactory(employee=org.employee, competency=competency, level=3, source=SELF)
    org.employee.user.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
    with pytest.raises(PermissionDenied):
        assessments_review(
            employee=org.employee,
            user=org.users["employee"],
            decisions=[{"competency_id": competency.pk, "action": "confirm", "seen": own.pk}],
        )


def test_the_same_decisions_sent_twice_are_recorded_once(org, pending):
    lead = org.users["lead_a"]
    decisions = [
        decision(pending, "diagnostics", "confirm"),
        decision(pending, "boilers", "adjust", level=1, reason="r"),
    ]
    assessments_review(employee=pending["carl"], user=lead, decisions=decisions)
    counts = assessments_review(employee=pending["carl"], user=lead, decisions=decisions)
    assert counts == {"confirmed": 0, "adjusted": 0, "discussion": 0, "skipped": 2}
    assert Assessment.objects.filter(source=MANAGER, assessed_by=lead).count() == 2


def test_a_decision_overtaken_by_a_new_self_assessment_is_refused_and_nothing_written(org, pending):
    AssessmentFactory(
        employee=pending["carl"],
        competency=pending["diagnostics"],
        level=4,
        source=SELF,
        assessed_on=days_ago(0),
    )
    before = Assessment.objects.count()
    with pytest.raises(ReviewInvalid, match="assessed again"):
        assessments_review(
            employee=pending["carl"],
            user=org.users["lead_a"],
            decisions=[decision(pending, "boilers", "confirm"), decision(pending, "diagnostics", "confirm")],
        )
    assert Assessment.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_confirming_without_a_self_assessment_is_refused(org):
    competency = CompetencyFactory()
    with pytest.raises(ReviewInvalid, match="no self-assessment"):
        assessments_review(
            employee=org.colleague,
            user=org.users["lead_a"],
            decisions=[{"competency_id": competency.pk, "action": "confirm", "seen": 0}],
        )
