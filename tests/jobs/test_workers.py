"""Jobs on real Celery workers against Redis and PostgreSQL: they complete, survive a killed pool process
and a killed worker, give a poison job up, wait out an unreachable broker, and give the same plans twice.

Each test starts its workers as processes of their own and kills them by process id when it ends."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

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
