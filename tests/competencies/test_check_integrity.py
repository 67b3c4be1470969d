"""``manage.py check_integrity`` finds what a broken restore leaves behind, and passes on whole data."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from teams.models import Team
from tests import factories

pytestmark = pytest.mark.django_db


def check_integrity():
    """(exit code, output) of the command."""
    out = io.StringIO()
    try:
        call_command("check_integrity", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def whole_data(org):
    """The shared small organisation, with levels, a requirement, a plan and a finished job."""
    competency = factories.CompetencyFactory()
    factories.AssessmentFactory(employee=org.employee, competency=competency, level=3)
    factories.TeamRequirementFactory(team=org.team_a, competency=competency, required_level=3)
    factories.PlanItemFactory(
        plan__employee=org.colleague, competency=competency, current_level=1, target_level=4
    )
    factories.JobFactory(status="succeeded", started_at=timezone.now() - datetime.timedelta(days=3))
    return org


def test_whole_data_passes(whole_data):
    code, output = check_integrity()
    assert code == 0, output
    assert "FAIL" not in output
    assert "No integrity problems found." in output


def test_assessment_level_above_its_scale_is_found(whole_data):
    # The database allows 0..10 for every scale; the 0–4 scale does not define 7.
    planted = factories.AssessmentFactory(employee=whole_data.colleague, level=7)
    code, output = check_integrity()
    assert code == 1
    assert "FAIL levels on their scale" in output
    assert (
        f"Assessment rows have a level their competency's scale does not define (e.g. {planted.pk})" in output
    )


def test_plan_item_target_above_its_scale_is_found(whole_data):
    planted = factories.PlanItemFactory(current_level=2, target_level=6)
    code, output = check_integrity()
    assert code == 1
    assert (
        f"PlanItem rows have a target_level their competency's scale does not define (e.g. {planted.pk})"
        in (output)
    )


def test_cycle_in_the_team_tree_is_found(whole_data):
    # A restore of rows without the code's checks: department below its own team.
    Team.objects.filter(pk=whole_data.department.pk).update(parent=whole_data.team_a)
    code, output = check_integrity()
    assert code == 1
    assert "FAIL team tree without cycles" in output
    assert (
        f"2 teams are their own ancestors (e.g. {whole_data.department.pk}, {whole_data.team_a.pk})" in output
    )


def test_job_left_running_by_a_vanished_worker_is_found(whole_data):
    stuck = factories.JobFactory(status="running", started_at=timezone.now() - datetime.timedelta(hours=2))
    factories.JobFactory(status="running", started_at=timezone.now() - datetime.timedelta(minutes=1))
    code, output = check_integrity()
    assert code == 1
    assert "FAIL no job stuck" in output
    assert "1 jobs running since before" in output
    assert f"(e.g. {stuck.pk})" in output


def test_unapplied_migrations_stop_the_checks(whole_data):
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder.Migration.objects.filter(app="teams").order_by("-id").first().delete()
    code, output = check_integrity()
    assert code == 1
    assert "FAIL migrations applied" in output
    assert "constraints present" not in output


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="drops a constraint inside the test's transaction"
)
def test_missing_constraint_and_the_row_it_would_have_refused_are_found(whole_data):
    membership = whole_data.employee.memberships.get()
    with connection.cursor() as cursor:
        # The deferred foreign-key checks of the fixture's rows must run before the table can be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE teams_membership DROP CONSTRAINT membership_end_after_start")
        cursor.execute('UPDATE teams_membership SET "end" = start - 1 WHERE id = %s', [membership.pk])
    code, output = check_integrity()
    assert code == 1
    assert "teams_membership lacks membership_end_after_start" in output
    assert f"membership_end_after_start: 1 rows of teams_membership break it (e.g. {membership.pk})" in output


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL id sequences")
def test_id_sequence_behind_the_ids_in_use_is_found(whole_data):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('teams_team', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        saved = cursor.fetchone()
        # setval is not undone by the test's rollback: put the sequence back whatever happens.
        cursor.execute("SELECT setval(%s, 1, false)", [sequence])
        try:
            code, output = check_integrity()
        finally:
            cursor.execute("SELECT setval(%s, %s, %s)", [sequence, *saved])
    assert code == 1
    assert f"{sequence} would hand out 1 but teams_team already uses ids up to" in output
