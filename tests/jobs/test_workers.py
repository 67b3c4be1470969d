"""Jobs on real Celery workers against Redis and PostgreSQL: they complete, survive a killed pool process
and a killed worker, give a poison job up, wait out an unreachable broker, and give the same plans twice.

Each test starts its workers as processes of their own and kills them by process id when it ends."""

import io
import json
import os
import socket
import subprocess
import sys
import time
import zipfile

import pytest

from competencies.imports.jobs import import_job_create, upload_save
from competencies.models import Assessment, Competency, Employee
from jobs import services as jobs
from jobs.models import Job
from qualification.generation_jobs import plans_generate_in_parts, plans_generate_job_create
from qualification.models import PlanItem, QualificationPlan
from teams.models import Team

from . import handlers
from .conftest import PERIOD, ROOT, finished, plan_items, seed_organisation, wait_for

pytestmark = [pytest.mark.jobs, pytest.mark.xdist_group("jobs")]

# A worker killed as a whole leaves its message unacknowledged until the visibility timeout; the test
# shortens it (and the time limits below it) so that the message comes back within seconds.
SHORT_VISIBILITY = {
    "CELERY_VISIBILITY_TIMEOUT": "10",
    "CELERY_TASK_TIME_LIMIT": "8",
    "CELERY_TASK_SOFT_TIME_LIMIT": "7",
}


def all_teams():
    return sorted(Team.objects.values_list("id", flat=True))


def request_generation():
    return plans_generate_job_create(team_ids=all_teams(), period=str(PERIOD))


def running_part(job):
    """A part of ``job`` that is being generated and has not started writing yet."""
    return (
        Job.objects.filter(parameters__parent=job.pk, status=Job.Status.RUNNING, progress__lt=90)
        .order_by("pk")
        .first()
    )


def assert_written_once(job):
    """One plan per person and period, all from ``job``, and exactly the items an in-process run writes."""
    plans = QualificationPlan.objects.values_list("employee_id", "period")
    assert plans.count() == len(set(plans)) > 0
    assert set(QualificationPlan.objects.values_list("job_id", flat=True)) == {job.pk}
    assert PlanItem.objects.count() == job.result["items"]
    written = plan_items()
    plans_generate_in_parts(team_ids=all_teams(), period=str(PERIOD))
    assert plan_items() == written


def test_a_generation_job_completes_on_a_worker(workers):
    seed_organisation(employees=60, teams=9, competencies=20)
    workers.start("worker")
    job = finished(request_generation(), timeout=120)
    assert job.status == Job.Status.SUCCEEDED, workers.output()
    assert (job.progress, job.attempts, job.result["parts"]) == (100, 1, 2)
    assert job.message == job.result["message"] and job.result["items"] > 0
    assert_written_once(job)


def test_a_job_survives_its_pool_process_killed_halfway(workers):
    seed_organisation(employees=1600, teams=64, competencies=60)
    worker = workers.start("worker")
    job = request_generation()
    part = wait_for(lambda: running_part(job), timeout=120, what="a part of the job to be running")
    worker.kill_pool()
    job = finished(job, timeout=240)
    assert job.status == Job.Status.SUCCEEDED, workers.output()
    part.refresh_from_db()
    assert (part.status, part.attempts) == (Job.Status.SUCCEEDED, 2)  # delivered again, ran again
    assert_written_once(job)


def test_a_job_survives_its_whole_worker_killed(workers):
    seed_organisation(employees=1600, teams=64, competencies=60)
    first = workers.start("first", env=SHORT_VISIBILITY)
    job = request_generation()
    part = wait_for(lambda: running_part(job), timeout=120, what="a part of the job to be running")
    first.kill()
    workers.start("second", env=SHORT_VISIBILITY)
    job = finished(job, timeout=240)
    assert job.status == Job.Status.SUCCEEDED, workers.output()
    part.refresh_from_db()
    assert (part.status, part.attempts) == (Job.Status.SUCCEEDED, 2)
    assert_written_once(job)


def test_a_job_that_kills_its_worker_every_time_is_given_up(workers):
    workers.start("worker")
    job = finished(jobs.job_create(kind=handlers.CRASH, parameters={}), timeout=120)
    assert job.status == Job.Status.FAILED, workers.output()
    assert job.attempts == jobs.MAX_ATTEMPTS
    assert f"stopped its worker {jobs.MAX_ATTEMPTS} times" in job.message


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_job_requested_while_redis_is_unreachable_waits_and_runs_once_it_is_back(services, workers):
    seed_organisation(employees=60, teams=9, competencies=20)
    request = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.jobs.request_job", "--period", str(PERIOD), *map(str, all_teams())],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "servicelead.settings.test",
            "DATABASE_URL": services.database_url,
            "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer = json.loads(request.stdout.strip().splitlines()[-1])
    assert answer["seconds"] < 2
    assert answer["status"] == Job.Status.QUEUED and "Waiting for the job queue" in answer["message"]
    job = Job.objects.get(pk=answer["job"])
    assert "enqueue_failed_at" in job.result

    started = time.monotonic()
    workers.start("worker")  # Redis is "back": a starting worker sends what waits
    job = finished(job, timeout=120)
    assert job.status == Job.Status.SUCCEEDED, workers.output()
    assert time.monotonic() - started < 60
    assert_written_once(job)


def test_running_the_same_generation_twice_on_workers_gives_identical_plans(workers):
    seed_organisation(employees=1600, teams=64, competencies=60)
    workers.start("one")
    workers.start("two")
    first = finished(request_generation(), timeout=240)
    assert first.status == Job.Status.SUCCEEDED, workers.output()
    items = plan_items()
    again = finished(request_generation(), timeout=240)
    assert again.status == Job.Status.SUCCEEDED, workers.output()
    assert plan_items() == items
    assert again.result["plans_replaced"] == first.result["plans_created"] > 0
    assert again.result["teams"] == first.result["teams"]
    assert_written_once(again)


def test_an_import_is_read_in_a_limited_process_under_a_worker(workers, settings):
    """The importer's reader process (a fork server per process) works from a Celery pool process too, and a
    hostile file ends only that reader: the next import on the same worker succeeds."""
    seed_organisation(employees=20, teams=3, competencies=5)
    person = Employee.objects.order_by("pk").first()
    competency = Competency.objects.order_by("pk").first()
    workers.start("worker")
    hostile = upload_save(file_obj=io.BytesIO(_far_cell_workbook()), filename="far.xlsx")
    refused = finished(import_job_create(path=hostile, filename="far.xlsx"), timeout=120)
    assert refused.status == Job.Status.SUCCEEDED, workers.output()
    assert refused.result["rejected"] and refused.result["problems"][0]["code"] == "too_many_rows"
    rows = f"personnel_no,name,{competency.name}\r\n{person.personnel_no},{person.name},2\r\n"
    upload = upload_save(file_obj=io.BytesIO(rows.encode()), filename="levels.csv")
    job = finished(import_job_create(path=upload, filename="levels.csv"), timeout=120)
    assert job.status == Job.Status.SUCCEEDED, workers.output()
    assert job.result["written"]["assessments"] == 1, job.result
    assert Assessment.objects.filter(employee=person, competency=competency, level=2).exists()


def _far_cell_workbook():
    """A tiny workbook whose one data cell lies in row 99,999,999 (a reader would allocate every row)."""
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>personnel_no</t></is></c></row>'
        b'<row r="99999999"><c r="A99999999"><v>1</v></c></row></sheetData></worksheet>'
    )
    workbook = (
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        b'<sheet name="Matrix" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()
