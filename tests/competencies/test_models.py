"""Database constraints hold whatever code path writes, and assessments stay append-only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from competencies.models import Assessment, Competency
from tests.factories import (
    AssessmentFactory,
    CategoryFactory,
    CompetencyFactory,
    EmployeeFactory,
    MembershipFactory,
    RoleRequirementFactory,
    TeamRequirementFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


@pytest.mark.parametrize("level", [0, 4, 10])
def test_assessment_level_within_range_is_stored(level):
    assert AssessmentFactory(level=level).pk


def test_assessment_level_above_range_is_rejected():
    employee, competency = EmployeeFactory(), CompetencyFactory()
    assert_rejected(lambda: AssessmentFactory(employee=employee, competency=competency, level=11))


def test_assessment_valid_until_before_assessed_on_is_rejected():
    employee, competency = EmployeeFactory(), CompetencyFactory()
    day = datetime.date(2026, 3, 1)
    assert_rejected(
        lambda: AssessmentFactory(
            employee=employee,
            competency=competency,
            assessed_on=day,
            valid_until=day - datetime.timedelta(days=1),
        )
    )


def test_assessment_unknown_source_is_rejected():
    employee, competency = EmployeeFactory(), CompetencyFactory()
    assert_rejected(lambda: AssessmentFactory(employee=employee, competency=competency, source="rumour"))


def test_role_requirement_target_must_be_at_least_one():
    competency = CompetencyFactory()
    assert_rejected(lambda: RoleRequirementFactory(competency=competency, target_level=0))


def test_personnel_number_is_unique():
    EmployeeFactory(personnel_no="P-0001")
    assert_rejected(lambda: EmployeeFactory(personnel_no="P-0001"))


def test_competency_name_is_unique_within_its_category():
    category = CategoryFactory()
    CompetencyFactory(category=category, name="Heat pump diagnostics")
    assert_rejected(lambda: CompetencyFactory(category=category, name="Heat pump diagnostics"))


def test_competency_name_may_repeat_in_another_category():
    CompetencyFactory(name="Heat pump diagnostics")
    assert CompetencyFactory(name="Heat pump diagnostics").pk


def test_team_requirement_needs_at_least_one_person():
    competency = CompetencyFactory()
    assert_rejected(lambda: TeamRequirementFactory(competency=competency, min_people=0))


def test_team_requirement_level_must_be_at_least_one():
    competency = CompetencyFactory()
    assert_rejected(lambda: TeamRequirementFactory(competency=competency, required_level=0))


@pytest.mark.parametrize("weight", [0, 4])
def test_team_requirement_weight_outside_one_to_three_is_rejected(weight):
    competency = CompetencyFactory()
    assert_rejected(lambda: TeamRequirementFactory(competency=competency, weight=weight))


@pytest.mark.parametrize("weight", [1, 2, 3])
def test_team_requirement_weight_one_to_three_is_stored(weight):
    assert TeamRequirementFactory(weight=weight).pk


def test_team_requirement_is_unique_per_team_and_competency():
    requirement = TeamRequirementFactory()
    assert_rejected(lambda: TeamRequirementFactory(team=requirement.team, competency=requirement.competency))


def test_membership_end_before_start_is_rejected():
    start = datetime.date(2026, 1, 10)
    employee = EmployeeFactory()
    assert_rejected(
        lambda: MembershipFactory(employee=employee, start=start, end=start - datetime.timedelta(days=1))
    )


def test_membership_ending_on_its_start_day_is_stored():
    start = datetime.date(2026, 1, 10)
    assert MembershipFactory(start=start, end=start).pk


def test_assessment_save_refuses_an_update():
    assessment = AssessmentFactory(level=2)
    assessment.level = 3
    with pytest.raises(ValueError, match="append-only"):
        assessment.save()
    assessment.refresh_from_db()
    assert assessment.level == 2


def test_assessment_correction_is_a_new_row():
    first = AssessmentFactory(level=2)
    AssessmentFactory(employee=first.employee, competency=first.competency, level=3)
    assert Assessment.objects.filter(employee=first.employee).count() == 2


def test_competency_names_differing_only_by_case_clash_within_a_category():
    existing = CompetencyFactory(name="Use CAD")
    twin = Competency(category=existing.category, scale=existing.scale, name="use cad")
    with pytest.raises(ValidationError, match="has a competency of this name already"):
        twin.full_clean()
    assert_rejected(twin.save)
    # Another category may use the name.
    CompetencyFactory(name="use cad", scale=existing.scale)


@pytest.mark.django_db(transaction=True)
def test_the_case_constraint_migration_names_existing_clashes():
    before = [("competencies", "0007_account_settings")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    category = old.get_model("competencies", "Category").objects.create(name="Design", position=1)
    scale = old.get_model("competencies", "Scale").objects.create(name="0-4")
    Old = old.get_model("competencies", "Competency")
    Old.objects.create(category=category, scale=scale, name="Use CAD")
    Old.objects.create(category=category, scale=scale, name="use cad")
    executor = MigrationExecutor(connection)
    with pytest.raises(RuntimeError, match="Design: 'Use CAD' and 'use cad'"):
        executor.migrate(executor.loader.graph.leaf_nodes())
    Old.objects.filter(name="use cad").update(name="Use CAD (2D)")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
