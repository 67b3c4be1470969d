"""Privacy: "download my data" (JSON and xlsx, everything stored about the person), anonymising a person
who has left (HR only; levels kept as anonymous statistics), and the audit history page."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from competencies import privacy, services
from competencies.models import Assessment, AuditEntry, EvidenceFile, Interest, SelfAssessmentDraft
from teams.gaps.report import gap_report
from teams.review import register_competency_hooks
from tests.competencies.test_certificates import evidence_for
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    InterestFactory,
    TeamRequirementFactory,
    days_ago,
)

SELF = Assessment.Source.SELF
MANAGER = Assessment.Source.MANAGER


@pytest.fixture(autouse=True)
def competency_hooks():
    register_competency_hooks()


@pytest.fixture
def history(org):
    """Erika with a confirmed level, a self-assessment with a note, an interest and a draft."""
    competency = CompetencyFactory(name="Heat pump diagnostics")
    AssessmentFactory(
        employee=org.employee, competency=competency, level=2, source=MANAGER, note="Solid work"
    )
    AssessmentFactory(
        employee=org.employee, competency=competency, level=3, source=SELF, note="=HYPERLINK(1)"
    )
    InterestFactory(employee=org.employee, competency=competency, target_level=4)
    SelfAssessmentDraft.objects.create(
        employee=org.employee, rows={str(competency.pk): {"level": 4, "note": "draft"}}
    )
    return competency


def export(client, fmt):
    response = client.get(reverse("competencies:my_data_export", kwargs={"fmt": fmt}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return response


def test_json_export_holds_everything_stored_about_the_person(client_for, org, history):
    data = json.loads(export(client_for("employee"), "json").content)
    assert data["employee"][0]["name"] == "Erika Employee"
    assert [(row["level"], row["source"]) for row in data["assessments"]] == [(2, "manager"), (3, "self")]
    assert data["interests"][0]["target_level"] == 4
    assert data["self_assessment_draft"][0]["note"] == "draft"
    assert data["memberships"][0]["team"] == "Field Service North"  # from the teams provider
    assert "history" in data and "evidence_files" in data
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED, employee=org.employee).count() == 1


def test_xlsx_export_has_a_sheet_per_section_and_neutralises_formulas(client_for, org, history):
    workbook = load_workbook(io.BytesIO(export(client_for("employee"), "xlsx").content))
    assert {"employee", "assessments", "interests", "memberships"} <= set(workbook.sheetnames)
    notes = [row[7] for row in workbook["assessments"].iter_rows(min_row=2, values_only=True)]
    assert notes == ["Solid work", "'=HYPERLINK(1)"]


def test_export_is_for_ones_own_data_only(client_for, org):
    assert (
        client_for("hr").get(reverse("competencies:my_data_export", kwargs={"fmt": "json"})).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        privacy.personal_data_export(employee=org.employee, user=org.users["hr"], fmt="json")
    assert (
        client_for("employee").get(reverse("competencies:my_data_export", kwargs={"fmt": "csv"})).status_code
        == 404
    )


def _leave(employee):
    employee.is_active = False
    employee.left_on = days_ago(10)
    employee.save()


def test_hr_anonymises_a_person_who_left_and_the_levels_stay(
    org, history, django_capture_on_commit_callbacks
):
    TeamRequirementFactory(team=org.team_a, competency=history, required_level=2)
    before = gap_report(team=org.team_a, on=days_ago(20))
    evidence = EvidenceFile.objects.get(pk=evidence_for(org.employee))
    services.assessments_review(
        employee=org.employee,
        user=org.users["lead_a"],
        decisions=[
            {
                "competency_id": history.pk,
                "action": "discuss",
                "reason": "Talk with Erika",
                "seen": _latest(org.employee, history),
            }
        ],
    )
    _leave(org.employee)
    with django_capture_on_commit_callbacks(execute=True):  # evidence files go once the rows are gone
        privacy.employee_anonymise(employee=org.employee, user=org.users["hr"])
    erika = type(org.employee).objects.get(pk=org.employee.pk)
    assert (erika.name, erika.personnel_no, erika.email, erika.user) == (
        f"Anonymised #{erika.pk}",
        f"ANON-{erika.pk}",
        "",
        None,
    )
    assert set(Assessment.objects.filter(employee=erika).values_list("note", flat=True)) == {""}
    assert Assessment.objects.filter(employee=erika).count() == 3
    assert not Interest.objects.filter(employee=erika).exists()
    assert not SelfAssessmentDraft.objects.filter(employee=erika).exists()
    assert not EvidenceFile.objects.filter(employee=erika).exists()
    assert not default_storage.exists(evidence.file.name)
    assert not AuditEntry.objects.filter(employee=erika).exclude(reason="").exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ANONYMISED)
    assert entry.actor == org.users["hr"]
    assert "Erika" not in json.dumps(entry.after) + json.dumps(entry.before)
    assert gap_report(team=org.team_a, on=days_ago(20))["requirements"] == before["requirements"]


def _latest(employee, competency):
    """The id of the pair's latest assessment, as the review page hands it to the service."""
    rows = Assessment.objects.filter(employee=employee, competency=competency)
    return rows.order_by("-id").values_list("id", flat=True).first()


def test_only_hr_anonymises_and_only_people_who_left(org, history):
    with pytest.raises(services.AssessmentInvalid, match="has left"):
        privacy.employee_anonymise(employee=org.employee, user=org.users["hr"])
    _leave(org.employee)
    with pytest.raises(PermissionDenied):
        privacy.employee_anonymise(employee=org.employee, user=org.users["lead_a"])
    privacy.employee_anonymise(employee=org.employee, user=org.users["admin"])
    with pytest.raises(services.AssessmentInvalid, match="already"):
        privacy.employee_anonymise(employee=org.employee, user=org.users["hr"])


def test_anonymise_page_asks_for_confirmation(client_for, org, history):
    _leave(org.employee)
    url = reverse("competencies:employee_anonymise", kwargs={"employee_id": org.employee.pk})
    client = client_for("hr")
    assert client.post(url, {}).status_code == 200
    assert org.employee.name == type(org.employee).objects.get(pk=org.employee.pk).name
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert type(org.employee).objects.get(pk=org.employee.pk).name.startswith("Anonymised #")


def test_history_page_shows_who_did_what_before_and_after(client_for, org, history):
    services.assessments_review(
        employee=org.employee,
        user=org.users["lead_a"],
        decisions=[
            {"competency_id": history.pk, "action": "confirm", "seen": _latest(org.employee, history)}
        ],
    )
    url = reverse("competencies:employee_history", kwargs={"employee_id": org.employee.pk})
    response = client_for("hr").get(url)
    assert response.status_code == 200
    entry = response.context["entries"][0]
    assert entry["entry"].actor_name == "lead_a"
    changes = [(str(label), before, after) for label, before, after in entry["changes"]]
    assert changes == [("self-assessed", "3", "—"), ("confirmed", "2", "—"), ("level", "—", "3")]
    content = response.content.decode()
    assert "Confirmed a level" in content and "Heat pump diagnostics" in content
    assert client_for("lead_a").get(url).status_code == 403
    assert client_for("employee").get(url).status_code == 403
