"""Files written to break the reader or to slip wrong levels past it (issue: importer hardening).

Each case once crashed the process, merged or shifted records, or imported a value that was not the
file's: each must now be refused with a problem that names where and why."""

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.test.utils import override_settings

from competencies.imports import ImportRejected, parse_file

from .support import codes, write_csv, write_xlsx
from .test_safety import workbook_zip

HEADING = ["personnel_no", "name", "Heat pump diagnostics"]


def rejected(data, filename, **options):
    with pytest.raises(ImportRejected) as refusal:
        parse_file(file_obj=io.BytesIO(data), filename=filename, **options)
    return refusal.value


def sheet_xml(rows_xml, extra=b""):
    return (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + extra
        + b"<sheetData>"
        + rows_xml
        + b"</sheetData></worksheet>"
    )


HEAD_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>personnel_no</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>name</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>Heat pump diagnostics</t></is></c></row>'
)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        (b"A99999999", "too_many_rows"),  # once: the reader asked for 125 GB and the process aborted
        (b"A10000000", "too_many_rows"),  # once: read for 30 s at 3.5 GB, past the row limit
        (b"BZZZ46", "too_many_columns"),  # once: 31 s inside the request
    ],
)
def test_a_far_cell_reference_of_any_length_is_refused_before_reading(db, cell, code):
    row = cell.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    far = b'<row r="' + row + b'"><c r="' + cell + b'"><v>1</v></c></row>'
    data = workbook_zip({"xl/worksheets/sheet1.xml": sheet_xml(HEAD_ROW + far)})
    assert codes(rejected(data, "far.xlsx")) == [code]


def test_a_sheet_dimension_beyond_the_limits_is_refused(db):
    dimension = b'<dimension ref="A1:C99999999"/>'
    data = workbook_zip({"xl/worksheets/sheet1.xml": sheet_xml(HEAD_ROW, extra=dimension)})
    assert codes(rejected(data, "far.xlsx")) == ["too_many_rows"]


def test_an_unbalanced_quote_is_refused_not_merged_with_the_lines_below(tmp_path, db):
    lines = ["personnel_no,name,Heat pump diagnostics"]
    lines += [f"P-{n:04d},Person {n},2" for n in range(1, 36)]
    lines += ['P-0036,"Jürgen Weiß,3']
    lines += [f"P-{n:04d},Person {n},2" for n in range(37, 45)]
    refusal = rejected(("\r\n".join(lines) + "\r\n").encode(), "m.csv")
    assert codes(refusal) == ["csv_quote_spans_lines"]
    assert refusal.problems[0].row == 37
    assert "37" in refusal.problems[0].message


def test_a_record_with_more_or_fewer_fields_than_the_heading_is_refused(tmp_path, db):
    data = b"personnel_no,name,Heat pump diagnostics\r\nP-0001,E\r\nP-0002,C,2,1\r\nP-0003,D,2\r\n"
    refusal = rejected(data, "m.csv")
    assert [(p.code, p.row) for p in refusal.problems] == [("csv_field_count", 2), ("csv_field_count", 3)]


def test_a_heading_line_longer_than_the_csv_modules_default_field_limit_is_read(tmp_path, db):
    names = [f"Competency {n:04d} " + "x" * 150 for n in range(1000)]
    path = write_csv(
        tmp_path / "wide.csv", [["personnel_no", "name", *names], ["P-0001", "E", *["1"] * 1000]]
    )
    assert len(path.read_bytes().splitlines()[0]) > 131_072
    parsed = parse_file(file_obj=io.BytesIO(path.read_bytes()), filename="wide.csv")
    assert len(parsed.competency_columns) == 1000


def test_a_long_csv_field_is_read(db):
    data = b"personnel_no,name,Heat pump diagnostics\r\nP-0001," + b"E" * 200_000 + b",2\r\n"
    parsed = parse_file(file_obj=io.BytesIO(data), filename="m.csv")
    assert len(parsed.frame.iloc[0, 1]) == 200_000


def test_a_utf8_file_with_one_windows_1252_line_is_refused_naming_the_line(db):
    data = (
        "personnel_no,name,Heat pump diagnostics\r\nP-0001,Erika Müller,2\r\n".encode()
        + "P-0002,Jürgen Weiß,3\r\n".encode("cp1252")
        + "P-0003,Anna Groß,1\r\n".encode()
    )
    for prefix in (b"", b"\xef\xbb\xbf"):
        refusal = rejected(prefix + data, "m.csv")
        assert codes(refusal) == ["mixed_encoding"]
        assert refusal.problems[0].row == 3


def test_a_windows_1252_file_is_still_read(db):
    data = "personnel_no;name;Heat pump diagnostics\r\nP-0002;Jürgen Weiß;3\r\n".encode("cp1252")
    parsed = parse_file(file_obj=io.BytesIO(data), filename="m.csv")
    assert parsed.frame[1].tolist() == ["Jürgen Weiß"]


def _workbook_with(tmp_path, rows, *, edit):
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    edit(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


ROWS = [HEADING, ["P-0001", "E", 2], ["P-0002", "C", None], ["P-0003", "D", None]]


def test_a_merged_cell_in_the_data_area_is_refused(tmp_path, db):
    def merge(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(
            "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="C2:C4"/></mergeCells>'
        ).encode()

    refusal = rejected(_workbook_with(tmp_path, ROWS, edit=merge), "m.xlsx")
    assert [(p.code, p.row, p.column_letter) for p in refusal.problems] == [("merged_cells", 2, "C")]


def test_a_merged_title_above_the_heading_is_fine(tmp_path, db):
    rows = [["Matrix of the service department"], *ROWS[:2]]

    def merge(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(
            "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells>'
        ).encode()

    data = _workbook_with(tmp_path, rows, edit=merge)
    assert parse_file(file_obj=io.BytesIO(data), filename="m.xlsx").row_count == 1


def test_a_formula_without_a_stored_result_is_refused(tmp_path, db):
    rows = [HEADING, ["P-0001", "E", "=1+1"]]  # openpyxl writes the formula without a result
    refusal = rejected(_workbook_with(tmp_path, rows, edit=lambda parts: None), "m.xlsx")
    assert [(p.code, p.row, p.column_letter) for p in refusal.problems] == [("formula_without_value", 2, "C")]


def test_a_formula_into_another_workbook_is_refused(tmp_path, db):
    def external(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(
            '<c r="C2" t="n"><v>2</v></c>', '<c r="C2"><f>[1]Levels!C2</f><v>0</v></c>'
        ).encode()
        parts["xl/externalLinks/externalLink1.xml"] = b"<externalLink/>"

    data = _workbook_with(tmp_path, ROWS[:2], edit=external)
    assert "[1]Levels" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    refusal = rejected(data, "m.xlsx")
    assert [(p.code, p.row, p.column_letter) for p in refusal.problems] == [("formula_external", 2, "C")]


@override_settings(SERVICELEAD_IMPORT_MAX_MEMORY_BYTES=16 * 1024 * 1024)
def test_a_reader_that_runs_out_of_memory_ends_its_own_process_only(tmp_path, db):
    rows = [HEADING, *[[f"P-{n:05d}", "Name " * 20, n % 5] for n in range(60_000)]]
    data = write_csv(tmp_path / "big.csv", rows).read_bytes()
    refusal = rejected(data, "big.csv")
    assert codes(refusal) == ["reader_memory"]
    # This process is unharmed and reads the next file.
    small = write_csv(tmp_path / "small.csv", [HEADING, ["P-0001", "E", "2"]]).read_bytes()
    assert parse_file(file_obj=io.BytesIO(small), filename="small.csv").row_count == 1


@override_settings(SERVICELEAD_IMPORT_MAX_SECONDS=1)
def test_a_reader_that_takes_too_long_is_stopped(tmp_path, db):
    # Reading alone takes about 2 s of CPU here (calamine reads 100,000 rows in 0.6 s: too close to the
    # 1 s allowance to fail reliably).
    rows = [HEADING, *[[f"P-{n:06d}", "E", n % 5] for n in range(300_000)]]
    data = write_xlsx(tmp_path / "slow.xlsx", rows).read_bytes()
    assert codes(rejected(data, "slow.xlsx")) == ["reader_time"]


@override_settings(SERVICELEAD_IMPORT_MAX_BYTES=1000)
def test_a_file_too_large_is_reported_with_its_true_size(tmp_path, db):
    path = write_csv(tmp_path / "big.csv", [HEADING, *[["P-0001", "E" * 100, "1"]] * 100])
    size = path.stat().st_size
    with open(path, "rb") as file_obj, pytest.raises(ImportRejected) as refusal:
        parse_file(file_obj=file_obj, filename="big.csv")
    assert refusal.value.problems[0].params["size"] == f"{size / 1024:.1f} KB"


def test_a_file_without_a_heading_row_names_the_missing_column_first_and_only(tmp_path, db):
    rows = [[f"P-{n:04d}", "E", *[n % 4] * 20] for n in range(5)]
    refusal = rejected(write_csv(tmp_path / "m.csv", rows).read_bytes(), "m.csv")
    assert set(codes(refusal)) == {"missing_column"}
    assert refusal.problems[0].params["field"] == "personnel_no"


def test_a_matrix_on_another_sheet_is_pointed_to(tmp_path, db):
    path = write_xlsx(
        tmp_path / "m.xlsx", [["Notes"], ["exported by HR"]], sheet="Cover", extra_sheets={"Matrix": ROWS}
    )
    refusal = rejected(path.read_bytes(), "m.xlsx")
    assert set(codes(refusal)[:-1]) == {"missing_column"}
    assert codes(refusal)[-1] == "other_sheets"
    assert "Matrix" in refusal.problems[-1].message


def test_the_reader_modules_load_without_the_database():
    """The reader process imports them before Django's app registry exists: importing a model there would
    end the process that forks every reader, and with it every import."""
    code = "import competencies.imports.reading, competencies.imports.isolation"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""}
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr


def test_the_mixed_encoding_message_names_one_line_or_several(db):
    utf8 = "personnel_no,name,Heat pump diagnostics\r\nP-0001,Erika Müller,2\r\n".encode()
    one = rejected(utf8 + "P-0002,Jürgen Weiß,3\r\n".encode("cp1252"), "m.csv").problems[0]
    assert one.message.startswith("The file is UTF-8 text, but line 3 is not,")
    two = utf8 + "P-0002,Jürgen Weiß,3\r\nP-0003,Anna Groß,1\r\n".encode("cp1252")
    several = rejected(two, "m.csv").problems[0]
    assert several.message.startswith("The file is UTF-8 text, but 2 lines are not (lines 3, 4),")
