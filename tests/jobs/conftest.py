"""Fixtures of the job tests: organisations to plan for, a stand-in broker for the tests without workers,
and real Celery workers, started and stopped by process id, for the tests marked ``jobs``.

The worker tests need PostgreSQL (a worker process cannot open the in-memory SQLite test database) and
Redis; without them they are skipped, or fail when SERVICELEAD_REQUIRE_SERVICES=1 (CI). They flush the
Redis database of REDIS_URL, so give them one of their own, and run them in one process (not under
pytest-xdist's -n).

The workers and beat run with short leases, sweeps and heartbeats (``FAST``), so that every recovery the
tests wait for takes seconds; the recovery times are printed (run with ``-s`` to see them)."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import current_app
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jobs.models import Job
from qualification.generation import Period
from qualification.models import PlanItem

from . import handlers  # noqa: F401 - registers the test-only job kinds in this process too

ROOT = Path(__file__).resolve().parents[2]
TODAY = timezone.localdate()
PERIOD = Period(TODAY.year, (TODAY.month - 1) // 3 + 1).shifted(1)  # always the next quarter

ITEM_FIELDS = (
    "plan__employee_id",
    "plan__period",
    "plan__status",
    "competency_id",
    "current_level",
    "target_level",
    "measure_id",
    "mentor_id",
    "team_id",
    "due_date",
    "reason",
    "priority",
    "hours",
    "cost",
    "needs_approval",
    "incentive",
)


def wait_for(check, *, timeout, what):
    """Poll ``check`` until it returns something true, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.05)


def finished(job, *, timeout):
    """The job once it has succeeded, failed or been cancelled."""

    def check():
        job.refresh_from_db()
        return job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED) and job

    return wait_for(check, timeout=timeout, what=f"job {job.pk} to finish (last seen: {job.message!r})")


def plan_items():
    """Every plan item as values without ids: two runs that wrote the same plans give equal lists."""
    return sorted(PlanItem.objects.values_list(*ITEM_FIELDS))


def seed_organisation(*, employees, teams, competencies, seed=1):
    """A synthetic organisation from ``seed_demo``: departments of teams, people in two teams now and then."""
    call_command(
        "seed_demo",
        "--employees", str(employees), "--teams", str(teams), "--competencies", str(competencies),
        "--seed", str(seed), "--requirements", "10",
        stdout=StringIO(),
    )  # fmt: skip


@pytest.fixture
def published(monkeypatch, settings):
    """A stand-in broker: jobs go "to workers" (REDIS_URL set) and the ids of the jobs sent are listed."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # never contacted
    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args, **options: sent.append(args[0]))
    return sent


# --------------------------------------------------------------------------------------------------
# Real workers


# Leases, sweep and heartbeat in seconds, for the workers, beat and the test process alike.
FAST = {
    "SERVICELEAD_JOBS_LEASE_SECONDS": "3",
    "SERVICELEAD_JOBS_LEASE_RENEW_SECONDS": "1",
    "SERVICELEAD_JOBS_SWEEP_SECONDS": "2",
    "SERVICELEAD_JOBS_RETRY_DELAY_SECONDS": "0.5",
    "SERVICELEAD_WORKER_HEARTBEAT_SECONDS": "1",
}


def report(what, seconds):
    """Print a recovery time (pytest -s shows it)."""
    print(f"\n[recovery] {what}: {seconds:.1f} s")


@dataclass
class Services:
    database_url: str
    redis_url: str


@pytest.fixture(autouse=True)
def jobs_on_workers(settings, monkeypatch):
    """Here jobs go to Celery when REDIS_URL is set, in this process and in the workers it starts."""
    settings.SERVICELEAD_JOBS_ON_WORKERS = True
    monkeypatch.setenv("SERVICELEAD_JOBS_ON_WORKERS", "1")


def _require(problems):
    if not problems:
        return
    reason = "the job tests need " + " and ".join(problems)
    if os.environ.get("SERVICELEAD_REQUIRE_SERVICES") == "1":
        pytest.fail(reason + " (SERVICELEAD_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture
def services(transactional_db, settings):
    """PostgreSQL and Redis as the workers will see them; the Redis database is flushed."""
    for name, value in FAST.items():
        setattr(settings, name, float(value))
    problems = []
    if connection.vendor != "postgresql":
        problems.append("PostgreSQL as DATABASE_URL (a worker cannot open an in-memory SQLite test database)")
    if not settings.REDIS_URL:
        problems.append("Redis as REDIS_URL")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).flushdb()
        except redis.RedisError as error:
            problems.append(f"a reachable Redis at REDIS_URL ({error})")
    _require(problems)
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    address = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return Services(
        database_url=f"postgres://{credentials}@{address}/{db['NAME']}",
        redis_url=settings.REDIS_URL,
    )


class Worker:
    """One ``celery worker`` process (a main process and one pool process) in a session of its own."""

    def __init__(self, process, log):
        self.process, self.log = process, log

    @property
    def pid(self):
        return self.process.pid

    def output(self):
        return self.log.read_text(errors="replace")

    def pool_pids(self):
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_pool(self):
        """SIGKILL the pool process; the main process notices and starts a new one."""
        pids = wait_for(self.pool_pids, timeout=10, what="the worker's pool process")
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def kill(self):
        """SIGKILL the whole worker, main and pool processes, as a crashed machine would."""
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def pause(self):
        """SIGSTOP the main process: it hangs, its pool processes go on."""
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.pid, signal.SIGCONT)


class Workers:
    def __init__(self, services, directory):
        self.services, self.directory, self.started = services, directory, []

    def _environment(self, env):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "servicelead.settings.test",
            "DATABASE_URL": self.services.database_url,
            "REDIS_URL": self.services.redis_url,
            **FAST,
            **(env or {}),
        }

    def _spawn(self, name, argv, env):
        log = self.directory / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "celery", "-A", "servicelead", *argv],
                cwd=ROOT, env=self._environment(env), stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        worker = Worker(process, log)
        self.started.append(worker)
        return worker

    def start(self, name, *, env=None):
        """Start a worker and return it once it is ready (it has then sent ``jobs_requeue``)."""
        worker = self._spawn(
            name,
            [
                "worker", "-l", "info", "-P", "prefork", "-c", "1", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"{name}@%h", "--include", "tests.jobs.handlers",
            ],
            env,
        )  # fmt: skip

        def ready():
            if worker.process.poll() is not None:
                raise AssertionError(
                    f"worker {name} exited with {worker.process.returncode}:\n{worker.output()}"
                )
            return " ready." in worker.output()

        wait_for(ready, timeout=90, what=f"worker {name} to be ready")
        worker.hostname = f"{name}@{socket.gethostname()}"
        return worker

    def start_beat(self):
        """Start beat, which sends the sweep every SERVICELEAD_JOBS_SWEEP_SECONDS."""
        beat = self._spawn("beat", ["beat", "-l", "info", "--max-interval", "1"], None)
        wait_for(lambda: "beat: Starting" in beat.output(), timeout=60, what="beat to start")
        return beat

    def output(self):
        return "\n".join(f"--- {worker.log.name}\n{worker.output()[-6000:]}" for worker in self.started)

    def stop_all(self):
        for worker in self.started:
            worker.kill()


def terminate_database_connections(*, keep=()):
    """pg_terminate_backend every other connection to the test database (the workers', beat's and their
    pool processes') but those of the backend ids ``keep``; returns how many were terminated."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT pid = ANY(%s)",
            [list(keep)],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def workers(services, tmp_path):
    """Start workers with ``workers.start(name)``; every one is killed by its process id afterwards."""
    manager = Workers(services, tmp_path)
    try:
        yield manager
    finally:
        manager.stop_all()
