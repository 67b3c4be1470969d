"""Jobs on real Celery workers against Redis and PostgreSQL: they complete, survive a killed pool process,
a killed worker, Redis restarted empty and terminated database connections, give a poison job up, wait out
an unreachable broker, run once however often their message is delivered, and give the same plans twice; a
hung worker is reported unhealthy.

Each test starts its workers (and beat) as processes of their own and kills them by process id when it
ends. Recovery times are printed: run with ``-s``."""

import io
import json
import os
import socket
import subprocess
import sys
import time
import zipfile

import psycopg
import pytest
import redis
from celery import current_app
from django.core.management import CommandError, call_command
from django.db import connection

from competencies.imports.jobs import import_job_create, upload_save
from competencies.models import Assessment, Competency, Employee
from jobs import broker
from jobs import services as jobs
from jobs.models import Job
from qualification.generation_jobs import plans_generate_in_parts, plans_generate_job_create
from qualification.models import PlanItem, QualificationPlan
from teams.models import Team

from . import handlers
from .conftest import (
    PERIOD,
    ROOT,
    finished,
    plan_items,
    report,
    seed_organisation,
    terminate_database_connections,
    wait_for,
)

pytestmark = [pytest.mark.jobs, pytest.mark.xdist_group("jobs")]

# Whatever the broker's visibility timeout (35 + 5 minutes by default), a lost job runs again within this.
HANDED_ON_WITHIN = 120


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


def running_again(part, *, after_attempt):
    def check():
        part.refresh_from_db()
        return part.status != Job.Status.QUEUED and part.attempts > after_attempt

    return check


def test_a_job_survives_its_pool_process_killed_halfway(workers):
    seed_organisation(employees=1600, teams=64, competencies=60)
    worker = workers.start("worker")
    job = request_generation()
    part = wait_for(lambda: running_part(job), timeout=120, what="a part of the job to be running")
    worker.kill_pool()
    killed = time.monotonic()
    wait_for(running_again(part, after_attempt=1), timeout=HANDED_ON_WITHIN, what="the part to run again")
    report("pool process killed: its part runs again after", time.monotonic() - killed)
    job = finished(job, timeout=240)
    assert job.status == Job.Status.SUCCEEDED, workers.output()
    part.refresh_from_db()
    assert (part.status, part.attempts) == (Job.Status.SUCCEEDED, 2)  # handed on, ran again
    assert_written_once(job)


def test_a_job_survives_its_whole_worker_killed_whatever_the_visibility_timeout(workers):
    seed_organisation(employees=1600, teams=64, competencies=60)
    workers.start_beat()
    first = workers.start("first")
    job = request_generation()
    part = wait_for(lambda: running_part(job), timeout=120, what="a part of the job to be running")
    first.kill()
    killed = time.monotonic()
    workers.start("second")
    wait_for(running_again(part, after_attempt=1), timeout=HANDED_ON_WITHIN, what="the part to run again")
    report("whole worker killed: its part runs on another worker after", time.monotonic() - killed)
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
    assert f"given up after {jobs.MAX_ATTEMPTS} attempts" in job.message
    assert "Job:" not in job.message and "/" not in job.message


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


def test_queued_parts_survive_redis_restarted_empty_during_a_run(services, workers):
    seed_organisation(employees=1600, teams=64, competencies=60)
    workers.start_beat()
    workers.start("worker")
    job = request_generation()
    wait_for(lambda: running_part(job), timeout=120, what="a part of the job to be running")
    queued = Job.objects.filter(parameters__parent=job.pk, status=Job.Status.QUEUED)
    assert queued.exists()  # one worker process: the other parts wait in Redis
    redis.Redis.from_url(services.redis_url).flushdb()  # Redis restarted without persistence
    emptied = time.monotonic()
    wait_for(lambda: not queued.exists(), timeout=HANDED_ON_WITHIN, what="the lost parts to be sent again")
    report("Redis restarted empty: every lost part was running or done after", time.monotonic() - emptied)
    job = finished(job, timeout=240)
    assert job.status == Job.Status.SUCCEEDED, workers.output()
    assert_written_once(job)


def test_a_job_requested_before_redis_restarted_empty_runs_once_workers_are_there(services, workers):
    job = jobs.job_create(kind=handlers.REPORTS, parameters={"steps": 2})
    redis.Redis.from_url(services.redis_url).flushdb()
    workers.start_beat()
    started = time.monotonic()
    workers.start("worker")
    job = finished(job, timeout=HANDED_ON_WITHIN)
    report("Redis restarted empty: a queued job ran after", time.monotonic() - started)
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 1), workers.output()


class LockedTable:
    """Holds a table locked against writes from a connection of its own, so that a generation blocks in its
    write step; ``writer_waiting`` tells when a backend waits for it."""

    def __init__(self, services, table):
        self.conn = psycopg.connect(services.database_url.replace("postgres://", "postgresql://"))
        self.conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # noqa: S608 - a table name of ours

    def writer_waiting(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    def release(self):
        self.conn.rollback()
        self.conn.close()


def test_a_generation_survives_its_database_connections_terminated_while_planning_and_writing(
    services, workers
):
    seed_organisation(employees=1600, teams=64, competencies=60)
    workers.start_beat()
    workers.start("worker")
    job = request_generation()
    part = wait_for(lambda: running_part(job), timeout=120, what="a part of the job to be planning")
    assert terminate_database_connections() > 0
    terminated = time.monotonic()
    before = part.progress
    wait_for(lambda: progressed(part, before) or job_done(job), timeout=60, what="the planning to go on")
    report(
        "connections terminated while planning: progress recorded again after", time.monotonic() - terminated
    )

    locked = LockedTable(services, QualificationPlan._meta.db_table)
    try:
        wait_for(locked.writer_waiting, timeout=180, what="a part to be writing its plans")
        assert terminate_database_connections(keep=[locked.conn.info.backend_pid]) > 0
        terminated = time.monotonic()
    finally:
        locked.release()
    job = finished(job, timeout=240)
    report("connections terminated while writing: the job finished after", time.monotonic() - terminated)
    assert job.status == Job.Status.SUCCEEDED, (job.message, workers.output())
    # The faults were retried inside the parts: no part failed, none was handed on.
    assert set(Job.objects.filter(parameters__parent=job.pk).values_list("attempts", flat=True)) == {1}
    assert_written_once(job)


def progressed(part, before):
    part.refresh_from_db()
    return part.progress != before


def job_done(job):
    job.refresh_from_db()
    return job.status in jobs.FINISHED


def test_after_its_connections_were_terminated_a_worker_survives_pool_crashes_and_takes_work(workers):
    worker = workers.start("worker")
    workers.start_beat()
    for crash in range(1, 3):
        job = jobs.job_create(kind=handlers.SLOW, parameters={"seconds": 2, "crash": crash})
        wait_for(lambda job=job: Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).exists(),
                 timeout=60, what="the job to run")  # fmt: skip
        terminate_database_connections()  # the main process's connection too
        worker.kill_pool()
        crashed = time.monotonic()
        job = finished(job, timeout=HANDED_ON_WITHIN)
        report(
            f"connections terminated, then pool crash {crash}: the job finished after",
            time.monotonic() - crashed,
        )
        assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2), workers.output()
    assert "Pool callback raised exception" not in worker.output(), worker.output()
    after = finished(jobs.job_create(kind=handlers.REPORTS, parameters={"steps": 2}), timeout=60)
    assert after.status == Job.Status.SUCCEEDED, workers.output()
    wait_for(lambda: _healthy(worker.hostname), timeout=10, what="the worker's heartbeat")


def _healthy(hostname):
    try:
        call_command("worker_health", "--hostname", hostname, stdout=io.StringIO())
    except CommandError:
        return False
    return True


def test_a_hung_worker_is_reported_unhealthy_and_healthy_again_once_it_goes_on(client, workers):
    worker = workers.start("worker")
    wait_for(lambda: _healthy(worker.hostname), timeout=10, what="the worker's heartbeat")
    assert client.get("/readyz").status_code == 200
    worker.pause()
    paused = time.monotonic()
    try:
        wait_for(lambda: not _healthy(worker.hostname), timeout=30, what="the health check to notice")
        report("worker hung: reported unhealthy after", time.monotonic() - paused)
        response = client.get("/readyz")
        assert response.status_code == 503 and response.json()["checks"]["workers"]["ok"] is False
    finally:
        worker.resume()
    wait_for(lambda: _healthy(worker.hostname), timeout=30, what="the heartbeat to come back")


def test_one_message_delivered_three_times_at_once_runs_the_job_once(workers):
    workers.start("one")
    workers.start("two")
    job = Job.objects.create(kind=handlers.SLOW, parameters={"seconds": 2}, attempts=jobs.MAX_ATTEMPTS - 1)
    for _copy in range(3):
        current_app.send_task(jobs.RUN_JOB_TASK, args=[job.pk], task_id="one-message")
    job = finished(job, timeout=60)
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, jobs.MAX_ATTEMPTS), workers.output()
    assert job.message == f"worked on attempt {jobs.MAX_ATTEMPTS}"


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


def test_an_operations_ticket_import_runs_on_a_worker(workers):
    """The page's ticket import is a job: a worker checks the whole file, then writes it."""
    from operations import import_jobs, imports
    from operations.models import Ticket

    seed_organisation(employees=20, teams=3, competencies=5)
    team = Team.objects.order_by("pk").first()
    competency = Competency.objects.order_by("pk").first()
    systems = f"name;needs\nAquaHeat 9;{competency.name}:2\n"
    imports.import_systems(io.BytesIO(systems.encode()), "systems.csv")
    workers.start("worker")
    rows = "date;team;system;duration\n" + "".join(
        f"2026-0{m}-01;{team.name};AquaHeat 9;2\n" for m in range(1, 10)
    )
    upload = import_jobs.upload_save(file_obj=io.BytesIO(rows.encode()), filename="tickets.csv")
    job = finished(
        import_jobs.import_job_create(kind="tickets", path=upload, filename="tickets.csv"), timeout=120
    )
    assert job.status == Job.Status.SUCCEEDED, workers.output()
    assert job.result["rejected"] is False and job.result["created"] == 9, job.result
    assert Ticket.objects.filter(team=team).count() == 9


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


def test_the_sweep_reads_which_messages_the_broker_holds(services):
    current_app.send_task(jobs.RUN_JOB_TASK, args=[0], task_id="held-by-redis")
    assert "held-by-redis" in broker.task_ids_held()
    redis.Redis.from_url(services.redis_url).flushdb()
    assert broker.task_ids_held() == set()
