"""Reading files: csv encodings and delimiters, xlsx values and sheets, where the heading row is."""

import datetime
import io
import re
import zipfile

import pytest

from competencies.imports import ImportRejected, parse_file

from .support import codes, parse, plan_for, write_csv, write_xlsx

ROWS = [
    ["personnel_no", "name", "team", "Heat pump diagnostics"],
    ["P-0001", "Erika Müller", "Nord", "3"],
    ["P-0002", "Jürgen Groß", "Süd", "2"],
]


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", False, ","),
        ("utf-8", True, ","),
        ("utf-8", True, ";"),
        ("cp1252", False, ";"),
        ("cp1252", False, ","),
        ("utf-16", False, "\t"),
    ],
    ids=["utf8", "utf8-bom", "utf8-bom-semicolon", "cp1252-semicolon", "cp1252-comma", "utf16-tab"],
)
def test_csv_encodings_and_delimiters(tmp_path, catalogue, staff, encoding, bom, delimiter):
    path = write_csv(tmp_path / "m.csv", ROWS, encoding=encoding, bom=bom, delimiter=delimiter)
    parsed = parse(path)
    assert parsed.headings == {0: "personnel_no", 1: "name", 2: "team", 3: "Heat pump diagnostics"}
    assert parsed.frame[1].tolist() == ["Erika Müller", "Jürgen Groß"]
    assert parsed.frame[2].tolist() == ["Nord", "Süd"]
    assert plan_for(path).writes["level"].tolist() == [3, 2]


def test_semicolon_is_detected_even_when_names_hold_commas(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv",
        [["personnel_no", "name", "Heat pump diagnostics"], ["P-0001", "Müller, Erika", "3"]],
        delimiter=";",
    )
    assert parse(path).frame[1].tolist() == ["Müller, Erika"]


def test_rows_are_numbered_as_the_spreadsheet_shows_them(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["Matrix export of the service department"],
            [],
            ["personnel_no", "name", "Heat pump diagnostics"],
            ["P-0001", "E", "1"],
            [],
            ["P-0002", "C", "9"],
        ],
    )
    plan = plan_for(path)
    assert [(p.row, p.column_letter) for p in plan.problems] == [(6, "C")]


def test_a_ragged_csv_row_is_refused(tmp_path, catalogue, staff):
    # Once read as it came: a missing or extra delimiter moves values into the neighbouring column.
    path = tmp_path / "m.csv"
    path.write_text(
        "personnel_no,name,Heat pump diagnostics\r\nP-0001,E\r\nP-0002,C,2,\r\n", encoding="utf-8"
    )
    with pytest.raises(ImportRejected) as refusal:
        parse(path)
    assert [(p.code, p.row) for p in refusal.value.problems] == [
        ("csv_field_count", 2),
        ("csv_field_count", 3),
    ]


def test_xlsx_values_numbers_and_dates(tmp_path, catalogue, staff):
    staff.erika.personnel_no = "1234"
    staff.erika.save()
    path = write_xlsx(
        tmp_path / "l.xlsx",
        [
            ["Personalnummer", "Kompetenz", "Stufe", "Bewertet am"],
            [1234, "Heat pump diagnostics", 3.0, datetime.datetime(2026, 1, 10)],  # noqa: DTZ001
            ["P-0002", "Heat pump diagnostics", 2, "2026-02-01"],
        ],
    )
    plan = plan_for(path)
    assert plan.is_valid, [str(p) for p in plan.problems]
    assert plan.writes["personnel_no"].tolist() == ["1234", "P-0002"]
    assert plan.writes["assessed_on"].tolist() == [datetime.date(2026, 1, 10), datetime.date(2026, 2, 1)]


def with_cached_formula(path, cell, formula, cached):
    """Rewrite the first sheet so ``cell`` holds ``formula`` with ``cached`` as its stored result, as
    Excel saves it (openpyxl itself writes formulas without results)."""
    source = zipfile.ZipFile(path)
    parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, replaced = re.subn(
        rf'<c r="{cell}"[^>]*>.*?</c>', f'<c r="{cell}"><f>{formula}</f><v>{cached}</v></c>', sheet
    )
    assert replaced == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_xlsx_formula_cells_are_read_as_their_stored_values(tmp_path, catalogue, staff):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        [["personnel_no", "name", "Heat pump diagnostics", "Complaint handling"], ["P-0001", "E", 1, None]],
    )
    with_cached_formula(path, "C2", "1+2", 3)
    plan = plan_for(path)
    assert plan.is_valid
    # C2: the stored result 3, never the formula text (a formula without a result is refused).
    assert plan.writes[["competency_id", "level"]].values.tolist() == [[catalogue.diagnostics.pk, 3]]


def test_the_sheet_option_picks_a_sheet(tmp_path, catalogue, staff):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        [["notes"]],
        sheet="Notes",
        extra_sheets={"Levels": [["personnel_no", "name", "Heat pump diagnostics"], ["P-0001", "E", 2]]},
    )
    parsed = parse(path, sheet="Levels")
    assert parsed.sheet == "Levels"
    assert plan_for(path, sheet="Levels").writes["level"].tolist() == [2]
    with pytest.raises(ImportRejected) as rejected:
        parse(path, sheet="Matrix")
    assert codes(rejected.value) == ["sheet_missing"]
    assert "Notes, Levels" in rejected.value.problems[0].message


def test_problems_name_the_sheet(tmp_path, catalogue, staff):
    path = write_xlsx(
        tmp_path / "m.xlsx", [["personnel_no", "name", "Heat pump diagnostics"], ["P-0001", "E", 7]]
    )
    problem = plan_for(path).problems[0]
    assert (problem.sheet, problem.row, problem.column_letter, problem.value) == ("Matrix", 2, "C", "7")


def test_a_django_upload_is_read(catalogue, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("m.csv", b"personnel_no,name,Heat pump diagnostics\nP-0001,E,2\n", "text/csv")
    parsed = parse_file(file_obj=upload, filename=upload.name)
    assert parsed.row_count == 1


def test_an_unknown_format_option_is_a_programming_error(catalogue):
    with pytest.raises(ValueError, match="format"):
        parse_file(file_obj=io.BytesIO(b"a,b\n1,2\n"), filename="m.csv", format="diagonal")
