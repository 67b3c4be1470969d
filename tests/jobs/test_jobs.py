"""Job records without a worker: enqueue after commit, the claim, retries, cancellation, the requeue sweep
and the split of plan generation into parts, with the tasks called synchronously. Runs on any database."""

import datetime
import time
from io import StringIO

import pytest
from celery import current_app
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from competencies.models import Employee
from jobs import services as jobs
from jobs import tasks
from jobs.models import Job
from qualification import generation_jobs, services
from qualification.generation_jobs import generation_parts, plans_generate_in_parts, plans_generate_job_create
from qualification.models import PlanItem, QualificationPlan
from teams.models import Membership, Team
from tests.factories import JobFactory, MembershipFactory, TeamFactory

from . import handlers
from .conftest import PERIOD, plan_items, seed_organisation

# --------------------------------------------------------------------------------------------------
# Enqueue, claim, retry, fail


def test_a_job_is_recorded_with_the_request_and_sent_by_id_after_commit(
    db, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            job = jobs.job_create(kind=handlers.REPORTS, parameters={"steps": 2})
            assert published == []
    assert len(callbacks) == 1 and published == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and "enqueued_at" in job.result


def test_an_unreachable_broker_leaves_the_job_queued_saying_that_it_waits(db, published, monkeypatch):
    def unreachable(name, args, **options):
        raise BrokerUnreachable("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(current_app, "send_task", unreachable)
    job = JobFactory(kind=handlers.REPORTS)
    assert jobs.job_enqueue(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert "Waiting for the job queue" in job.message and "enqueue_failed_at" in job.result


def test_the_task_runs_its_job_once_and_a_second_delivery_does_nothing(db):
    job = JobFactory(kind=handlers.REPORTS, parameters={"steps": 2})
    assert tasks.run_job.apply(args=[job.pk]).get() == Job.Status.SUCCEEDED
    assert tasks.run_job.apply(args=[job.pk]).get() is None
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress, job.message) == (Job.Status.SUCCEEDED, 1, 100, "reported")


def test_only_one_delivery_claims_a_queued_job(db):
    job = JobFactory(kind=handlers.REPORTS)
    assert jobs.job_claim(job_id=job.pk, worker="first@host:1").attempts == 1
    assert jobs.job_claim(job_id=job.pk, worker="duplicate@host:2") is None
    assert jobs.job_claim(job_id=job.pk) is None


def test_a_job_out_of_attempts_is_failed_instead_of_run(db):
    job = JobFactory(kind=handlers.REPORTS, attempts=jobs.MAX_ATTEMPTS)
    assert jobs.job_run(job_id=job.pk, worker="w@host:1") is None
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and f"after {jobs.MAX_ATTEMPTS} attempts" in job.message


def test_a_job_of_a_kind_nobody_handles_fails_with_a_message(db):
    job = jobs.job_run(job_id=JobFactory(kind="unknown").pk)
    assert job.status == Job.Status.FAILED and "No worker knows" in job.message


# --------------------------------------------------------------------------------------------------
# Cancel


def test_a_cancelled_queued_job_never_runs(db):
    job = JobFactory(kind=handlers.REPORTS)
    assert jobs.job_cancel(job_id=job.pk) is True
    assert jobs.job_run(job_id=job.pk, worker="late") is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.CANCELLED, 0)


def test_a_running_job_stops_at_its_next_progress_report_once_cancelled(db):
    job = jobs.job_run(job_id=JobFactory(kind=handlers.REPORTS, parameters={"steps": 4, "cancel_at": 2}).pk)
    assert (job.status, job.message) == (Job.Status.CANCELLED, "Cancelled.")
    assert job.progress == 25 and job.result.get("message") is None
    assert jobs.job_cancel(job_id=job.pk) is False


# --------------------------------------------------------------------------------------------------
# The sweep


def _age(job, **created):
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(**created))


def test_the_sweep_sends_what_the_broker_does_not_hold_and_nothing_else(db, published, settings):
    failed = JobFactory(kind=handlers.REPORTS, result={"enqueue_failed_at": time.time()})
    fresh = JobFactory(kind=handlers.REPORTS)
    orphan = JobFactory(kind=handlers.REPORTS)  # its process died between commit and enqueue
    _age(orphan, minutes=5)
    waiting = JobFactory(kind=handlers.REPORTS, result={"enqueued_at": time.time() - 60})
    _age(waiting, minutes=5)
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    lost = JobFactory(kind=handlers.REPORTS, result={"enqueued_at": time.time() - visibility - 60})
    JobFactory(kind=handlers.REPORTS, status=Job.Status.RUNNING, started_at=timezone.now())

    assert jobs.jobs_requeue() == 3
    assert sorted(published) == sorted([failed.pk, orphan.pk, lost.pk])
    failed.refresh_from_db()
    assert failed.message == "" and "enqueued_at" in failed.result
    assert fresh.pk not in published and waiting.pk not in published


def test_the_sweep_task_calls_the_sweep(db, published):
    JobFactory(kind=handlers.REPORTS, result={"enqueue_failed_at": time.time()})
    assert tasks.jobs_requeue.apply().get() == 1


# --------------------------------------------------------------------------------------------------
# Plan generation in parts


@pytest.fixture
def organisation(db):
    """Three departments of teams; some people belong to teams of two departments."""
    seed_organisation(employees=150, teams=36, competencies=30, seed=3)
    return sorted(Team.objects.values_list("id", flat=True))


def _cross_department_people(parts):
    part_of = {team_id: index for index, part in enumerate(parts) for team_id in part}
    parts_of = {}
    for employee_id, team_id in Membership.objects.values_list("employee_id", "team_id"):
        parts_of.setdefault(employee_id, set()).add(part_of[team_id])
    return {employee_id for employee_id, found in parts_of.items() if len(found) > 1}


def test_teams_of_one_department_share_a_part(organisation):
    parts = generation_parts(organisation)
    assert len(parts) == 3 and sorted(t for part in parts for t in part) == organisation
    for part in parts:
        tops = {Team.objects.get(pk=t).parent_id or t for t in part}
        assert len(tops) == 1  # one department, its teams and itself
    assert _cross_department_people(parts)  # the split has people to place


def test_too_many_departments_are_packed_into_max_parts(db, monkeypatch):
    tops = [TeamFactory() for _ in range(5)]
    for top in tops:
        MembershipFactory(team=TeamFactory(parent=top))
    monkeypatch.setattr(generation_jobs, "MAX_PARTS", 2)
    parts = generation_parts([t.pk for t in Team.objects.all()])
    assert len(parts) == 2 and sum(len(part) for part in parts) == 10
    assert parts == generation_parts([t.pk for t in Team.objects.all()])


def test_parts_run_by_workers_in_any_order_write_what_the_in_process_run_writes(
    organisation, published, settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = ""
    expected_outcome = plans_generate_in_parts(team_ids=organisation, period=str(PERIOD))
    expected = plan_items()
    QualificationPlan.objects.all().delete()

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_generate_job_create(team_ids=organisation, period=str(PERIOD))
    assert published == [job.pk]
    with django_capture_on_commit_callbacks(execute=True):
        parent = jobs.job_run(job_id=job.pk, worker="parent")
    part_ids = parent.result["part_jobs"]
    assert parent.status == Job.Status.RUNNING and len(part_ids) == 3 and published[1:] == part_ids
    for done, part_id in enumerate(reversed(part_ids), start=1):
        assert jobs.job_run(job_id=part_id, worker=f"part-{part_id}").status == Job.Status.SUCCEEDED
        parent.refresh_from_db()
        assert parent.status == (Job.Status.SUCCEEDED if done == 3 else Job.Status.RUNNING)
        assert parent.progress == (100 if done == 3 else 100 * done // 3)

    assert plan_items() == expected
    assert set(QualificationPlan.objects.values_list("job_id", flat=True)) == {job.pk}
    assert (parent.progress, parent.result["parts"], parent.result["part_jobs"]) == (100, 3, part_ids)
    for key in ("items", "plans_created", "employees_planned", "hours", "cost", "teams", "message"):
        assert parent.result[key] == expected_outcome[key], key
    assert parent.message == expected_outcome["message"]
    # A redelivered parent finds its parts finished and sends nothing new.
    assert jobs.job_run(job_id=job.pk, worker="parent") is None
    assert len(published) == 4


def test_running_the_same_generation_twice_gives_identical_plans(organisation, settings):
    settings.REDIS_URL = ""
    first = plans_generate_in_parts(team_ids=organisation, period=str(PERIOD))
    items = plan_items()
    again = plans_generate_in_parts(team_ids=organisation, period=str(PERIOD))
    assert plan_items() == items
    assert again["plans_replaced"] == first["plans_created"] and again["plans_created"] == 0


def test_a_person_in_two_departments_is_planned_once_at_home(organisation, settings):
    settings.REDIS_URL = ""
    parts = generation_parts(organisation)
    plans_generate_in_parts(team_ids=organisation, period=str(PERIOD), parts=parts)
    part_of = {team_id: index for index, part in enumerate(parts) for team_id in part}
    home = {
        person: part_of[min(Membership.objects.filter(employee_id=person).values_list("team_id", flat=True))]
        for person in Employee.objects.values_list("id", flat=True)
        if Membership.objects.filter(employee_id=person).exists()
    }
    for person in _cross_department_people(parts):
        assert QualificationPlan.objects.filter(employee_id=person, period=str(PERIOD)).count() <= 1
        for team_id, mentor_id in PlanItem.objects.filter(plan__employee_id=person).values_list(
            "team", "mentor"
        ):
            assert team_id is None or part_of[team_id] == home[person]
            assert mentor_id is None or home[mentor_id] == home[person]


def test_the_command_writes_exactly_what_the_job_writes_for_people_in_two_departments(
    organisation, settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = ""
    assert _cross_department_people(generation_parts(organisation))
    call_command("generate_plans", "--all", "--period", str(PERIOD), stdout=StringIO())
    by_command = plan_items()
    QualificationPlan.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_generate_job_create(team_ids=organisation, period=str(PERIOD))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["parts"] == 3
    assert plan_items() == by_command
    # One run over everything would have planned some of them differently: the test would notice.
    QualificationPlan.objects.all().delete()
    services.plans_generate(team_ids=organisation, period=str(PERIOD))
    assert plan_items() != by_command


def test_bad_parameters_fail_a_large_job_before_it_is_split(organisation, published):
    job = JobFactory(parameters={"team_ids": organisation, "period": "next spring"})
    job = jobs.job_run(job_id=job.pk, worker="bad")
    assert job.status == Job.Status.FAILED and "YYYY-Qn" in job.message
    assert not Job.objects.filter(parameters__parent=job.pk).exists()


def test_a_failed_part_fails_the_job_with_its_message_and_keeps_the_other_parts(
    organisation, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_generate_job_create(team_ids=organisation, period=str(PERIOD))
        parent = jobs.job_run(job_id=job.pk, worker="parent")
    first, *others = parent.result["part_jobs"]
    jobs.job_fail(job_id=first, message="The job failed: disk full")
    for part_id in others:
        jobs.job_run(job_id=part_id, worker=f"part-{part_id}")
    parent.refresh_from_db()
    assert parent.status == Job.Status.FAILED
    assert parent.message == "Part 1 of 3 failed: The job failed: disk full"
    assert parent.result["failed_parts"] == [0] and parent.result["parts"] == 2
    assert QualificationPlan.objects.filter(job=parent).count() == parent.result["plans_created"] > 0


def test_the_parts_of_a_split_job_write_in_the_requester_s_language(
    organisation, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_generate_job_create(team_ids=organisation, period=str(PERIOD), language="de")
        parent = jobs.job_run(job_id=job.pk, worker="parent")
    first, *_others = parent.result["part_jobs"]
    assert set(Job.objects.filter(parameters__parent=job.pk).values_list("language", flat=True)) == {"de"}
    jobs.job_run(job_id=first, worker=f"part-{first}")
    parent.refresh_from_db()
    assert parent.message == "1 von 3 Teilen fertig."


def test_cancelling_a_split_job_cancels_its_parts(
    organisation, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_generate_job_create(team_ids=organisation, period=str(PERIOD))
        parent = jobs.job_run(job_id=job.pk, worker="parent")
    assert jobs.job_cancel(job_id=job.pk) is True
    for part_id in parent.result["part_jobs"]:
        assert jobs.job_run(job_id=part_id, worker=f"part-{part_id}") is None
    assert set(Job.objects.filter(parameters__parent=job.pk).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert not QualificationPlan.objects.exists()


def test_the_sweep_settles_a_split_job_whose_parts_all_finished(
    organisation, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_generate_job_create(team_ids=organisation, period=str(PERIOD))
        parent = jobs.job_run(job_id=job.pk, worker="parent")
    part_ids = parent.result["part_jobs"]
    # The parts finished, but the worker that finished the last one died before it told the parent.
    nothing = generation_jobs.combined_outcome([], period=PERIOD, capacity_hours=40, budget=None)
    Job.objects.filter(pk__in=part_ids).update(status=Job.Status.SUCCEEDED, progress=100, result=nothing)
    jobs.jobs_requeue()
    parent.refresh_from_db()
    assert parent.status == Job.Status.SUCCEEDED and parent.result["parts"] == 3
