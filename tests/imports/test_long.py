"""The long format: one row per assessment, with source, date and validity."""

import datetime

import pytest

from competencies.imports import ImportRejected
from competencies.models import Assessment, Employee
from tests import factories

from .support import codes, commit, plan_for, row_counts, write_csv, write_xlsx

LONG_HEADER = ["personnel_no", "competency", "level", "source", "assessed_on", "valid_until"]


def test_long_csv_records_each_row_with_its_source_and_dates(tmp_path, catalogue, staff, importer):
    path = write_csv(
        tmp_path / "long.csv",
        [
            LONG_HEADER,
            ["P-0001", "Heat pump diagnostics", "3", "manager", "2026-01-10", ""],
            ["P-0001", "Remote support", "2", "certificate", "2025-06-01", "2027-06-01"],
            ["P-0002", "Complaint handling", "1", "self", "2026-02-01", ""],
            ["P-0003", "Complaint handling", "2", "", "", ""],
        ],
    )
    plan, written = commit(path, user=importer, on=datetime.date(2026, 11, 27))
    assert written["assessments"] == 4
    stored = {
        (a.employee_id, a.competency_id): a for a in Assessment.objects.select_related(None).order_by("id")
    }
    diagnostics = stored[(staff.erika.pk, catalogue.diagnostics.pk)]
    assert (diagnostics.level, diagnostics.source, diagnostics.assessed_on) == (
        3,
        "manager",
        datetime.date(2026, 1, 10),
    )
    remote = stored[(staff.erika.pk, catalogue.remote.pk)]
    assert (remote.source, remote.valid_until) == ("certificate", datetime.date(2027, 6, 1))
    assert stored[(staff.carl.pk, catalogue.complaints.pk)].source == "self"
    undated = stored[(staff.bea.pk, catalogue.complaints.pk)]
    assert (undated.source, undated.assessed_on) == ("import", datetime.date(2026, 11, 27))
    assert {a.assessed_by_id for a in stored.values()} == {importer.pk}


def test_german_headers_semicolons_and_cp1252_are_read(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "bewertungen.csv",
        [
            ["Personalnummer", "Name", "Kompetenz", "Stufe", "Quelle", "Bewertet am", "Gültig bis"],
            ["P-0001", "Erika Müller", "Heat pump diagnostics", "3", "Führungskraft", "10.01.2026", ""],
            ["P-0002", "Carl Colleague", "Remote support", "1", "Zertifikat", "01.06.2025", "01.06.2027"],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    plan = plan_for(path)
    assert plan.is_valid, [str(p) for p in plan.problems]
    assert plan.parsed.format == "long"
    assert plan.writes["source"].tolist() == ["manager", "certificate"]
    assert plan.writes["valid_until"].tolist() == [None, datetime.date(2027, 6, 1)]


def test_niveau_and_datum_are_accepted_too(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "b.csv",
        [
            ["Personalnummer", "Kompetenz", "Niveau", "Datum"],
            ["P-0001", "Heat pump diagnostics", "2", "2026-03-01"],
        ],
    )
    plan = plan_for(path)
    assert plan.is_valid
    assert plan.writes["assessed_on"].tolist() == [datetime.date(2026, 3, 1)]


def test_a_certificate_without_validity_gets_the_competencys_validity(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "c.csv",
        [LONG_HEADER, ["P-0001", "Remote support", "2", "certificate", "2026-01-31", ""]],
    )
    plan = plan_for(path)
    assert plan.writes["valid_until"].tolist() == [datetime.date(2028, 1, 31)]


def test_reimporting_a_long_file_adds_nothing(tmp_path, catalogue, staff):
    path = write_xlsx(
        tmp_path / "long.xlsx",
        [
            LONG_HEADER,
            ["P-0001", "Heat pump diagnostics", 3, "manager", datetime.date(2026, 1, 10), None],
            ["P-0001", "Heat pump diagnostics", 4, "manager", datetime.date(2026, 3, 10), None],
            ["P-0002", "Remote support", 2, "certificate", datetime.date(2025, 6, 1), None],
            ["P-0003", "Complaint handling", 1, None, None, None],
        ],
    )
    commit(path)
    before = row_counts()
    plan, written = commit(path)
    assert written["assessments"] == 0
    assert plan.summary()["unchanged"] == 4
    assert row_counts() == before


def test_long_preview_shows_how_todays_level_changes(tmp_path, catalogue, staff):
    factories.AssessmentFactory(employee=staff.erika, competency=catalogue.diagnostics, level=2)
    path = write_csv(
        tmp_path / "l.csv",
        [
            LONG_HEADER,
            # An older assessment: recorded, but today's level stays 2.
            ["P-0001", "Heat pump diagnostics", "1", "manager", "2020-01-01", ""],
            # A self-assessment does not beat the confirmed level either.
            ["P-0001", "Heat pump diagnostics", "4", "self", "2026-11-01", ""],
            ["P-0002", "Heat pump diagnostics", "3", "manager", "2026-11-01", ""],
        ],
    )
    plan = plan_for(path, on=datetime.date(2026, 11, 27))
    assert len(plan.writes) == 3
    assert [(c["personnel_no"], c["old_level"], c["new_level"], c["row"]) for c in plan.change_records()] == [
        ("P-0002", None, 3, 4)
    ]


def test_long_create_missing_takes_the_name_from_any_row_of_the_person(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "l.csv",
        [
            ["personnel_no", "name", "competency", "level"],
            ["P-0200", "", "Heat pump diagnostics", "2"],
            ["P-0200", "Nora Neu", "Complaint handling", "3"],
        ],
    )
    plan, written = commit(path, create_missing=True)
    assert written["new_people"] == 1
    assert Employee.objects.get(personnel_no="P-0200").name == "Nora Neu"
    assert Assessment.objects.filter(employee__personnel_no="P-0200").count() == 2


def test_format_option_forces_the_long_format(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "w.csv", [["personnel_no", "name", "Heat pump diagnostics"], ["P-0001", "E", "2"]]
    )
    with pytest.raises(ImportRejected) as rejected:
        plan_for(path, format="long")
    assert sorted(codes(rejected.value)) == ["missing_column", "missing_column", "unknown_column"]
