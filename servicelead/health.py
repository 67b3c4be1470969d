"""Probes for load balancers and orchestrators: ``/healthz`` (the process answers) and ``/readyz`` (it can
serve: database reachable, migrations applied, and when jobs go through Redis: the broker reachable and at
least one worker able to take work).

A Celery worker's main process records a heartbeat in Redis (``worker_heartbeat_record``, called by the
``WorkerHeartbeat`` step in ``servicelead.celery``) while it can take work: it reaches the database and
the broker, and its prefetch window is not filled by messages it will never acknowledge. The heartbeat
expires after three of its intervals; ``manage.py worker_health`` (the worker container's health check)
and ``/readyz`` read it.

Both are public and hold no data; a failed check names the error's type only, the details go to the log."""

import logging
import time

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 1.0
# Node name → time of the last heartbeat, in one sorted set: readyz counts the fresh ones without scanning
# the keys (the cache shares the Redis database).
WORKER_HEARTBEATS_KEY = "servicelead:worker-heartbeats"


def check_database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def unapplied_migrations():
    """Names of the migrations on disk that the database has not applied, as ``app.name``."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def check_migrations():
    pending = unapplied_migrations()
    if pending:
        raise RuntimeError(f"{len(pending)} unapplied migrations, first {pending[0]}")


def check_broker():
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def _redis():
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
    )


def worker_heartbeat_seconds():
    return float(getattr(settings, "SERVICELEAD_WORKER_HEARTBEAT_SECONDS", 10))


def worker_heartbeat_record(hostname):
    """Record that the worker ``hostname`` (its Celery node name) can take work; it counts as alive for
    three heartbeat intervals."""
    now = time.time()
    client = _redis()
    try:
        pipeline = client.pipeline()
        pipeline.zadd(WORKER_HEARTBEATS_KEY, {hostname: now})
        pipeline.zremrangebyscore(WORKER_HEARTBEATS_KEY, "-inf", now - 3600)  # workers long gone
        pipeline.execute()
    finally:
        client.close()


def workers_alive(hostname=None):
    """Node names of the workers with a fresh heartbeat (only ``hostname``, if given)."""
    fresh_since = time.time() - 3 * worker_heartbeat_seconds()
    client = _redis()
    try:
        if hostname:
            seen = client.zscore(WORKER_HEARTBEATS_KEY, hostname)
            return [hostname] if seen is not None and seen > fresh_since else []
        names = client.zrangebyscore(WORKER_HEARTBEATS_KEY, fresh_since, "+inf")
        return sorted(name.decode() for name in names)
    finally:
        client.close()


def check_workers():
    if not workers_alive():
        raise RuntimeError("no worker recorded a heartbeat recently")


def jobs_on_workers():
    """Jobs go to Celery workers (``jobs.services.runs_on_workers``; this module imports no app)."""
    return bool(settings.REDIS_URL) and getattr(settings, "SERVICELEAD_JOBS_ON_WORKERS", True)


def _run(name, check):
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # a probe reports every failure, it never raises
        logger.warning("readiness check %s failed: %s", name, error)
        outcome = {"ok": False, "error": type(error).__name__}
    else:
        outcome = {"ok": True}
    outcome["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return outcome


@never_cache
def healthz(request):
    """The process is alive and answers; nothing else is checked."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """200 when every check passes, else 503; the body lists each check."""
    checks = {"database": _run("database", check_database)}
    # Without a database the migration state cannot be read; report it as failed rather than guess.
    if checks["database"]["ok"]:
        checks["migrations"] = _run("migrations", check_migrations)
    else:
        checks["migrations"] = {"ok": False, "error": "DatabaseUnavailable", "ms": 0.0}
    if settings.REDIS_URL:
        checks["broker"] = _run("broker", check_broker)
    if jobs_on_workers():
        # A worker that cannot take work (wedged, or cut off from the database) stops its heartbeat.
        if checks["broker"]["ok"]:
            checks["workers"] = _run("workers", check_workers)
        else:
            checks["workers"] = {"ok": False, "error": "BrokerUnavailable", "ms": 0.0}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


class HealthCheckMiddleware:
    """Answers the probes before host validation and the HTTPS redirect (production puts it first).

    Probes reach the process over plain HTTP with the container's own address as Host, which is neither
    an allowed host nor HTTPS; everything else still goes through the full middleware stack."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {"/healthz": healthz, "/readyz": readyz}

    def __call__(self, request):
        view = self.views.get(request.path_info.rstrip("/"))
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
