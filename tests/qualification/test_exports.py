"""HR export of qualification plans: what the items and summary sheets hold, scopes and periods, formula
cells neutralised, bounded queries, the export job and ``manage.py export_plans``."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from jobs import services as jobs
from jobs.models import Job
from qualification import exports
from qualification.export_jobs import plans_export_job_create
from qualification.models import PlanItem, QualificationPlan
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    MeasureFactory,
    MembershipFactory,
    PlanItemFactory,
    QualificationPlanFactory,
    TeamRequirementFactory,
)
from tests.qualification.test_views import PERIOD, build_world

HOSTILE = ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "\tTab", "\rReturn"]


@pytest.fixture
def world(org):
    return build_world(org)


def workbook(export):
    stream = io.BytesIO()
    exports.export_xlsx(export, stream)
    return openpyxl.load_workbook(io.BytesIO(stream.getvalue()))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_items_sheet_holds_every_column_hr_needs(world):
    org = world.org
    PlanItem.objects.filter(pk=world.item.pk).update(mentor=org.colleague, needs_approval=True)
    book = workbook(exports.export_build(team_ids=[org.team_a.pk], title="Field Service North"))
    assert book.sheetnames == ["Items", "Summary"]
    heading, row = rows(book["Items"])
    record = dict(zip(heading, row, strict=True))
    assert record["Employee"] == "Erika Employee" and record["Personnel number"] == org.employee.personnel_no
    assert (record["Team"], record["Period"], record["Plan status"]) == (
        "Field Service North",
        str(PERIOD),
        "Draft",
    )
    assert (record["Competency"], record["Current level"], record["Target level"]) == (
        "Heat pump diagnostics",
        2,
        3,
    )
    assert (record["Measure"], record["Kind"], record["Mentor"]) == (
        "Heat pump course",
        "Course",
        "Carl Colleague",
    )
    assert record["Due"].date() == PERIOD.end
    assert (record["Item status"], record["Hours"], record["Cost (EUR)"]) == ("Open", 8, 400)
    assert (record["Reason"], record["Needs budget approval"]) == ("Team shortfall", "yes")
    assert record["Incentive"] == "Level 3 · Heat pump diagnostics"


def test_summary_sheet_has_a_row_per_team_with_hours_cost_and_coverage_before_after(world):
    org = world.org
    book = workbook(exports.export_build(team_ids=[org.department.pk, org.team_a.pk, org.team_b.pk]))
    heading, *summary = rows(book["Summary"])
    assert heading[:4] == ["Team", "Members", "People with a plan", "Items"]
    by_team = {row[0]: dict(zip(heading, row, strict=True)) for row in summary if row and row[0] in {
        "Customer Service", "Field Service North", "Field Service South"}}  # fmt: skip
    north = by_team["Field Service North"]
    assert (north["Members"], north["People with a plan"], north["Items"]) == (2, 1, 1)
    assert (north["Hours"], north["Cost (EUR)"]) == (8, 400)
    # One of two holders today; with Erika's item reached both (SPEC.md's coverage).
    assert (north["Coverage before (%)"], north["Coverage after (%)"]) == (50, 100)
    assert by_team["Field Service South"]["Items"] == 0
    assert set(by_team) == {"Customer Service", "Field Service North", "Field Service South"}


def test_organisation_export_reads_the_current_analysis_and_raises_only_teams_with_planned_items(world):
    org = world.org
    south_need = CompetencyFactory(name="Boiler service")
    TeamRequirementFactory(team=org.team_b, competency=south_need, required_level=2, min_people=1)

    def summary():
        heading, *table = rows(workbook(exports.export_build())["Summary"])
        return {row[0]: dict(zip(heading, row, strict=True)) for row in table if row}

    def coverage(team):
        return (team["Coverage before (%)"], team["Coverage after (%)"])

    first = summary()
    assert coverage(first["Field Service North"]) == (50, 100)
    # Nobody in the south team has a plan: its coverage stays what it is today.
    assert coverage(first["Field Service South"]) == (0, 0)
    # Erika reaches level 3 and the south team gets its holder: the next export sees both at once,
    # though the organisation's analysis is cached between exports.
    AssessmentFactory(employee=org.employee, competency=world.heat, level=3)
    AssessmentFactory(employee=org.member_b, competency=south_need, level=2)
    second = summary()
    assert coverage(second["Field Service North"]) == (100, 100)
    assert coverage(second["Field Service South"]) == (100, 100)


def test_scope_and_period_choose_the_plans_cancelled_plans_and_dropped_items_stay_out(world):
    org = world.org
    later = QualificationPlanFactory(employee=org.member_b, period=str(PERIOD.shifted(1)))
    PlanItemFactory(plan=later, competency=CompetencyFactory(name="Flue gas"))
    cancelled = QualificationPlanFactory(employee=org.colleague, period=str(PERIOD), status="cancelled")
    PlanItemFactory(plan=cancelled, competency=CompetencyFactory(name="Cancelled one"))
    PlanItemFactory(plan=world.plan, competency=CompetencyFactory(name="Dropped one"), status="dropped")

    def names(**kwargs):
        return sorted(row[5] for row in exports.export_build(**kwargs).items)

    assert names(team_ids=[org.team_a.pk]) == ["Heat pump diagnostics"]
    assert names(team_ids=[org.team_b.pk]) == ["Flue gas"]
    assert names(team_ids=None) == ["Flue gas", "Heat pump diagnostics"]
    assert names(team_ids=None, period=str(PERIOD)) == ["Heat pump diagnostics"]


def test_cells_a_spreadsheet_would_run_are_neutralised_in_xlsx_and_csv(world):
    org = world.org
    for number, text in enumerate(HOSTILE):
        person = EmployeeFactory(name=text, personnel_no=f"{text}{number}")
        MembershipFactory(employee=person, team=org.team_a)
        plan = QualificationPlanFactory(employee=person, period=str(PERIOD))
        PlanItemFactory(
            plan=plan,
            competency=CompetencyFactory(name=f"{text} competency"),
            measure=MeasureFactory(title=f"{text} measure {number}"),
            mentor=person,
            incentive=text,
        )
    export = exports.export_build(team_ids=[org.team_a.pk], title="=cmd")
    book = workbook(export)
    texts = [cell for row in rows(book["Items"])[1:] for cell in row if isinstance(cell, str)]
    texts += [cell for row in rows(book["Summary"]) for cell in row if isinstance(cell, str)]
    for row in book["Items"].iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://x")' in texts and "'@cmd" in texts

    stream = io.BytesIO()
    exports.export_csv(export, stream)
    parsed = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    cells = [cell for row in parsed[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r")) or c.startswith("-2")]
    assert "'+SUM(A1)" in cells


def test_the_xlsx_writer_writes_text_as_text_whoever_built_the_rows(world):
    """The writer neutralises by itself and never turns text into a formula, a number or a link
    (XlsxWriter's strings_to_formulas/numbers/urls are off)."""
    on = datetime.date(2027, 3, 31)
    row = ["=1+1", "1e3", "http://example.com", "-5", "@x", "\tTab", 3, 2.5, on, None, "plain"]
    export = exports.PlanExport(title="=t", on=on, period=None, items=[row], summary=[])
    stream = io.BytesIO()
    exports.export_xlsx(export, stream)
    book = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    sheet = book["Items"]
    values = [cell.value for cell in sheet[2]][: len(row)]
    assert values[:8] == ["'=1+1", "1e3", "http://example.com", "'-5", "'@x", "'\tTab", 3, 2.5]
    assert values[8].date() == on and values[9] is None and values[10] == "plain"
    assert all(cell.data_type != "f" and cell.hyperlink is None for cell in sheet[2])
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert rows(book["Summary"])[-1][0].startswith("'=t, exported on 2027-03-31")


def test_the_export_job_writes_through_the_same_call_as_the_page_and_the_command(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    export = exports.plans_export

    def recorded(**kwargs):
        calls.append(kwargs["file_format"])
        return export(**kwargs)

    monkeypatch.setattr(exports, "plans_export", recorded)
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_export_job_create(scope="all", file_format="csv")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and calls == ["csv"]


def test_export_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        exports.export_build(team_ids=None)
    for _ in range(15):
        person = EmployeeFactory()
        MembershipFactory(employee=person, team=world.org.team_b)
        AssessmentFactory(employee=person, competency=world.heat, level=1)
        plan = QualificationPlanFactory(employee=person, period=str(PERIOD))
        PlanItemFactory(plan=plan, competency=world.heat, mentor=world.org.colleague, measure=world.course)
    TeamRequirementFactory(team=world.org.team_b, competency=world.heat)
    with django_assert_num_queries(len(small)):
        exports.export_build(team_ids=None)


def test_export_job_writes_the_file_and_returns_its_name(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_export_job_create(
            scope="department",
            team_id=world.org.department.pk,
            period=str(PERIOD),
            owner=world.org.users["hr"],
        )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    name = job.result["file"]
    assert name.startswith(f"exports/{job.pk}-qualification-plans_customer-service_{PERIOD}_")
    assert (job.result["items"], job.result["format"]) == (1, "xlsx")
    with default_storage.open(name, "rb") as stored:
        book = openpyxl.load_workbook(io.BytesIO(stored.read()))
    assert rows(book["Items"])[1][1] == "Erika Employee"
    # Run again (a redelivered task): the same file, not a second one.
    Job.objects.filter(pk=job.pk).update(status="queued", attempts=0)
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.result["file"] == name


def test_export_job_refuses_bad_parameters(world):
    from qualification.generation import GenerationError

    with pytest.raises(ValueError, match="Unknown scope"):
        plans_export_job_create(scope="galaxy")
    with pytest.raises(ValueError, match="Unknown format"):
        plans_export_job_create(scope="all", file_format="pdf")
    with pytest.raises(GenerationError, match="YYYY-Qn"):
        plans_export_job_create(scope="all", period="Q1/2027")
    assert not Job.objects.exists()


# --------------------------------------------------------------------------------------------------
# manage.py export_plans


def test_command_writes_xlsx_for_a_team_and_csv_for_everyone(world, tmp_path):
    out = io.StringIO()
    call_command(
        "export_plans", "--format", "xlsx", "--team", str(world.org.team_a.pk), "--output",
        str(tmp_path / "north.xlsx"), stdout=out,
    )  # fmt: skip
    assert "1 items of 1 teams (Field Service North, all periods)" in out.getvalue()
    book = openpyxl.load_workbook(tmp_path / "north.xlsx")
    assert rows(book["Items"])[1][1] == "Erika Employee"
    call_command("export_plans", "--format", "csv", "--all", "--period", str(PERIOD),
                 "--output", str(tmp_path / "all.csv"), stdout=io.StringIO())  # fmt: skip
    text = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Personnel number,Employee,Team,Period")
    assert "Erika Employee" in text
    call_command("export_plans", "--format", "csv", "--department", str(world.org.department.pk),
                 "--output", str(tmp_path / "dept.csv"), stdout=io.StringIO())  # fmt: skip
    assert "Erika Employee" in (tmp_path / "dept.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period", "2027/1"], "Enter the period as YYYY-Qn"),
        (["--team", "99999"], "There is no team with id 99999."),
        (["--output", "/nonexistent/dir/x.csv"], "does not exist"),
    ],
)
def test_command_refuses_bad_input_and_writes_nothing(world, tmp_path, arguments, message):
    output = ["--output", str(tmp_path / "x.csv")] if "--output" not in arguments else []
    with pytest.raises(CommandError, match=message):
        call_command("export_plans", "--format", "csv", *arguments, *output)
    assert not (tmp_path / "x.csv").exists()
    assert QualificationPlan.objects.count() == 1
