"""Catalogue governance (#15 item 4): retire, merge (moves every reference across apps, reversible until
confirmed, the gap analysis unchanged where it should be), refusals, duplicate candidates."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from competencies import governance
from competencies.models import Assessment, AuditEntry, CompetencyMerge, Interest, SelfAssessmentDraft
from qualification.models import MeasureCompetency, PlanItem
from teams.gaps import engine
from teams.gaps.inputs import analysis_input
from teams.models import TeamRequirement
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    InterestFactory,
    MeasureCompetencyFactory,
    PlanItemFactory,
    QualificationPlanFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    TeamRequirementFactory,
    days_ago,
)


def coverage(team, on):
    table = engine.requirement_table(analysis_input(on=on, team_ids=[team.pk]))
    return float(engine.coverage_by_team(table, [team.pk]).iloc[0]), table


@pytest.fixture
def duplicates(org):
    """``Ticketing`` (A, the duplicate) and ``Ticket system`` (B, kept), referenced from every app."""
    a = CompetencyFactory(name="Ticketing")
    b = CompetencyFactory(name="Ticket system", category=a.category)
    role = RoleProfileFactory()
    org.employee.role_profile = role
    org.employee.save()
    RoleRequirementFactory(role_profile=role, competency=a, target_level=3)
    TeamRequirementFactory(team=org.team_a, competency=a, required_level=3, min_people=2)
    AssessmentFactory(employee=org.employee, competency=a, level=3)
    AssessmentFactory(employee=org.colleague, competency=a, level=2)
    AssessmentFactory(employee=org.colleague, competency=a, level=3, assessed_on=days_ago(5))
    # Both: the kept one's interest stays, the duplicate's is removed (and restored by an undo).
    InterestFactory(employee=org.employee, competency=a, target_level=4)
    InterestFactory(employee=org.employee, competency=b, target_level=5)
    InterestFactory(employee=org.colleague, competency=a, target_level=4)
    MeasureCompetencyFactory(competency=a)
    plan = QualificationPlanFactory(employee=org.colleague)
    PlanItemFactory(plan=plan, competency=a)
    SelfAssessmentDraft.objects.create(employee=org.employee, rows={str(a.pk): {"level": 4}}, added=[a.pk])
    return a, b


def test_merge_moves_everything_and_keeps_the_gap_analysis(org, duplicates):
    a, b = duplicates
    on = timezone.localdate()
    before, before_table = coverage(org.team_a, on)
    assert before_table["competency_id"].tolist() == [a.pk]

    merge = governance.competency_merge(source=a, target=b, actor=org.users["hr"])

    after, after_table = coverage(org.team_a, on)
    assert after == before
    assert after_table["competency_id"].tolist() == [b.pk]
    assert after_table[["covered", "shortfall", "holders"]].to_dict("records") == before_table[
        ["covered", "shortfall", "holders"]
    ].to_dict("records")
    assert not Assessment.objects.filter(competency=a).exists()
    assert Assessment.objects.filter(competency=b).count() == 3
    assert TeamRequirement.objects.get(team=org.team_a).competency == b
    assert org.employee.role_profile.requirements.get().competency == b
    assert MeasureCompetency.objects.get().competency == b
    assert PlanItem.objects.get().competency == b
    assert dict(
        Interest.objects.filter(employee=org.employee).values_list("competency_id", "target_level")
    ) == {b.pk: 5}
    assert Interest.objects.get(employee=org.colleague).competency == b
    draft = SelfAssessmentDraft.objects.get(employee=org.employee)
    assert draft.rows == {str(b.pk): {"level": 4}} and draft.added == [b.pk]
    a.refresh_from_db()
    assert a.retired_at is not None and a.merged_into == b
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MERGED)
    assert entry.competency == a and entry.after["competency"] == b.pk
    assert merge.status == CompetencyMerge.Status.PENDING


def test_undo_restores_every_row(org, duplicates):
    a, b = duplicates
    on = timezone.localdate()
    before, before_table = coverage(org.team_a, on)
    interests = sorted(Interest.objects.values_list("employee_id", "competency_id", "target_level"))
    merge = governance.competency_merge(source=a, target=b, actor=org.users["hr"])

    governance.merge_undo(merge=merge, actor=org.users["hr"])

    assert Assessment.objects.filter(competency=a).count() == 3
    assert not Assessment.objects.filter(competency=b).exists()
    assert sorted(Interest.objects.values_list("employee_id", "competency_id", "target_level")) == interests
    assert TeamRequirement.objects.get(team=org.team_a).competency == a
    assert PlanItem.objects.get().competency == a
    after, after_table = coverage(org.team_a, on)
    assert after == before and after_table["competency_id"].tolist() == [a.pk]
    a.refresh_from_db()
    assert a.retired_at is None and a.merged_into is None
    merge.refresh_from_db()
    assert merge.status == CompetencyMerge.Status.UNDONE
    with pytest.raises(ValidationError, match="Undone"):
        governance.merge_confirm(merge=merge)


def test_a_confirmed_merge_cannot_be_undone(org, duplicates):
    a, b = duplicates
    merge = governance.merge_confirm(merge=governance.competency_merge(source=a, target=b))
    assert merge.status == CompetencyMerge.Status.CONFIRMED
    with pytest.raises(ValidationError, match="Confirmed"):
        governance.merge_undo(merge=merge)
    assert Assessment.objects.filter(competency=b).count() == 3


def test_merge_into_itself_or_a_retired_one_is_refused(db):
    a = CompetencyFactory(name="Ticketing")
    AssessmentFactory(competency=a)
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        governance.competency_merge(source=a, target=a)
    retired = governance.competency_retire(competency=CompetencyFactory(name="Old ticketing"))
    with pytest.raises(ValidationError, match="“Old ticketing” is retired"):
        governance.competency_merge(source=a, target=retired)
    assert Assessment.objects.get().competency == a
    assert not CompetencyMerge.objects.exists()


def test_retired_keeps_history_and_is_offered_no_more(org):
    from competencies.selectors import self_assessment_page

    kept = CompetencyFactory(name="Ticketing")
    old = CompetencyFactory(name="Fax machines")
    AssessmentFactory(employee=org.employee, competency=old, level=2)
    governance.competency_retire(competency=old, actor=org.users["hr"])
    assert Assessment.objects.filter(competency=old).count() == 1
    page = self_assessment_page(employee=org.employee)
    shown = [row["competency"] for row in page["rows"]] + list(page["addable"])
    assert kept in shown and old not in shown
    with pytest.raises(ValidationError, match="is retired"):
        from teams.services import team_requirement_save

        team_requirement_save(fields={"team": org.team_a, "competency": old, "required_level": 2})
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RETIRED, competency=old).exists()


def test_duplicate_candidates_across_languages(db):
    ticket = CompetencyFactory(name="Ticketsystem bedienen")
    CompetencyFactory(name="Welding")
    found = governance.duplicate_candidates(["Operate ticket system", "ticketsystem bedienen"])
    assert found[0]["competency"] == ticket and found[0]["exact"]
    assert all(row["competency"].name != "Welding" for row in found)
