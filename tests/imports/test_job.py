"""Large imports as a background job: the handler reads the stored upload and reports progress."""

import pytest

from competencies.imports import jobs as import_jobs
from competencies.models import Assessment
from jobs import services as job_services
from jobs.models import Job
from tests import factories

from .support import row_counts, write_csv

HEADER = ["personnel_no", "name", "Heat pump diagnostics"]


@pytest.fixture
def uploads(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    directory = tmp_path / import_jobs.UPLOAD_DIRECTORY
    directory.mkdir()
    return directory


def run_job(path, owner, **parameters):
    job = factories.JobFactory(
        kind=import_jobs.KIND,
        parameters={"path": str(path), "format": None, "sheet": None, "create_missing": False, **parameters},
        owner=owner,
    )
    return job_services.job_run(job_id=job.pk)


def test_the_job_imports_the_upload_as_its_owner(uploads, catalogue, staff, importer, monkeypatch):
    reported = []
    original = job_services.job_progress
    monkeypatch.setattr(
        job_services, "job_progress", lambda **kw: reported.append(kw["percent"]) or original(**kw)
    )
    path = write_csv(uploads / "m.csv", [HEADER, ["P-0001", "Erika Müller", "3"], ["P-0100", "New", "2"]])
    job = run_job("imports/m.csv", importer, create_missing=True)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["rejected"] is False
    assert job.result["written"] == {"new_people": 1, "assessments": 2, "changes": 2}
    assert job.result["summary"]["changes"] == 2
    assert reported == [5, 30, 60]
    assert set(Assessment.objects.values_list("assessed_by", flat=True)) == {importer.pk}
    # The recorded upload is removed; another job naming it writes nothing and says why.
    assert not path.exists()
    before = row_counts()
    again = run_job("imports/m.csv", importer, create_missing=True)
    assert again.result["rejected"] is True
    assert again.result["problems"][0]["code"] == "upload_gone"
    assert row_counts() == before


def test_a_rejected_upload_is_reported_in_the_result(uploads, catalogue, staff, importer):
    write_csv(uploads / "m.csv", [HEADER, ["P-0001", "E", "9"]])
    before = row_counts()
    job = run_job("imports/m.csv", importer, filename="Skills 2026.csv")
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["rejected"] is True
    assert job.result["problem_count"] == 1
    assert job.result["problems"][0]["row"] == 2
    assert job.result["problems"][0]["code"] == "level_outside_scale"
    assert job.result["problems"][0]["sheet"] == "Skills 2026.csv"
    assert row_counts() == before
    assert not (uploads / "m.csv").exists()  # a rejected upload is not kept


def test_an_unreadable_upload_is_reported_too(uploads, db, importer):
    (uploads / "m.xlsx").write_bytes(b"not a workbook")
    job = run_job("imports/m.xlsx", importer)
    assert job.result["rejected"] is True
    assert job.result["problems"][0]["code"] == "xlsx_is_text"


@pytest.mark.parametrize("path", ["../secret.csv", "/etc/passwd", "imports/../m.csv", "imports"])
def test_the_job_reads_only_files_under_media_imports(uploads, db, importer, path):
    job = run_job(path, importer)
    assert job.status == Job.Status.FAILED
    assert "MEDIA_ROOT/imports" in job.message


def test_import_job_create_records_a_queued_job(uploads, db, importer, django_capture_on_commit_callbacks):
    write_csv(uploads / "m.csv", [HEADER])
    with django_capture_on_commit_callbacks(execute=False):
        job = import_jobs.import_job_create(path="imports/m.csv", owner=importer, create_missing=True)
    assert (job.kind, job.parameters["create_missing"], job.status) == (
        import_jobs.KIND,
        True,
        Job.Status.QUEUED,
    )
    with pytest.raises(import_jobs.UploadPathInvalid):
        import_jobs.import_job_create(path="/tmp/elsewhere.csv")  # noqa: S108


def test_upload_save_stores_the_upload_for_the_job(uploads, catalogue, staff, importer):
    import io

    from competencies.imports import ImportRejected

    path = import_jobs.upload_save(
        file_obj=io.BytesIO("personnel_no,name,Complaint handling\nP-0001,Erika Müller,2\n".encode()),
        filename="Matrix.CSV",
    )
    assert path.startswith("imports/") and path.endswith(".csv")
    job = run_job(path, importer)
    assert job.result["written"]["assessments"] == 1
    with pytest.raises(ImportRejected):
        import_jobs.upload_save(file_obj=io.BytesIO(b"x"), filename="evil.sh")
