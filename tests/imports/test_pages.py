"""The import page: upload → report or preview → commit, for small files within the request and for large
ones through a dry-run job; only HR and admins; the commit trusts nothing but its signed token."""

import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies.imports import jobs as import_jobs
from competencies.imports import views as import_views
from competencies.models import Assessment, Employee
from jobs.models import Job
from qualification import job_kinds
from tests import factories

from .support import write_csv

HEADER = ["Personalnummer", "Name", "Heat pump diagnostics", "Complaint handling"]
UPLOAD = reverse("imports:upload")
COMMIT = reverse("imports:commit")


@pytest.fixture
def uploads(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / import_jobs.UPLOAD_DIRECTORY


@pytest.fixture
def hr(client_for, uploads, catalogue):
    return client_for("hr")


def csv_upload(tmp_path, rows, name="matrix.csv"):
    path = write_csv(tmp_path / name, rows, delimiter=";")
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def bad_rows(org):
    return [
        HEADER,
        [org.employee.personnel_no, org.employee.name, "9", "2"],
        ["X-404", "Nobody Known", "2", ""],
    ]


def good_rows(org):
    return [
        HEADER,
        [org.employee.personnel_no, org.employee.name, "3", "2"],
        [org.colleague.personnel_no, org.colleague.name, "1", ""],
    ]


def stored_uploads(uploads):
    return sorted(uploads.iterdir()) if uploads.exists() else []


def test_the_form_explains_both_layouts_and_the_headings(hr):
    response = hr.get(UPLOAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Matrix: one row per person" in page and "List: one row per assessment" in page
    assert "<code>Personalnummer</code>" in page and "<code>Stufe</code>" in page
    assert 'enctype="multipart/form-data"' in page


def test_a_bad_file_shows_the_report_and_writes_nothing(hr, org, tmp_path, uploads):
    response = hr.post(UPLOAD, {"file": csv_upload(tmp_path, bad_rows(org)), "format": ""})
    assert response.status_code == 200
    assert response.context["rejected"] is True
    problems = {(p["row"], p["column_letter"], p["code"]) for p in response.context["problems"]}
    assert (2, "C", "level_outside_scale") in problems
    assert (3, "A", "unknown_person") in problems
    page = response.content.decode()
    assert "Level 9 is not on the scale of" in page
    assert "No employee has this personnel number." in page
    assert "Heat pump diagnostics" in page  # the column's heading beside its letter
    assert 'name="token"' not in page and "Commit import" not in page
    assert Assessment.objects.count() == 0
    assert stored_uploads(uploads) == []  # a rejected upload is not kept


def test_the_report_speaks_german(hr, org, tmp_path, settings):
    hr.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = hr.post(UPLOAD, {"file": csv_upload(tmp_path, bad_rows(org))})
    page = response.content.decode()
    assert "Stufe 9 gehört nicht zur Skala" in page
    assert "Spalte" in page and "Begründung" in page


def test_a_corrected_file_is_previewed_then_committed_as_import_by_hr(hr, org, tmp_path, uploads):
    response = hr.post(UPLOAD, {"file": csv_upload(tmp_path, good_rows(org)), "format": "wide"})
    assert response.status_code == 200
    assert "rejected" not in response.context
    summary = response.context["summary"]
    assert (summary["rows"], summary["changes"], summary["new_people"]) == (2, 3, 0)
    changes = {
        (c["personnel_no"], c["competency"], c["old_level"], c["new_level"])
        for c in response.context["changes"]
    }
    assert (org.employee.personnel_no, "Technical systems / Heat pump diagnostics", None, 3) in changes
    page = response.content.decode()
    assert "Commit import" in page and org.colleague.name in page
    assert Assessment.objects.count() == 0  # a preview writes nothing
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)

    committed = hr.post(COMMIT, {"token": token}, follow=True)
    assert committed.redirect_chain[-1][0] == UPLOAD
    assert "3 assessments recorded by you" in committed.content.decode()
    assessments = Assessment.objects.all()
    assert assessments.count() == 3
    assert {(a.source, a.assessed_by_id) for a in assessments} == {("import", org.users["hr"].pk)}
    assert assessments.get(employee=org.employee, competency__name="Heat pump diagnostics").level == 3
    assert stored_uploads(uploads) == []


def test_create_missing_previews_new_people(hr, org, tmp_path):
    rows = [*good_rows(org), ["N-0001", "Nina New", "2", ""]]
    response = hr.post(UPLOAD, {"file": csv_upload(tmp_path, rows), "create_missing": "on"})
    assert response.context["summary"]["new_people"] == 1
    assert "Nina New" in response.content.decode()
    hr.post(COMMIT, {"token": response.context["token"]})
    assert Employee.objects.filter(personnel_no="N-0001", name="Nina New").exists()


def test_a_file_of_the_wrong_type_is_a_form_error(hr, uploads):
    upload = SimpleUploadedFile("matrix.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = hr.post(UPLOAD, {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Files of type “.pdf” cannot be imported; use .xlsx or .csv."
    ]
    assert stored_uploads(uploads) == []


def test_a_tampered_token_is_a_bad_request(hr, org, tmp_path):
    response = hr.post(UPLOAD, {"file": csv_upload(tmp_path, good_rows(org))})
    token = response.context["token"]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert hr.post(COMMIT, {"token": tampered}).status_code == 400
    # A validly signed token naming a file outside the upload directory is refused too.
    forged = signing.dumps(
        {"path": "../db.sqlite3", "filename": "x.csv", "user": org.users["hr"].pk},
        salt=import_views.TOKEN_SALT,
    )
    assert hr.post(COMMIT, {"token": forged}).status_code == 400
    assert Assessment.objects.count() == 0


def test_a_token_is_only_good_for_the_user_who_saw_the_preview(hr, client_for, org, tmp_path):
    token = hr.post(UPLOAD, {"file": csv_upload(tmp_path, good_rows(org))}).context["token"]
    assert client_for("admin").post(COMMIT, {"token": token}).status_code == 400
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("role", ["employee", "lead_a"])
def test_only_hr_and_admins_import(client_for, org, tmp_path, uploads, catalogue, role):
    client = client_for(role)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": csv_upload(tmp_path, good_rows(org))}).status_code == 403
    assert client.post(COMMIT, {"token": "x"}).status_code == 403
    assert stored_uploads(uploads) == []


def test_a_large_file_is_checked_and_committed_by_jobs(
    hr, org, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.SERVICELEAD_IMPORT_SYNC_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(UPLOAD, {"file": csv_upload(tmp_path, good_rows(org)), "format": ""})
    check = Job.objects.get(kind=import_jobs.KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[check.pk])
    assert check.parameters["dry_run"] is True and check.owner == org.users["hr"]
    assert check.status == Job.Status.SUCCEEDED  # jobs run at once in the tests

    page = hr.get(response["Location"])
    assert page.context["summary"]["changes"] == 3
    assert "Commit import" in page.content.decode()
    assert Assessment.objects.count() == 0
    status = hr.get(reverse("imports:job_status", args=[check.pk]))
    assert status["HX-Refresh"] == "true"  # a finished job reloads its page, which shows the preview

    with django_capture_on_commit_callbacks(execute=True):
        committed = hr.post(COMMIT, {"token": page.context["token"]})
    recording = Job.objects.exclude(pk=check.pk).get()
    assert committed["Location"] == reverse("imports:job", args=[recording.pk])
    assert recording.parameters["dry_run"] is False
    result = hr.get(committed["Location"])
    assert "3 assessments recorded by you" in result.content.decode()
    assert set(Assessment.objects.values_list("source", "assessed_by")) == {("import", org.users["hr"].pk)}


def test_a_large_bad_file_shows_the_report_from_the_job(
    hr, org, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.SERVICELEAD_IMPORT_SYNC_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(UPLOAD, {"file": csv_upload(tmp_path, bad_rows(org))})
    response = hr.get(response["Location"])
    assert response.context["rejected"] is True
    assert (2, "C", "level_outside_scale") in {
        (p["row"], p["column_letter"], p["code"]) for p in response.context["problems"]
    }
    assert "Level 9 is not on the scale of" in response.content.decode()
    assert "Commit import" not in response.content.decode()
    # The job ran to its end, but what the page says first is how the import came out.
    assert response.context["outcome"][1] == "Rejected"
    assert 'id="import-outcome">Rejected<' in response.content.decode()
    assert "File checked" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_a_running_job_page_polls_its_status(hr, org):
    job = factories.JobFactory(
        kind=import_jobs.KIND,
        owner=org.users["hr"],
        status=Job.Status.RUNNING,
        progress=30,
        parameters={"path": "imports/x.csv", "filename": "x.csv", "dry_run": True},
    )
    page = hr.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("imports:job_status", args=[job.pk])}"' in page
    status = hr.get(reverse("imports:job_status", args=[job.pk]))
    assert "HX-Refresh" not in status
    assert 'aria-valuenow="30"' in status.content.decode()


def test_other_jobs_are_not_import_pages(hr, org):
    job = factories.JobFactory(kind=job_kinds.GENERATE_PLANS, owner=org.users["hr"])
    assert hr.get(reverse("imports:job", args=[job.pk])).status_code == 404
