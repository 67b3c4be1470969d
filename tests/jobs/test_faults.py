"""Jobs under faults, without workers (issue #19, item 8): leases and the sweep, transient faults retried
inside a part, concurrent deliveries, duplicate requests, "finish the rest" of a failed split job, the
worker's main process after a lost pool process, and messages without server details.

The same faults on real workers are in test_workers.py."""

import datetime
import time

import pytest
from billiard.exceptions import WorkerLostError
from celery import current_app
from django.db import OperationalError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs import broker, tasks
from jobs import services as jobs
from jobs.models import Job
from qualification.generation_jobs import plans_generate_in_parts, plans_generate_job_create
from qualification.models import QualificationPlan
from teams.models import Team
from tests.factories import JobFactory, UserFactory

from . import handlers
from .conftest import PERIOD, plan_items, seed_organisation

# --------------------------------------------------------------------------------------------------
# Leases


def _expire(job):
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_claim_holds_a_lease_that_its_holder_renews(db, settings):
    settings.SERVICELEAD_JOBS_LEASE_SECONDS = 30
    job = jobs.job_claim(job_id=JobFactory(kind=handlers.REPORTS).pk, worker="w1@host:1")
    assert job.status == Job.Status.RUNNING and job.worker == "w1@host:1" and job.lease_token
    assert job.lease_expires_at > timezone.now() + datetime.timedelta(seconds=25)
    _expire(job)
    assert jobs.job_lease_renew(job_id=job.pk, token=job.lease_token) is True
    job.refresh_from_db()
    assert job.lease_expires_at > timezone.now()
    assert jobs.job_lease_renew(job_id=job.pk, token="someone else") is False


def test_the_sweep_hands_a_job_whose_lease_expired_to_another_worker(db, published):
    job = jobs.job_claim(job_id=JobFactory(kind=handlers.REPORTS).pk, worker="gone@host:7")
    alive = jobs.job_claim(job_id=JobFactory(kind=handlers.REPORTS).pk, worker="busy@host:8")
    _expire(job)
    jobs.jobs_requeue()
    job.refresh_from_db()
    alive.refresh_from_db()
    assert (job.status, job.lease_token, published) == (Job.Status.QUEUED, "", [job.pk])
    assert alive.status == Job.Status.RUNNING
    # The lost holder may not write anything any more; the next delivery takes the job over.
    with pytest.raises(jobs.JobCancelled):
        jobs.job_progress(job_id=job.pk, percent=50, token="stale")
    assert jobs.job_run(job_id=job.pk, worker="next@host:9").status == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert (job.attempts, job.worker) == (2, "next@host:9")


def test_the_sweep_resends_a_queued_job_whose_message_the_broker_no_longer_holds(db, published, monkeypatch):
    # Redis restarted empty: the job was sent a minute ago and is in no queue and held by no worker.
    held = JobFactory(kind=handlers.REPORTS, result={"enqueued_at": time.time() - 60, "task_id": "held"})
    lost = JobFactory(kind=handlers.REPORTS, result={"enqueued_at": time.time() - 60, "task_id": "lost"})
    monkeypatch.setattr(broker, "task_ids_held", lambda: {"held"})
    assert jobs.jobs_requeue() == 1
    assert published == [lost.pk]
    lost.refresh_from_db()
    assert lost.result["task_id"] != "lost" and held.pk not in published


def test_a_delivery_finds_a_job_held_by_a_live_lease_and_leaves_it_alone(db):
    """One message delivered three times at once: the delivery holding the lease runs attempt 3, the others
    neither run the job nor fail it."""
    job = JobFactory(kind=handlers.REPORTS, attempts=jobs.MAX_ATTEMPTS - 1)
    running = jobs.job_claim(job_id=job.pk, worker="w@host:1")
    assert running.attempts == jobs.MAX_ATTEMPTS
    for _duplicate in range(2):
        assert jobs.job_run(job_id=job.pk, worker="w@host:2") is None
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lease_token) == (Job.Status.RUNNING, 3, running.lease_token)
    jobs.job_progress(job_id=job.pk, percent=40, token=running.lease_token)


def test_a_job_that_ran_out_of_attempts_is_given_up_when_it_is_next_claimable(db, published):
    job = JobFactory(kind=handlers.REPORTS, attempts=jobs.MAX_ATTEMPTS - 1)
    jobs.job_claim(job_id=job.pk, worker="w@host:1")
    _expire(job)
    jobs.jobs_requeue()
    assert jobs.job_run(job_id=job.pk, worker="w@host:2") is None
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and f"after {jobs.MAX_ATTEMPTS} attempts" in job.message


# --------------------------------------------------------------------------------------------------
# Transient faults


def test_a_connection_error_in_a_part_retries_the_part_and_never_fails_the_job(db, settings):
    settings.SERVICELEAD_JOBS_RETRY_DELAY_SECONDS = 0
    job = JobFactory(kind=handlers.FLAKY, parameters={"failures": jobs.TRANSIENT_RETRIES})
    job = jobs.job_run(job_id=job.pk, worker="w@host:1")
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 1)
    assert job.message == f"done after {jobs.TRANSIENT_RETRIES} transient errors"


def test_a_fault_that_outlasts_the_retries_puts_the_job_back_in_the_queue(db, settings, published):
    settings.SERVICELEAD_JOBS_RETRY_DELAY_SECONDS = 0
    job = JobFactory(kind=handlers.FLAKY, parameters={"failures": 99})
    job = jobs.job_run(job_id=job.pk, worker="w@host:1")
    assert job.status == Job.Status.QUEUED and job.lease_token == ""
    assert "temporary fault" in job.message and "connection" not in job.message
    assert published == [job.pk]


def test_the_task_does_not_fail_its_job_on_a_transient_error(db, settings):
    settings.SERVICELEAD_JOBS_RETRY_DELAY_SECONDS = 0
    job = JobFactory(kind=handlers.FLAKY, parameters={"failures": 1})
    assert tasks.run_job.apply(args=[job.pk]).get() == Job.Status.SUCCEEDED


# --------------------------------------------------------------------------------------------------
# Identical requests


def test_an_identical_request_while_the_job_is_queued_or_running_returns_that_job(db, published):
    first = jobs.job_create(kind=handlers.REPORTS, parameters={"steps": 2})
    assert jobs.job_create(kind=handlers.REPORTS, parameters={"steps": 2}).pk == first.pk
    assert jobs.job_create(kind=handlers.REPORTS, parameters={"steps": 3}).pk != first.pk
    jobs.job_claim(job_id=first.pk, worker="w@host:1")
    assert jobs.job_create(kind=handlers.REPORTS, parameters={"steps": 2}).pk == first.pk
    jobs.job_cancel(job_id=first.pk)
    assert jobs.job_create(kind=handlers.REPORTS, parameters={"steps": 2}).pk != first.pk


def test_two_identical_generation_requests_in_one_moment_give_one_job(db, published):
    seed_organisation(employees=20, teams=3, competencies=5)
    team_ids = list(Team.objects.values_list("id", flat=True))
    with transaction.atomic():
        first = plans_generate_job_create(team_ids=team_ids, period=str(PERIOD))
        second = plans_generate_job_create(team_ids=list(reversed(team_ids)), period=str(PERIOD))
    assert first.pk == second.pk and Job.objects.count() == 1


# --------------------------------------------------------------------------------------------------
# Messages


def test_a_failure_message_names_no_server_path(db):
    job = JobFactory(
        kind=handlers.RAISES, parameters={"path": "/srv/servicelead/media/exports/132-plans.xlsx"}
    )
    job = jobs.job_run(job_id=job.pk)
    assert job.status == Job.Status.FAILED and "Not a directory" in job.message
    assert "/srv" not in job.message and "media" not in job.message


def test_a_lost_worker_message_names_no_pool_process_number(db):
    message = jobs.failure_message(WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL) Job: 23."))
    assert "23" not in message and "Job:" not in message


def test_a_database_error_message_names_no_server(db):
    message = jobs.failure_message(
        OperationalError('connection to server at "db.internal" (10.1.2.3), port 5432 failed')
    )
    assert "db.internal" not in message and "10.1.2.3" not in message


# --------------------------------------------------------------------------------------------------
# The worker's main process


def test_a_lost_pool_process_hands_its_job_on_at_once_instead_of_failing_it(db, published):
    job = jobs.job_claim(job_id=JobFactory(kind=handlers.CRASH).pk, worker="w@host:41")
    # What Celery's worker main process sends when a pool process died under a task.
    tasks._job_failed(
        sender=tasks.run_job._get_current_object(),
        task_id="t",
        exception=WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL) Job: 3."),
        args=[job.pk],
    )
    job.refresh_from_db()
    assert (job.status, published) == (Job.Status.QUEUED, [job.pk])


def test_the_result_backend_reconnects_after_its_connection_was_terminated(db, monkeypatch):
    backend = current_app.backend
    calls = []
    original = type(backend)._get_task_meta_for

    def terminated_once(self, task_id):
        calls.append(task_id)
        if len(calls) == 1:
            raise OperationalError("the connection is closed")
        return original(self, task_id)

    monkeypatch.setattr(type(backend), "_get_task_meta_for", terminated_once)
    monkeypatch.setattr(backend, "_sleep", lambda seconds: None)
    assert backend.get_task_meta("no-such-task", cache=False)["status"] == "PENDING"
    assert len(calls) == 2


# --------------------------------------------------------------------------------------------------
# Finish the rest


@pytest.fixture
def requester(db):
    return UserFactory(username="requester")


@pytest.fixture
def client_of(requester):
    client = Client()
    client.force_login(requester)
    return client


@pytest.fixture
def failed_split_job(db, published, django_capture_on_commit_callbacks, requester):
    seed_organisation(employees=150, teams=36, competencies=30, seed=3)
    scope = sorted(Team.objects.values_list("id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_generate_job_create(team_ids=scope, period=str(PERIOD), owner=requester)
        parent = jobs.job_run(job_id=job.pk, worker="w@host:1")
    first, *others = parent.result["part_jobs"]
    jobs.job_fail(job_id=first, message="The job failed: disk full")
    for part_id in others:
        jobs.job_run(job_id=part_id, worker="w@host:1")
    parent.refresh_from_db()
    assert parent.status == Job.Status.FAILED
    return parent


def test_a_failed_split_job_says_which_teams_are_done_and_offers_to_finish_the_rest(
    failed_split_job, client_of
):
    page = client_of.get(reverse("jobs:job_detail", args=[failed_split_job.pk])).content.decode()
    resumption = jobs.job_resumption(failed_split_job)
    assert resumption is not None and resumption.done and resumption.remaining
    assert resumption.remaining[0] in page and resumption.done[0] in page
    assert reverse("jobs:job_finish", args=[failed_split_job.pk]) in page


def test_finishing_the_rest_plans_the_remaining_teams_only_and_completes_the_organisation(
    failed_split_job, client_of, settings, django_capture_on_commit_callbacks
):
    planned_before = set(QualificationPlan.objects.values_list("employee_id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of.post(reverse("jobs:job_finish", args=[failed_split_job.pk]))
    rest = Job.objects.exclude(pk=failed_split_job.pk).filter(parameters__parent__isnull=True).latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[rest.pk])
    assert rest.parameters["only_parts"] == failed_split_job.result["failed_parts"]
    with django_capture_on_commit_callbacks(execute=True):
        parent = jobs.job_run(job_id=rest.pk, worker="w@host:1")
    for part_id in parent.result["part_jobs"]:
        jobs.job_run(job_id=part_id, worker="w@host:1")
    rest.refresh_from_db()
    assert rest.status == Job.Status.SUCCEEDED and rest.result["parts"] == 1
    planned_after = set(QualificationPlan.objects.values_list("employee_id", flat=True))
    assert planned_after > planned_before

    # The organisation is planned as one complete run would have planned it.
    finished = plan_items()
    settings.REDIS_URL = ""
    plans_generate_in_parts(team_ids=failed_split_job.parameters["team_ids"], period=str(PERIOD))
    assert plan_items() == finished


def test_a_job_with_nothing_left_to_finish_offers_nothing(db, requester, client_of):
    job = JobFactory(kind=handlers.REPORTS, owner=requester, status=Job.Status.FAILED, message="broken")
    page = client_of.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert reverse("jobs:job_finish", args=[job.pk]) not in page
    response = client_of.post(reverse("jobs:job_finish", args=[job.pk]))
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert Job.objects.count() == 1
