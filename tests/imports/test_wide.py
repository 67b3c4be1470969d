"""The wide matrix: one row per person, one column per competency."""

from django.utils import timezone

from competencies.models import Assessment, Employee
from competencies.selectors import effective_levels
from tests import factories

from .support import codes, commit, plan_for, row_counts, write_csv, write_xlsx


def levels_now(*employees):
    frame = effective_levels(on=timezone.localdate(), employee_ids=[e.pk for e in employees])
    return {(row.employee_id, row.competency_id): row.level for row in frame.itertuples()}


def test_wide_csv_records_import_assessments_by_the_importing_user(tmp_path, catalogue, staff, importer):
    path = write_csv(
        tmp_path / "matrix.csv",
        [
            [
                "personnel_no",
                "name",
                "team",
                "Heat pump diagnostics",
                "Customer & people / Complaint handling",
            ],
            ["P-0001", "Erika Müller", "North", "3", "2"],
            ["P-0002", "Carl Colleague", "North", "", "4"],
        ],
    )
    plan, written = commit(path, user=importer)
    assert written == {"new_people": 0, "assessments": 3, "changes": 3}
    stored = Assessment.objects.order_by("id")
    assert [(a.employee_id, a.competency_id, a.level) for a in stored] == [
        (staff.erika.pk, catalogue.diagnostics.pk, 3),
        (staff.erika.pk, catalogue.complaints.pk, 2),
        (staff.carl.pk, catalogue.complaints.pk, 4),
    ]
    assert {a.source for a in stored} == {"import"}
    assert {a.assessed_by_id for a in stored} == {importer.pk}
    assert {a.assessed_on for a in stored} == {plan.on}
    assert {a.note for a in stored} == {"Imported from matrix.csv"}
    assert all(timezone.is_aware(a.created_at) for a in stored)
    assert {a.valid_until for a in stored} == {None}
    assert levels_now(staff.erika, staff.carl)[(staff.carl.pk, catalogue.complaints.pk)] == 4


def test_wide_preview_lists_changes_and_unchanged_cells(tmp_path, catalogue, staff):
    factories.AssessmentFactory(employee=staff.erika, competency=catalogue.diagnostics, level=3)
    factories.AssessmentFactory(employee=staff.erika, competency=catalogue.complaints, level=1)
    path = write_csv(
        tmp_path / "matrix.csv",
        [
            ["personnel_no", "name", "Heat pump diagnostics", "Complaint handling"],
            ["P-0001", "Erika Müller", "3", "2"],
        ],
    )
    plan = plan_for(path)
    assert plan.is_valid
    assert plan.summary()["unchanged"] == 1
    assert plan.change_records() == [
        {
            "row": 2,
            "personnel_no": "P-0001",
            "name": "Erika Müller",
            "competency_id": catalogue.complaints.pk,
            "competency": "Customer & people / Complaint handling",
            "old_level": 1,
            "new_level": 2,
        }
    ]


def test_reimporting_the_same_file_adds_nothing(tmp_path, catalogue, staff):
    path = write_xlsx(
        tmp_path / "matrix.xlsx",
        [
            ["Personalnummer", "Name", "Heat pump diagnostics", "Complaint handling"],
            ["P-0001", "Erika Müller", 3, 0],
            ["P-0002", "Carl Colleague", 2, 4],
        ],
    )
    commit(path)
    before = row_counts()
    plan, written = commit(path)
    assert written["assessments"] == 0
    assert plan.summary()["unchanged"] == 4
    assert plan.summary()["unchanged_rows"] == 2
    assert row_counts() == before


def test_zero_for_an_unassessed_competency_changes_nothing(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv", [["personnel_no", "name", "Complaint handling"], ["P-0001", "E", "0"]]
    )
    plan, written = commit(path)
    assert written["assessments"] == 0


def test_competency_headers_match_case_and_whitespace_insensitively(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["personnel_no", "name", "  heat PUMP   diagnostics ", "customer&people/complaint handling"],
            ["P-0001", "E", "1", "2"],
        ],
    )
    plan = plan_for(path)
    assert plan.is_valid, [str(p) for p in plan.problems]
    assert sorted(plan.writes["competency_id"]) == sorted([catalogue.diagnostics.pk, catalogue.complaints.pk])


def test_category_form_resolves_a_name_two_categories_share(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv",
        [["personnel_no", "name", "Technical systems / Documentation"], ["P-0001", "E", "2"]],
    )
    plan = plan_for(path)
    assert plan.writes["competency_id"].tolist() == [catalogue.doc_technical.pk]


def test_create_missing_adds_people_with_their_levels(tmp_path, catalogue, staff, importer):
    path = write_csv(
        tmp_path / "m.csv",
        [
            ["personnel_no", "name", "Heat pump diagnostics"],
            ["P-0100", "Neu Person", "2"],
            ["P-0001", "E", "1"],
        ],
    )
    plan, written = commit(path, user=importer, create_missing=True)
    assert written == {"new_people": 1, "assessments": 2, "changes": 2}
    assert plan.new_people_records() == [{"row": 2, "personnel_no": "P-0100", "name": "Neu Person"}]
    newcomer = Employee.objects.get(personnel_no="P-0100")
    assert newcomer.name == "Neu Person"
    assert Assessment.objects.get(employee=newcomer).level == 2


def test_without_create_missing_an_unknown_person_is_a_problem(tmp_path, catalogue, staff):
    path = write_csv(
        tmp_path / "m.csv", [["personnel_no", "name", "Heat pump diagnostics"], ["P-0100", "Neu", "2"]]
    )
    before = row_counts()
    plan = plan_for(path)
    assert codes(plan) == ["unknown_person"]
    assert row_counts() == before
