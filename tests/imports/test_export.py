"""The matrix export: the importer's wide format, coloured xlsx, neutralised formulas, and a round trip."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from competencies.models import Assessment, Competency
from teams.exports import BELOW_FILL, MEETS_FILL, matrix_build, matrix_csv, matrix_export, matrix_xlsx
from tests import factories

from .support import commit, plan_for, row_counts

DANGEROUS = ["=1+2", "+49 30 1234", "-5", "@SUM(A1)", "\tindent", "\rreturn"]


@pytest.fixture
def organisation(catalogue, staff):
    north = factories.TeamFactory(name="Field Service North")
    south = factories.TeamFactory(name="=Field Service South")
    for employee in (staff.erika, staff.carl):
        factories.MembershipFactory(employee=employee, team=north)
    factories.MembershipFactory(employee=staff.bea, team=south)
    factories.TeamRequirementFactory(team=north, competency=catalogue.diagnostics, required_level=3)
    factories.AssessmentFactory(employee=staff.erika, competency=catalogue.diagnostics, level=4)
    factories.AssessmentFactory(employee=staff.carl, competency=catalogue.diagnostics, level=1)
    factories.AssessmentFactory(
        employee=staff.carl, competency=catalogue.complaints, level=2, source=Assessment.Source.SELF
    )
    factories.AssessmentFactory(
        employee=staff.bea, competency=catalogue.remote, level=2, source=Assessment.Source.CERTIFICATE
    )
    factories.AssessmentFactory(employee=staff.bea, competency=catalogue.doc_people, level=0)
    return {"north": north, "south": south}


def read_csv(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_export_is_the_wide_format_with_effective_levels(organisation, catalogue, staff):
    stream = io.BytesIO()
    matrix_export(file_format="csv", stream=stream, team=organisation["north"])
    rows = read_csv(stream.getvalue())
    assert rows[0] == [
        "personnel_no",
        "name",
        "team",
        "Technical systems / Heat pump diagnostics",
        "Customer & people / Complaint handling",
    ]
    assert rows[1:] == [
        ["P-0002", "Carl Colleague", "Field Service North", "1", "2"],
        ["P-0001", "Erika Müller", "Field Service North", "4", ""],
    ]


def test_organisation_export_has_everyone_and_every_competency(organisation, catalogue, staff):
    matrix = matrix_build()
    assert matrix.people["personnel_no"].tolist() == ["P-0003", "P-0002", "P-0001"]
    assert len(matrix.competencies) == 5
    assert matrix.people.loc[staff.bea.pk, "team"] == "=Field Service South"


def test_xlsx_export_colours_levels_against_the_requirement(organisation, catalogue, staff):
    stream = io.BytesIO()
    matrix_export(file_format="xlsx", stream=stream, team=organisation["north"])
    workbook = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    assert workbook.sheetnames == ["Matrix", "Legend"]
    sheet = workbook["Matrix"]
    assert sheet.freeze_panes == "D2"
    carl, erika = sheet[2], sheet[3]
    assert (carl[1].value, carl[3].value) == ("Carl Colleague", 1)
    assert carl[3].fill.fgColor.rgb.endswith(BELOW_FILL.fgColor.rgb[-6:])
    assert erika[3].fill.fgColor.rgb.endswith(MEETS_FILL.fgColor.rgb[-6:])
    assert carl[4].font.italic  # the self-assessment, unconfirmed
    legend = [row[1] for row in workbook["Legend"].iter_rows(values_only=True) if len(row) > 1]
    assert "below the level a team of the person requires" in legend


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_export_neutralises_formula_like_text(db, catalogue, value):
    employee = factories.EmployeeFactory(personnel_no="P-0009", name=value)
    team = factories.TeamFactory(name=value)
    factories.MembershipFactory(employee=employee, team=team)
    stream = io.BytesIO()
    matrix_csv(matrix_build(team=team), stream)
    row = read_csv(stream.getvalue())[1]
    assert row[1] == "'" + value
    assert row[2] == "'" + value


@pytest.mark.parametrize("value", DANGEROUS)
def test_xlsx_export_neutralises_formula_like_text(db, catalogue, value):
    employee = factories.EmployeeFactory(personnel_no="P-0009", name=value)
    team = factories.TeamFactory(name=value)
    factories.MembershipFactory(employee=employee, team=team)
    category = factories.CategoryFactory(name=value)
    factories.AssessmentFactory(
        employee=employee, competency=factories.CompetencyFactory(category=category, name="X")
    )
    stream = io.BytesIO()
    matrix_xlsx(matrix_build(team=team), stream)
    sheet = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))["Matrix"]
    # XML reads a bare carriage return back as a line feed; an escaped one (_x000D_) stays itself.
    expected = "'" + value if sheet["B2"].value == "'" + value else "'" + value.replace("\r", "\n")
    assert sheet["B2"].value == expected
    assert sheet["B2"].data_type == "s"
    assert sheet["C2"].value == expected
    assert sheet["D1"].value == expected + " / X"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("scope", ["team", "organisation"])
def test_export_then_import_changes_nothing(tmp_path, organisation, staff, file_format, scope):
    # Formula-like personnel numbers and names must survive the neutralisation both ways.
    tricky = factories.EmployeeFactory(personnel_no="-0042", name="=Tricky")
    factories.MembershipFactory(employee=tricky, team=organisation["north"])
    factories.AssessmentFactory(
        employee=tricky, competency=organisation["north"].requirements.get().competency
    )
    path = tmp_path / f"matrix.{file_format}"
    with path.open("wb") as stream:
        matrix_export(
            file_format=file_format, stream=stream, team=organisation["north"] if scope == "team" else None
        )
    before = row_counts()
    plan, written = commit(path)
    assert written == {"new_people": 0, "assessments": 0, "changes": 0}
    assert plan.summary()["unchanged"] > 0
    assert row_counts() == before


def test_semicolon_export_imports_unchanged(tmp_path, organisation):
    path = tmp_path / "matrix.csv"
    with path.open("wb") as stream:
        matrix_export(file_format="csv", stream=stream, delimiter=";")
    assert b";" in path.read_bytes().splitlines()[0]
    assert plan_for(path).writes.empty


def test_export_matrix_command_writes_the_file(tmp_path, organisation):
    path = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_matrix", "--all", "--format", "xlsx", "--output", str(path), stdout=out)
    assert "3 people" in out.getvalue()
    assert plan_for(path).writes.empty


def test_export_matrix_command_refuses_an_unknown_team(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no team"):
        call_command("export_matrix", "--team", "999", "--output", str(tmp_path / "x.csv"))


def test_a_department_export_includes_the_teams_below(organisation, staff):
    department = factories.TeamFactory(name="Customer Service")
    for team in organisation.values():
        team.parent = department
        team.save()
    matrix = matrix_build(team=department)
    assert sorted(matrix.people["personnel_no"]) == ["P-0001", "P-0002", "P-0003"]


def test_export_queries_do_not_grow_with_the_team(organisation, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            matrix_xlsx(matrix_build(team=organisation["north"]), io.BytesIO())
        return len(captured)

    small = queries()
    for employee in factories.EmployeeFactory.create_batch(30):
        factories.MembershipFactory(employee=employee, team=organisation["north"])
        factories.AssessmentFactory(employee=employee, competency=catalogue.complaints, level=3)
    assert queries() == small


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("exported_in", "imported_in"), [("de", "en"), ("en", "de")])
def test_export_in_one_language_imports_unchanged_in_the_other(
    tmp_path, organisation, file_format, exported_in, imported_in
):
    for number, competency in enumerate(Competency.objects.select_related("category")):
        competency.name_de, competency.name_en = f"Kompetenz {number}", f"Competency {number}"
        competency.save()
        category = competency.category
        category.name_de, category.name_en = f"Bereich {category.pk}", f"Area {category.pk}"
        category.save()
    path = tmp_path / f"matrix.{file_format}"
    with translation.override(exported_in), path.open("wb") as stream:
        matrix_export(file_format=file_format, stream=stream)
    if file_format == "csv":
        assert ("Kompetenz 0" if exported_in == "de" else "Competency 0") in path.read_text()
    before = row_counts()

    with translation.override(imported_in):
        plan, written = commit(path)

    assert written == {"new_people": 0, "assessments": 0, "changes": 0}
    assert plan.summary()["unchanged"] > 0
    assert row_counts() == before
