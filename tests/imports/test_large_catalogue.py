"""A catalogue of 14,000 competencies (the size of ESCO's skills): the whole organisation's export
round-trips in the long layout, in csv and xlsx; the wide layout, which would need a column per
competency, is refused before anything is written and points to the long one."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from competencies.models import Assessment, Competency
from teams.exports import MatrixTooLarge, matrix_export
from tests import factories

from .support import plan_for

COMPETENCIES = 14_000
PEOPLE = 6
LEVELS_EACH = 700  # every person holds levels spread over the whole catalogue


@pytest.fixture
def large_catalogue(db):
    scale = factories.ScaleFactory(name="0–4")
    categories = [factories.CategoryFactory(name=f"Area {number:02d}") for number in range(14)]
    Competency.objects.bulk_create(
        Competency(
            category=categories[number % 14],
            # Long names with commas and quotes: each csv field is long, and the line too.
            name=f'Skill {number:05d}, "operating" system {number % 97} with a long descriptive name',
            scale=scale,
        )
        for number in range(COMPETENCIES)
    )
    ids = list(Competency.objects.order_by("id").values_list("id", flat=True))
    team = factories.TeamFactory(name="Field Service")
    people = [factories.EmployeeFactory(personnel_no=f"P-{n:04d}", name=f"Person {n}") for n in range(PEOPLE)]
    for person in people:
        factories.MembershipFactory(employee=person, team=team)
    Assessment.objects.bulk_create(
        Assessment(
            employee=person,
            competency_id=ids[(index * 20 + offset) % COMPETENCIES],
            level=(index + offset) % 5,
            source=Assessment.Source.MANAGER,
            assessed_on=datetime.date(2026, 1, 15),
        )
        for offset, person in enumerate(people)
        for index in range(LEVELS_EACH)
    )
    return ids


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_long_export_of_a_large_catalogue_imports_again_without_a_change(
    large_catalogue, tmp_path, file_format
):
    path = tmp_path / f"organisation.{file_format}"
    with path.open("wb") as stream:
        matrix = matrix_export(file_format=file_format, stream=stream, layout="long")
    assert len(matrix.competencies) == COMPETENCIES

    plan = plan_for(path)
    assert plan.is_valid, [str(problem) for problem in plan.problems[:5]]
    assert plan.parsed.format == "long"
    assert plan.summary()["rows"] == PEOPLE * LEVELS_EACH
    assert (len(plan.writes), len(plan.changes), plan.warning_count) == (0, 0, 0)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_wide_export_of_a_large_catalogue_is_refused_and_points_to_the_long_layout(
    large_catalogue, tmp_path, file_format
):
    with pytest.raises(MatrixTooLarge, match="long layout"):
        matrix_export(file_format=file_format, stream=io.BytesIO(), layout="wide")
    output = tmp_path / f"organisation.{file_format}"
    with pytest.raises(CommandError, match="14000 competencies"):
        call_command("export_matrix", "--all", "--format", file_format, "--output", str(output))
    assert not output.exists()  # no half-written file is left behind
    call_command(
        "export_matrix", "--all", "--format", file_format, "--layout", "long", "--output", str(output)
    )
    assert output.stat().st_size > 0


def test_too_many_rows_for_the_import_are_refused_too(large_catalogue, settings):
    settings.SERVICELEAD_IMPORT_MAX_ROWS = PEOPLE * LEVELS_EACH - 1
    with pytest.raises(MatrixTooLarge, match="one team at a time"):
        matrix_export(file_format="csv", stream=io.BytesIO(), layout="long")
