"""Certificates: recording (validity from the competency, evidence with size and type limits, nothing
half-written), evidence served only to those who may see the person, and the expiry warnings."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from competencies import services, tasks
from competencies.models import Assessment, AuditEntry, CertificateNotice, EvidenceFile, Notification
from competencies.selectors import effective_levels
from competencies.services import EvidenceInvalid, certificate_record, certificates_warn_expiring
from teams.review import register_competency_hooks
from tests.factories import AssessmentFactory, CompetencyFactory, days_ago

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CERTIFICATE = Assessment.Source.CERTIFICATE


@pytest.fixture(autouse=True)
def competency_hooks():
    register_competency_hooks()


@pytest.fixture
def fgas(db):
    return CompetencyFactory(
        name="Refrigerant handling (F-gas)", requires_certificate=True, validity_months=24
    )


def evidence_for(employee, competency=None):
    """An evidence file of a certificate of ``employee`` (for the permission matrix too); its id."""
    assessment = AssessmentFactory(
        employee=employee, competency=competency or CompetencyFactory(), level=3, source=CERTIFICATE
    )
    evidence = EvidenceFile.objects.create(
        employee=employee,
        assessment=assessment,
        file=ContentFile(PDF, name="certificate.pdf"),
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    return evidence.pk


def test_certificate_gets_its_validity_from_the_competency_and_counts_until_it_expires(org, fgas):
    issued = days_ago(100)
    assessment = certificate_record(
        employee=org.colleague, competency=fgas, level=3, issued_on=issued, recorded_by=org.users["lead_a"]
    )
    assert assessment.valid_until == datetime.date(issued.year + 2, issued.month, issued.day)
    on_day = effective_levels(on=assessment.valid_until, employee_ids=[org.colleague.pk])
    after = effective_levels(
        on=assessment.valid_until + datetime.timedelta(days=1), employee_ids=[org.colleague.pk]
    )
    assert (int(on_day.iloc[0]["level"]), bool(on_day.iloc[0]["confirmed"])) == (3, True)
    assert after.empty
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CERTIFICATE)
    assert entry.after["valid_until"] == assessment.valid_until.isoformat()


def test_evidence_is_stored_under_a_random_name(org, fgas):
    upload = SimpleUploadedFile("Carl Colleague F-gas.pdf", PDF, content_type="application/pdf")
    assessment = certificate_record(
        employee=org.colleague,
        competency=fgas,
        level=3,
        issued_on=days_ago(1),
        recorded_by=org.users["lead_a"],
        evidence=upload,
    )
    evidence = EvidenceFile.objects.get(assessment=assessment)
    assert evidence.original_name == "Carl Colleague F-gas.pdf"
    assert evidence.file.name.startswith(f"evidence/{org.colleague.pk}/")
    assert "Carl" not in evidence.file.name
    assert default_storage.exists(evidence.file.name)


@override_settings(SERVICELEAD_EVIDENCE_MAX_BYTES=100)
def test_oversized_evidence_is_refused_and_nothing_is_written(org, fgas):
    upload = SimpleUploadedFile("scan.pdf", PDF + b"x" * 200, content_type="application/pdf")
    with pytest.raises(EvidenceInvalid, match="at most 100"):
        certificate_record(
            employee=org.colleague,
            competency=fgas,
            level=3,
            issued_on=days_ago(1),
            recorded_by=org.users["hr"],
            evidence=upload,
        )
    assert not Assessment.objects.exists()
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("scan.exe", PDF), ("scan.pdf", b"MZ\x90\x00 not a pdf"), ("scan.png", PDF), ("scan.txt", b"hello")],
)
def test_evidence_of_the_wrong_type_is_refused(org, fgas, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(EvidenceInvalid, match="Only"):
        certificate_record(
            employee=org.colleague,
            competency=fgas,
            level=3,
            issued_on=days_ago(1),
            recorded_by=org.users["hr"],
            evidence=upload,
        )
    assert not Assessment.objects.exists()


def test_a_failing_certificate_leaves_no_file_behind(org, fgas, monkeypatch):
    folder = f"evidence/{org.colleague.pk}"

    def stored():
        return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()

    before = stored()
    upload = SimpleUploadedFile("scan.png", PNG, content_type="image/png")

    # The audit entry is written after the file was stored; make it fail.
    def fail(**kwargs):
        raise RuntimeError("db down")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError, match="db down"):
        certificate_record(
            employee=org.colleague,
            competency=fgas,
            level=3,
            issued_on=days_ago(1),
            recorded_by=org.users["hr"],
            evidence=upload,
        )
    assert not Assessment.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored() == before


def test_only_a_lead_hr_or_admin_records_certificates_and_not_for_themselves(org, fgas):
    for user in (org.users["lead_b"], org.users["employee"]):
        with pytest.raises(PermissionDenied):
            certificate_record(
                employee=org.employee, competency=fgas, level=3, issued_on=days_ago(1), recorded_by=user
            )
    assert not Assessment.objects.exists()


def test_certificate_form_records_with_evidence_and_reports_bad_files(client_for, org, fgas):
    url = reverse("competencies:certificate_create", kwargs={"employee_id": org.colleague.pk})
    client = client_for("lead_a")
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "competency": fgas.pk,
            "level": 3,
            "issued_on": days_ago(1).isoformat(),
            "evidence": SimpleUploadedFile("x.pdf", b"nope"),
        },
    )
    assert bad.status_code == 200
    assert "Only JPEG, JPG, PDF, PNG files are accepted as evidence." in bad.content.decode()
    assert not Assessment.objects.exists()
    good = client.post(
        url,
        {
            "competency": fgas.pk,
            "level": 3,
            "issued_on": days_ago(1).isoformat(),
            "evidence": SimpleUploadedFile("x.pdf", PDF),
        },
    )
    assert good.status_code == 302
    assert EvidenceFile.objects.count() == 1


def test_evidence_download_is_permission_checked(client_for, org):
    url = reverse("competencies:evidence_download", kwargs={"evidence_id": evidence_for(org.colleague)})
    response = client_for("lead_a").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for("lead_b").get(url).status_code == 404
    assert client_for("employee").get(url).status_code == 404


def _certificate(employee, competency, valid_until):
    return AssessmentFactory(
        employee=employee,
        competency=competency,
        level=3,
        source=CERTIFICATE,
        assessed_on=days_ago(600),
        valid_until=valid_until,
    )


def test_expiry_warnings_reach_the_person_and_their_leads_as_notifications_at_60_and_30_days(org, fgas):
    today = days_ago(0)
    certificate = _certificate(org.employee, fgas, today + datetime.timedelta(days=60))
    assert certificates_warn_expiring(on=today - datetime.timedelta(days=1)) == 0
    assert certificates_warn_expiring(on=today) == 1
    # Everyone here has a login: the notification system writes to them (their mode), no direct mail.
    assert mail.outbox == []
    notified = Notification.objects.filter(key=f"certificate:{certificate.pk}")
    assert sorted(notified.values_list("recipient__username", flat=True)) == [
        "employee",
        "lead_a",
        "lead_dept",
    ]
    assert certificates_warn_expiring(on=today) == 0  # once per lead time
    assert certificates_warn_expiring(on=today + datetime.timedelta(days=29)) == 0
    assert certificates_warn_expiring(on=today + datetime.timedelta(days=30)) == 1
    assert CertificateNotice.objects.count() == 2


def test_a_missed_day_is_caught_up_with_one_warning(org, fgas):
    today = days_ago(0)
    _certificate(org.colleague, fgas, today + datetime.timedelta(days=20))
    assert certificates_warn_expiring(on=today) == 1
    assert sorted(CertificateNotice.objects.values_list("days_before", flat=True)) == [30, 60]
    assert "20 days" in mail.outbox[0].subject


def test_a_renewed_certificate_is_not_warned_about(org, fgas):
    today = days_ago(0)
    _certificate(org.colleague, fgas, today + datetime.timedelta(days=30))
    _certificate(org.colleague, fgas, today + datetime.timedelta(days=700))
    assert certificates_warn_expiring(on=today) == 0


def test_the_daily_task_calls_the_service(org, fgas):
    _certificate(org.colleague, fgas, days_ago(-30))
    assert tasks.certificate_expiry_warnings() == 1
