"""``import_assessments``: report, preview, dry run, exit status."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from competencies.models import Assessment, Employee

from .support import row_counts, write_csv, write_xlsx

HEADER = ["personnel_no", "name", "Heat pump diagnostics", "Complaint handling"]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_assessments", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_the_preview_and_records(tmp_path, catalogue, staff, importer):
    path = write_csv(
        tmp_path / "m.csv",
        [HEADER, ["P-0001", "Erika Müller", "3", ""], ["P-0002", "Carl Colleague", "1", "2"]],
    )
    out, _ = run(path, "--user", "importer")
    assert "m.csv (m.csv, wide format): 2 rows, 0 of them without changes" in out
    assert "0 new people, 3 levels change, 0 unchanged, 3 assessments to record" in out
    assert "P-0001 Erika Müller · Technical systems / Heat pump diagnostics: — → 3" in out
    assert "Recorded 3 assessments and 0 new people." in out
    assert set(Assessment.objects.values_list("assessed_by", flat=True)) == {importer.pk}


def test_dry_run_writes_nothing(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [HEADER, ["P-0001", "E", "3", ""], ["P-0100", "New", "1", ""]])
    before = row_counts()
    out, _ = run(path, "--dry-run", "--create-missing")
    assert "1 new people" in out
    assert "new: P-0100 New (row 3)" in out
    assert "Dry run: nothing was written." in out
    assert row_counts() == before


def test_create_missing_creates_people(tmp_path, catalogue, staff):
    path = write_xlsx(tmp_path / "m.xlsx", [HEADER, ["P-0100", "Nora Neu", 2, 3]])
    run(path, "--create-missing")
    assert Employee.objects.get(personnel_no="P-0100").assessments.count() == 2


def test_a_rejected_file_exits_non_zero_with_the_report(tmp_path, catalogue, staff):
    path = write_csv(tmp_path / "m.csv", [HEADER, ["P-0001", "E", "3", "9"], ["P-0404", "X", "1", ""]])
    err = io.StringIO()
    before = row_counts()
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_assessments", str(path), stdout=io.StringIO(), stderr=err)
    report = err.getvalue()
    assert "2 problems:" in report
    assert "m.csv, row 2, column D (Complaint handling): “9” Level 9 is not on the scale" in report
    assert "m.csv, row 3, column A (personnel_no): “P-0404” No employee has this personnel number." in report
    assert row_counts() == before


def test_an_unreadable_file_exits_non_zero(tmp_path, db):
    path = tmp_path / "m.xlsx"
    path.write_text("personnel_no,name\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_assessments", str(path), stdout=io.StringIO(), stderr=err)
    assert "holds text, perhaps CSV" in err.getvalue()


def test_sheet_and_format_options(tmp_path, catalogue, staff):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        [["notes"]],
        sheet="Notes",
        extra_sheets={"Long": [["personnel_no", "competency", "level"], ["P-0001", "Complaint handling", 2]]},
    )
    out, _ = run(path, "--sheet", "Long", "--format", "long")
    assert "(Long, long format)" in out


def test_missing_file_and_unknown_user(tmp_path, db):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nope.csv")
    with pytest.raises(CommandError, match="no user"):
        run(tmp_path / "nope.csv", "--user", "ghost")
