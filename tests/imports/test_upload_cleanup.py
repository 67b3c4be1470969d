"""Uploads do not pile up in MEDIA_ROOT/imports/: removed after commit and rejection (test_pages,
test_job), after a crashed check, and once their preview has expired (beat task, and on every upload)."""

import io
import os
import time

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies import tasks
from competencies.imports import jobs as import_jobs
from jobs.models import Job
from tests import factories

UPLOAD = reverse("imports:upload")


@pytest.fixture
def uploads(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    directory = tmp_path / import_jobs.UPLOAD_DIRECTORY
    directory.mkdir()
    return directory


def aged(path, seconds):
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))
    return path


def test_a_check_that_crashes_leaves_no_upload_behind(client_for, org, uploads, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("reader bug")

    monkeypatch.setattr("competencies.imports.views.import_file", crash)
    upload = SimpleUploadedFile("m.csv", b"personnel_no;name\nP-1;A\n", content_type="text/csv")
    with pytest.raises(RuntimeError):
        client_for("hr").post(UPLOAD, {"file": upload})
    assert list(uploads.iterdir()) == []


def test_expired_uploads_are_removed_unless_a_job_still_reads_them(db, uploads):
    fresh = uploads / "fresh.csv"
    fresh.write_text("x")
    abandoned = uploads / "abandoned.csv"
    abandoned.write_text("x")
    aged(abandoned, import_jobs.PREVIEW_MAX_AGE + 60)
    queued = uploads / "queued.xlsx"
    queued.write_text("x")
    aged(queued, import_jobs.PREVIEW_MAX_AGE + 60)
    factories.JobFactory(
        kind=import_jobs.KIND, status=Job.Status.QUEUED, parameters={"path": "imports/queued.xlsx"}
    )
    finished = uploads / "finished.csv"
    finished.write_text("x")
    aged(finished, import_jobs.PREVIEW_MAX_AGE + 60)
    factories.JobFactory(
        kind=import_jobs.KIND, status=Job.Status.SUCCEEDED, parameters={"path": "imports/finished.csv"}
    )

    assert tasks.import_uploads_expire() == 2
    assert sorted(path.name for path in uploads.iterdir()) == ["fresh.csv", "queued.xlsx"]
    assert tasks.import_uploads_expire() == 0


def test_every_upload_clears_out_expired_ones(db, uploads):
    # The embedded default runs no beat: saving an upload removes the abandoned ones.
    abandoned = uploads / "abandoned.csv"
    abandoned.write_text("x")
    aged(abandoned, import_jobs.PREVIEW_MAX_AGE + 1)
    stored = import_jobs.upload_save(file_obj=io.BytesIO(b"personnel_no,name\nP-1,A\n"), filename="m.csv")
    assert [path.name for path in uploads.iterdir()] == [stored.split("/")[-1]]


def test_the_beat_schedule_runs_the_expiry():
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "competencies.tasks.import_uploads_expire" in scheduled
