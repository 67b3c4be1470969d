"""Random input never escapes as anything but a report, and never leaves a partial write."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competencies.imports import ImportRejected, import_file
from competencies.models import Assessment, Employee

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADINGS = st.sampled_from(
    [
        "personnel_no",
        "Personalnummer",
        "name",
        "team",
        "competency",
        "Kompetenz",
        "level",
        "Stufe",
        "source",
        "assessed_on",
        "Gültig bis",
        "Heat pump diagnostics",
        "Technical systems / Remote support",
        "Documentation",
        "",
        "=cmd|' /C calc'!A0",
    ]
)
CELLS = st.one_of(
    st.sampled_from(["P-0001", "P-0002", "P-9999", "0", "1", "2", "3", "4", "5", "-1", "2.5", "", " ", "x"]),
    st.sampled_from(["self", "manager", "certificate", "hearsay", "2026-01-10", "31.12.2099", "10.01.2026"]),
    st.sampled_from(["Heat pump diagnostics", "Documentation", "Remote support", "=1+1", "'-3", "Müller"]),
    st.text(max_size=12),
)


def outcome(data, filename, **options):
    """Run the whole import; returns (rejected?, rows written) and checks the write was all or nothing."""
    before = Assessment.objects.count(), Employee.objects.count()
    try:
        plan, written = import_file(file_obj=io.BytesIO(data), filename=filename, **options)
    except ImportRejected as rejection:
        assert rejection.problems
        assert (Assessment.objects.count(), Employee.objects.count()) == before
        return
    after = Assessment.objects.count(), Employee.objects.count()
    if written is None:
        assert not plan.is_valid
        assert plan.problems
        assert after == before
    else:
        assert after == (before[0] + written["assessments"], before[1] + written["new_people"])


@FUZZ
@given(data=st.binary(max_size=2000), extension=st.sampled_from(["csv", "xlsx"]))
def test_random_bytes_are_rejected_or_imported_never_crash(catalogue, staff, data, extension):
    outcome(data, f"fuzz.{extension}")


@FUZZ
@given(
    data=st.binary(max_size=600),
    prefix=st.sampled_from([b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"personnel_no;name\r\n"]),
)
def test_random_bytes_behind_known_prefixes(catalogue, staff, data, prefix):
    outcome(prefix + data, "fuzz.xlsx" if prefix.startswith(b"PK") else "fuzz.csv")


@FUZZ
@given(
    headings=st.lists(HEADINGS, min_size=1, max_size=6),
    rows=st.lists(st.lists(CELLS, max_size=7), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    create_missing=st.booleans(),
)
def test_random_csv_tables_are_rejected_or_imported_never_crash(
    catalogue, staff, headings, rows, delimiter, encoding, create_missing
):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows([headings, *rows])
    data = buffer.getvalue().encode(encoding, errors="replace")
    outcome(data, "fuzz.csv", create_missing=create_missing)
