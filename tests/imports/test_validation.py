"""Every reason a file is rejected, located as the spreadsheet shows it, and nothing written on rejection."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from competencies.imports import ImportRejected, import_commit, import_file, lookups, validate
from competencies.models import Assessment
from tests import factories

from .support import codes, parse, plan_for, row_counts, write_csv, write_xlsx

WIDE = ["personnel_no", "name", "Heat pump diagnostics", "Remote support"]
LONG = ["personnel_no", "competency", "level", "source", "assessed_on", "valid_until"]
TODAY = datetime.date(2026, 11, 27)


def only_problem(path, **options):
    plan = plan_for(path, on=TODAY, **options)
    assert plan.problem_count == 1, [str(p) for p in plan.problems]
    return plan.problems[0]


def located(problem):
    return (problem.sheet, problem.row, problem.column_letter, problem.column, problem.value, problem.code)


def test_level_outside_the_scale(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [WIDE, ["P-0001", "E", "2", "3"]])
    problem = only_problem(path)
    assert located(problem) == ("m.csv", 2, "D", "Remote support", "3", "level_outside_scale")
    assert problem.message == (
        "Level 3 is not on the scale of Technical systems / Remote support (allowed: 0, 1, 2)."
    )


@pytest.mark.parametrize("value", ["2.5", "zwei", "TRUE", "1e0", "2.9999999999999999", "0x2", "2.00"])
def test_level_that_is_not_a_whole_number(tmp_path, catalogue, staff, value):
    path = write_csv(tmp_path / "m.csv", [WIDE, ["P-0001", "E", value, ""]])
    assert located(only_problem(path)) == ("m.csv", 2, "C", WIDE[2], value, "level_not_integer")


def test_negative_level_is_outside_the_scale(tmp_path, catalogue, staff):
    path = write_xlsx(tmp_path / "m.xlsx", [WIDE, ["P-0001", "E", -1, None]])
    assert located(only_problem(path)) == ("Matrix", 2, "C", WIDE[2], "-1", "level_outside_scale")


def test_unknown_person_suggests_the_closest(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [WIDE, ["P-001", "Erika Mueller", "2", ""]])
    problem = only_problem(path)
    assert located(problem) == ("m.csv", 2, "A", "personnel_no", "P-001", "unknown_person")
    assert problem.params["suggestions"][0] == "P-0001 (Erika Müller)"
    assert "Closest: P-0001 (Erika Müller)" in problem.message


def test_unknown_person_without_a_name_is_a_problem_even_with_create_missing(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [WIDE, ["P-0500", "", "2", ""]])
    problem = only_problem(path, create_missing=True)
    assert located(problem) == ("m.csv", 2, "A", "personnel_no", "P-0500", "unknown_person_no_name")


def test_unknown_competency_column_suggests_the_closest(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv", [["personnel_no", "name", "Heat pump diagnosis"], ["P-0001", "E", "2"]]
    )
    problem = only_problem(path)
    assert located(problem) == (
        "m.csv",
        1,
        "C",
        "Heat pump diagnosis",
        "Heat pump diagnosis",
        "unknown_competency",
    )
    assert problem.params["suggestions"][0] == "Heat pump diagnostics"


def test_unknown_competency_in_the_long_format(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "l.csv", [LONG, ["P-0001", "Complaint handlin", "2", "", "", ""]])
    problem = only_problem(path)
    assert located(problem) == ("l.csv", 2, "B", "competency", "Complaint handlin", "unknown_competency")
    assert "Complaint handling" in problem.params["suggestions"]


def test_a_name_two_categories_share_is_ambiguous(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [["personnel_no", "name", "Documentation"], ["P-0001", "E", "2"]])
    problem = only_problem(path)
    assert problem.code == "ambiguous_competency"
    assert "Technical systems / Documentation" in problem.message


def test_two_columns_for_one_competency(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["personnel_no", "name", "Heat pump diagnostics", "Technical systems / Heat pump diagnostics"],
            ["P-0001", "E", "1", "2"],
        ],
    )
    problem = only_problem(path)
    assert (problem.code, problem.row, problem.column_letter, problem.params["other"]) == (
        "duplicate_competency",
        1,
        "D",
        "C",
    )


def test_duplicate_person_rows(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv",
        [WIDE, ["P-0001", "E", "1", ""], ["P-0002", "C", "1", ""], ["P-0001", "E", "2", ""]],
    )
    problem = only_problem(path)
    assert located(problem) == ("m.csv", 4, "A", "personnel_no", "P-0001", "duplicate_person")
    assert problem.message == "This person also appears in row 2."


def test_duplicate_person_competency_and_date_in_the_long_format(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "l.csv",
        [
            LONG,
            ["P-0001", "Heat pump diagnostics", "2", "manager", "2026-01-10", ""],
            ["P-0001", "Heat pump diagnostics", "3", "manager", "2026-01-11", ""],
            ["P-0001", "heat pump diagnostics", "3", "self", "10.01.2026", ""],
        ],
    )
    problem = only_problem(path)
    assert located(problem) == ("l.csv", 4, "E", "assessed_on", "10.01.2026", "duplicate_assessment")
    assert problem.params == {"other": 2}


def test_a_duplicate_among_other_problems(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "l.csv",
        [
            LONG,
            ["P-0001", "Heat pump diagnostics", "2", "manager", "2026-01-10", ""],
            ["P-0002", "Heat pump diagnostics", "2", "hearsay", "2026-01-10", ""],
            ["P-0001", "Heat pump diagnostics", "3", "manager", "2026-01-10", ""],
        ],
    )
    plan = plan_for(path, on=TODAY)
    assert [(p.row, p.code) for p in plan.problems] == [(3, "source_unknown"), (4, "duplicate_assessment")]


def test_a_date_in_the_future(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "l.csv", [LONG, ["P-0001", "Heat pump diagnostics", "2", "", "2026-11-28", ""]]
    )
    assert located(only_problem(path)) == ("l.csv", 2, "E", "assessed_on", "2026-11-28", "date_in_future")


@pytest.mark.parametrize("value", ["gestern", "2026-13-01", "31.02.2026"])
def test_an_unparseable_date(tmp_path, catalogue, staff, value):
    path = write_csv(tmp_path / "l.csv", [LONG, ["P-0001", "Heat pump diagnostics", "2", "", value, ""]])
    assert located(only_problem(path)) == ("l.csv", 2, "E", "assessed_on", value, "date_unparseable")


def test_valid_until_before_the_assessment(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "l.csv",
        [LONG, ["P-0001", "Remote support", "2", "certificate", "2026-01-10", "2025-01-10"]],
    )
    assert located(only_problem(path)) == ("l.csv", 2, "F", "valid_until", "2025-01-10", "valid_until_before")


def test_an_unknown_source(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "l.csv", [LONG, ["P-0001", "Heat pump diagnostics", "2", "hearsay", "", ""]])
    problem = only_problem(path)
    assert located(problem) == ("l.csv", 2, "D", "source", "hearsay", "source_unknown")
    assert "self, manager, certificate, import" in problem.message


def test_missing_values_in_the_long_format(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "l.csv",
        [
            LONG,
            ["", "Heat pump diagnostics", "2", "", "", ""],
            ["P-0001", "", "2", "", "", ""],
            ["P-0002", "Heat pump diagnostics", "", "", "", ""],
        ],
    )
    plan = plan_for(path, on=TODAY)
    assert [(p.row, p.column_letter, p.code) for p in plan.problems] == [
        (2, "A", "personnel_no_missing"),
        (3, "B", "competency_missing"),
        (4, "C", "level_missing"),
    ]


def test_a_personnel_number_longer_than_the_field(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [WIDE, ["P" * 31, "X", "1", ""]])
    assert only_problem(path, create_missing=True).code == "too_long"


@pytest.mark.parametrize(
    "content",
    [b"", b"   \r\n  ", b"personnel_no,name,Heat pump diagnostics\r\n", b";;;\r\n;;\r\n"],
    ids=["no bytes", "blank", "heading only", "only delimiters"],
)
def test_an_empty_file_is_rejected(tmp_path, catalogue, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRejected) as rejected:
        parse(path)
    assert codes(rejected.value) == ["file_empty"]


def test_an_empty_workbook_is_rejected(tmp_path, catalogue):
    path = write_xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(ImportRejected) as rejected:
        parse(path)
    assert codes(rejected.value) == ["file_empty"]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["personnel_no", "Heat pump diagnostics"], "name"),
        (["name", "Heat pump diagnostics"], "personnel_no"),
        (["personnel_no", "competency", "source"], "level"),
    ],
)
def test_a_missing_required_column(tmp_path, catalogue, header, missing):
    path = write_csv(tmp_path / "m.csv", [header, ["x"] * len(header)])
    with pytest.raises(ImportRejected) as rejected:
        parse(path)
    problem = next(p for p in rejected.value.problems if p.code == "missing_column")
    assert (problem.sheet, problem.row, problem.params["field"]) == ("m.csv", 1, missing)


def test_heading_problems_are_reported_together(tmp_path, catalogue):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["personnel_no", "name", "Name", "", "Quelle", "Heat pump diagnostics"],
            ["P-1", "a", "b", "x", "y", "1"],
        ],
    )
    with pytest.raises(ImportRejected) as rejected:
        parse(path)
    assert [(p.column_letter, p.code) for p in rejected.value.problems] == [
        ("C", "duplicate_column"),
        ("D", "unnamed_column"),
        ("E", "wrong_format_column"),
    ]


def test_every_problem_is_reported_in_sheet_order(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv",
        [WIDE, ["P-0001", "E", "9", ""], ["P-0404", "X", "1", ""], ["P-0002", "C", "x", "5"]],
    )
    plan = plan_for(path, on=TODAY)
    assert [(p.row, p.column_letter, p.code) for p in plan.problems] == [
        (2, "C", "level_outside_scale"),
        (3, "A", "unknown_person"),
        (4, "C", "level_not_integer"),
        (4, "D", "level_outside_scale"),
    ]
    assert str(plan.problems[0]).startswith("m.csv, row 2, column C (Heat pump diagnostics): “9”")


@override_settings(SERVICELEAD_IMPORT_MAX_PROBLEMS=2)
def test_the_report_lists_the_first_problems_and_counts_all(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [WIDE, *[["P-0001", "E", "9", "9"]] * 3])
    plan = plan_for(path, on=TODAY)
    assert (len(plan.problems), plan.problem_count) == (2, 8)


def test_one_bad_cell_rejects_the_whole_file_and_writes_nothing(tmp_path, catalogue, staff):
    good = [["P-0001", "E", "3", "1"], ["P-0100", "New Person", "2", "2"]] * 1
    path = write_csv(tmp_path / "m.csv", [WIDE, *good, ["P-0002", "C", "2", "7"]])
    before = row_counts()
    with path.open("rb") as file_obj:
        plan, written = import_file(file_obj=file_obj, filename=path.name, create_missing=True)
    assert written is None
    assert codes(plan) == ["level_outside_scale"]
    with pytest.raises(ImportRejected):
        import_commit(plan)
    assert row_counts() == before


def test_dry_run_writes_nothing(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [WIDE, ["P-0001", "E", "3", "1"], ["P-0100", "New", "2", "2"]])
    before = row_counts()
    with path.open("rb") as file_obj:
        plan, written = import_file(file_obj=file_obj, filename=path.name, create_missing=True, dry_run=True)
    assert written is None
    assert plan.summary()["assessments"] == 4
    assert plan.summary()["new_people"] == 1
    assert row_counts() == before


def test_commit_refuses_when_a_new_person_appeared_meanwhile(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [WIDE, ["P-0001", "E", "3", "1"], ["P-0100", "New", "2", "2"]])
    plan = plan_for(path, create_missing=True)
    factories.EmployeeFactory(personnel_no="P-0100")
    before = row_counts()
    with pytest.raises(ImportRejected) as rejected:
        import_commit(plan)
    assert codes(rejected.value) == ["changed_meanwhile"]
    assert row_counts() == before


def test_validation_queries_do_not_grow_with_the_file(tmp_path, catalogue, db):
    def queries(people):
        factories.EmployeeFactory.reset_sequence(1000 * people)
        employees = factories.EmployeeFactory.create_batch(people)
        for employee in employees:
            factories.AssessmentFactory(employee=employee, competency=catalogue.diagnostics, level=1)
        rows = [[e.personnel_no, e.name, "2", "1"] for e in employees]
        path = write_csv(tmp_path / f"m{people}.csv", [WIDE, *rows, ["P-X", "Unknown", "1", ""]])
        parsed = parse(path)
        with CaptureQueriesContext(connection) as captured:
            validate(parsed, create_missing=False)
        return len(captured)

    assert queries(5) == queries(60)


def test_commit_queries_do_not_grow_with_the_file(tmp_path, catalogue, db):
    def queries(people):
        factories.EmployeeFactory.reset_sequence(1000 * people)
        rows = [[f"N-{people}-{i}", "Someone", "2", "1"] for i in range(people)]
        path = write_csv(tmp_path / f"m{people}.csv", [WIDE, *rows])
        plan = validate(parse(path), create_missing=True)
        with CaptureQueriesContext(connection) as captured:
            import_commit(plan)
        return len(captured)

    assert queries(5) == queries(60)
    assert Assessment.objects.count() == 130


def test_an_unreadable_certificate_date_is_reported_not_extended(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "l.csv", [LONG, ["P-0001", "Remote support", "2", "certificate", "soon", ""]])
    assert only_problem(path).code == "date_unparseable"


def test_level_outside_the_scale_in_the_long_format(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "l.csv",
        [LONG, ["P-0001", "Remote support", "3", "", "", ""], ["P-0001", "Unknown thing", "3", "", "", ""]],
    )
    plan = plan_for(path, on=TODAY)
    assert [(p.row, p.column_letter, p.code) for p in plan.problems] == [
        (2, "C", "level_outside_scale"),
        (3, "B", "unknown_competency"),
    ]


@pytest.mark.parametrize(("value", "level"), [("3", 3), ("3.0", 3), (" 2 ", 2)])
def test_a_level_spelt_as_a_whole_number_is_read(tmp_path, catalogue, staff, value, level):
    path = write_csv(tmp_path / "m.csv", [WIDE, ["P-0001", "E", value, ""]])
    plan = plan_for(path)
    assert plan.is_valid
    assert plan.writes["level"].tolist() == [level]


@pytest.mark.parametrize(
    ("assessed_on", "code"),
    [("0001-01-01", "date_too_early"), ("1899-12-31", "date_too_early"), ("31.12.99", "date_unparseable")],
)
def test_a_date_before_1900_or_with_a_two_digit_year_is_refused(
    tmp_path, catalogue, staff, assessed_on, code
):
    path = write_csv(
        tmp_path / "m.csv", [LONG, ["P-0001", "Heat pump diagnostics", "2", "manager", assessed_on, ""]]
    )
    problem = only_problem(path)
    assert (problem.row, problem.column, problem.code) == (2, "assessed_on", code)


def test_misspelt_headings_get_the_closest_names_up_to_the_cap_per_file(tmp_path, catalogue, staff):
    misspelt = [f"Heat pump diagnostic {n}" for n in range(55)]
    path = write_csv(tmp_path / "m.csv", [["personnel_no", "name", *misspelt], ["P-0001", "E", *["1"] * 55]])
    problems = [p for p in plan_for(path).problems if p.code == "unknown_competency"]
    assert len(problems) == 55
    suggested = [p.params["suggestions"] for p in problems]
    assert suggested[0][0] == "Heat pump diagnostics"
    assert all(suggested[: lookups.MAX_SUGGESTED]) and not any(suggested[lookups.MAX_SUGGESTED :])
