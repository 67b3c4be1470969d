"""Background jobs recorded as ``Job`` rows: creation, enqueueing, claiming under a lease, progress, parts,
cancellation and the sweep that hands on what was lost.

A job is written in the request's transaction and enqueued after commit. With ``REDIS_URL`` it runs on a
Celery worker; without, in-process through the same row. What makes a job lose nothing:

- an identical request (kind, parameters, requester) while the job is queued or running gets that job
  (a partial unique constraint on ``request_key``), so a double click never runs two jobs over one scope;
- the task takes the job id and claims a queued row with a conditional update that counts an attempt and
  gives the delivery a lease: a token and an expiry that the delivery renews while it works (a thread, and
  every progress report). Only the holder of the token writes progress and outcome; any other delivery
  (a duplicate, a redelivery of a finished job, three copies of one message at once) does nothing;
- the sweep (``jobs_requeue``; beat every ``SERVICELEAD_JOBS_SWEEP_SECONDS``, and every worker as it
  starts) puts a running job whose lease expired back in the queue and sends it, and sends again a queued
  job the broker no longer holds: a killed worker, a lost pool process or a Redis restarted empty cost a
  lease and a sweep, never the broker's visibility timeout. A worker's main process that sees its pool
  process die hands that job on at once;
- a transient fault (the database connection terminated, the broker or the network hiccupped) inside a
  handler runs that handler again after a short pause, a bounded number of times, on fresh connections;
  a fault that outlasts them puts the job back in the queue. Every claim counts an attempt; after
  MAX_ATTEMPTS the job is failed with a message, never run again;
- handlers are idempotent: a job run again replaces what an interrupted run wrote by the same rows;
- an enqueue that cannot reach the broker leaves the job queued with a message saying that it waits, and
  the sweep sends it once the broker is back;
- a large job may hand its work to parts (``job_split``): child jobs that run on any worker, while the
  parent follows their progress and takes their combined outcome when the last part has finished. A split
  job that failed offers to finish the rest (``job_finish_rest``): a job over the parts that did not
  succeed, if its kind registered a ``resume`` hook.

While a job is queued or running its ``result`` holds bookkeeping (``enqueued_at``, ``task_id``,
``part_jobs``); the handler's outcome replaces it on success. Messages a user sees name no server path,
host or process number (``failure_message``)."""

import datetime
import hashlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from billiard.exceptions import WorkerLostError
from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
    transaction,
)
from django.db.models import Avg, F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import broker, registry
from .models import Job

logger = logging.getLogger(__name__)

# The Celery task that runs a job (``tasks.run_job``), sent by name: the tasks call this module, it never
# imports them.
RUN_JOB_TASK = "jobs.tasks.run_job"

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()

# Errors worth another try: the broker, the database or the network hiccupped.
TRANSIENT_ERRORS = (ConnectionError, TimeoutError, OperationalError, InterfaceError)

# Runs of one job before it is given up (each lost worker or fault that outlasted the retries is one more).
MAX_ATTEMPTS = 3

# Runs of a handler within one attempt after a transient fault, pausing 1, 2, 4, … times
# SERVICELEAD_JOBS_RETRY_DELAY_SECONDS in between.
TRANSIENT_RETRIES = 4

# A queued job that was never handed to the broker this long after it was created is sent by the sweep
# (the requesting process died between commit and enqueue).
UNSENT_AFTER_SECONDS = 30

# A message sent this recently may be between the queue and a worker: the sweep does not look for it yet.
HANDOVER_SECONDS = 5

FINISHED = (Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED)
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)

# A part reports to its parent's progress bar when its own has moved this many points.
PARENT_PROGRESS_STEP = 5


class JobCancelled(Exception):
    """Raised inside a handler when its job was cancelled or its lease taken over; stops the work without
    failing the job."""


class _Waiting:
    def __repr__(self) -> str:
        return "WAITING"


# Returned by a handler (through ``job_split``) whose job finishes when its parts have finished.
WAITING = _Waiting()


def lease_seconds() -> float:
    """How long a claim holds a job without being renewed (SERVICELEAD_JOBS_LEASE_SECONDS)."""
    return float(getattr(settings, "SERVICELEAD_JOBS_LEASE_SECONDS", 30))


def lease_renew_seconds() -> float:
    """How often the holder renews its lease (SERVICELEAD_JOBS_LEASE_RENEW_SECONDS)."""
    return float(getattr(settings, "SERVICELEAD_JOBS_LEASE_RENEW_SECONDS", 10))


def _retry_delay(retry: int) -> float:
    base = float(getattr(settings, "SERVICELEAD_JOBS_RETRY_DELAY_SECONDS", 1))
    return min(30.0, base * 2 ** (retry - 1))


def runs_on_workers() -> bool:
    """True when jobs go to Celery workers (``REDIS_URL`` is set), False when they run in-process.

    The test settings keep jobs in-process even with ``REDIS_URL`` (it is there for the real-worker
    tests, which switch ``SERVICELEAD_JOBS_ON_WORKERS`` on)."""
    return bool(settings.REDIS_URL) and getattr(settings, "SERVICELEAD_JOBS_ON_WORKERS", True)


def request_key(*, kind: str, parameters: dict, owner: Any = None) -> str:
    """What makes two requests identical: kind, parameters and requester, hashed."""
    owner_id = getattr(owner, "pk", owner)
    text = json.dumps([kind, parameters, owner_id], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def job_create(*, kind: str, parameters: dict, owner: Any = None, language: str = "") -> Job:
    """Record a queued job and enqueue it once the surrounding transaction commits; returns it. While an
    identical request (``request_key``) is queued or running, returns that job instead. Its messages are
    written in ``language`` (the requester's, e.g. ``request.LANGUAGE_CODE``; empty: the site's)."""
    key = request_key(kind=kind, parameters=parameters, owner=owner)
    with transaction.atomic():
        existing = _unfinished_request(key)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind, parameters=parameters, owner=owner, language=language or "", request_key=key
                )
        except IntegrityError:
            # An identical request committed its job while this one was inserting (the unique index waited
            # for it): that job is the answer.
            existing = _unfinished_request(key)
            if existing is None:
                raise
            return existing
        transaction.on_commit(partial(job_enqueue, job_id=job.pk))
    return job


def _unfinished_request(key: str) -> Job | None:
    return Job.objects.filter(request_key=key, status__in=UNFINISHED).order_by("pk").first()


def job_enqueue(*, job_id: int, message: str = "") -> bool:
    """Hand the job to a worker (Celery with REDIS_URL, else in-process). Returns False when the broker
    is unreachable: the job stays queued, says that it waits, and ``jobs_requeue`` sends it later."""
    if runs_on_workers():
        task_id = str(uuid.uuid4())
        try:
            # No publish retries: with the broker's short connect timeout an unreachable Redis answers
            # within about a second, and the sweep is the retry.
            current_app.send_task(RUN_JOB_TASK, args=[job_id], task_id=task_id, retry=False)
        except Exception as error:  # kombu and redis raise several types for an unreachable broker
            logger.warning("broker unreachable, job %s stays queued: %s", job_id, error)
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
                message=_("Waiting for the job queue; the job starts as soon as it is reachable again."),
                result={"enqueue_failed_at": time.time()},
            )
            return False
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            message=message, result={"enqueued_at": time.time(), "task_id": task_id}
        )
        return True
    if getattr(settings, "SERVICELEAD_INPROCESS_JOBS", "thread") == "sync":
        job_run(job_id=job_id)
    else:
        _in_process_executor().submit(_run_in_thread, job_id)
    return True


def _in_process_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="servicelead-job")
        return _executor


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        job_run(job_id=job_id)
    finally:
        close_old_connections()


def reconnect() -> None:
    """Drop this thread's database connections that failed or outlived CONN_MAX_AGE (never one inside a
    transaction): the next query opens a fresh one. For code outside the request cycle (workers, beat)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


# --------------------------------------------------------------------------------------------------
# Claim and lease


def job_claim(*, job_id: int, worker: str = "") -> Job | None:
    """Mark a queued job running, count the attempt and give it a fresh lease held by ``worker``; returns
    it, or None when this delivery may not run it (not queued: running under another lease, finished).
    A queued job out of attempts is failed instead."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, attempts__lt=MAX_ATTEMPTS).update(
        status=Job.Status.RUNNING,
        started_at=now,
        attempts=F("attempts") + 1,
        lease_token=token,
        lease_expires_at=now + datetime.timedelta(seconds=lease_seconds()),
        worker=worker[:200],
    )
    if claimed:
        return Job.objects.get(pk=job_id)
    given_up = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, attempts__gte=MAX_ATTEMPTS).update(
        status=Job.Status.FAILED,
        finished_at=now,
        message=_(
            "The job was given up after %(attempts)s attempts that did not finish (their worker stopped, "
            "or a fault outlasted the retries). Please report this to an administrator."
        )
        % {"attempts": MAX_ATTEMPTS},
    )
    if given_up:
        _ended(job_id)
    return None


def job_lease_renew(*, job_id: int, token: str) -> bool:
    """Extend the lease of the running job held by ``token``; False when the job is no longer held by it
    (finished, cancelled, or handed to another worker)."""
    return bool(
        _held(job_id, token).update(
            lease_expires_at=timezone.now() + datetime.timedelta(seconds=lease_seconds())
        )
    )


def _held(job_id: int, token: str | None) -> QuerySet[Job]:
    """The job while it runs under the lease ``token`` (any lease when None)."""
    running = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING)
    return running if token is None else running.filter(lease_token=token)


_LEASE_CLEARED = {"lease_token": "", "lease_expires_at": None}


class _LeaseKeeper(threading.Thread):
    """Renews a lease every SERVICELEAD_JOBS_LEASE_RENEW_SECONDS while the handler works, on a database
    connection of its own; stops when the lease is no longer held. A failed renewal is tried again on a
    fresh connection at the next tick (the lease outlives a few misses)."""

    def __init__(self, job_id: int, token: str) -> None:
        super().__init__(name=f"job-{job_id}-lease", daemon=True)
        self.job_id, self.token = job_id, token
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(lease_renew_seconds()):
                try:
                    if not job_lease_renew(job_id=self.job_id, token=self.token):
                        return
                except DatabaseError as error:
                    logger.warning("job %s: lease not renewed: %s", self.job_id, error)
                    reconnect()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


# --------------------------------------------------------------------------------------------------
# Run


def job_run(*, job_id: int, worker: str = "") -> Job | None:
    """Claim the job and run its handler, recording success, failure or cancellation on the row.

    Returns the job as it is afterwards, or None when this delivery had nothing to do. On a worker
    (``worker`` names it) a thread renews the lease while the handler runs."""
    job = job_claim(job_id=job_id, worker=worker)
    if job is None:
        return None
    kind = registry.job_kind(job.kind)
    if kind is None:
        job_fail(
            job_id=job.pk, message=_("No worker knows how to run jobs of this kind."), token=job.lease_token
        )
        return _reloaded(job)
    keeper = _LeaseKeeper(job.pk, job.lease_token) if worker else None
    if keeper is not None:
        keeper.start()
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            return _job_handle(job, kind.handler, _parent_id(job))
    finally:
        if keeper is not None:
            keeper.stop()


def _job_handle(job: Job, handler: registry.Handler, parent_id: int | None) -> Job:
    """Run the claimed job's handler and record how it ended (in the active language). A transient fault
    runs the handler again, on fresh connections, TRANSIENT_RETRIES times at most."""
    token = job.lease_token
    for retry in range(TRANSIENT_RETRIES + 1):
        try:
            result = handler(job, _reporter(job, parent_id))
            break
        except JobCancelled:
            return _reloaded(job)
        except TRANSIENT_ERRORS as error:
            logger.warning(
                "job %s: transient fault (retry %s of %s): %s", job.pk, retry, TRANSIENT_RETRIES, error
            )
            reconnect()
            if retry == TRANSIENT_RETRIES:
                job_release(
                    job_id=job.pk,
                    token=token,
                    message=_("Paused by a temporary fault; the job goes on on the next free worker."),
                )
                return _reloaded(job)
            time.sleep(_retry_delay(retry + 1))
            _retrying(job.pk, token, retry + 1)
        except Exception as error:
            logger.exception("job %s failed", job.pk)
            job_fail(job_id=job.pk, message=failure_message(error), token=token)
            return _reloaded(job)
    if result is WAITING:
        # The parts run under leases of their own; the split job waits for them without one.
        _held(job.pk, token).update(**_LEASE_CLEARED)
        return _reloaded(job)
    result = result or {}
    _held(job.pk, token).update(
        status=Job.Status.SUCCEEDED,
        progress=100,
        result=result,
        finished_at=timezone.now(),
        message=result.get("message", ""),
        **_LEASE_CLEARED,
    )
    if parent_id is not None:
        job_settle(job_id=parent_id)
    return _reloaded(job)


def _retrying(job_id: int, token: str, retry: int) -> None:
    try:
        _held(job_id, token).update(
            message=_("A temporary fault interrupted the job; trying again (%(retry)s of %(retries)s) …")
            % {"retry": retry, "retries": TRANSIENT_RETRIES}
        )
    except DatabaseError:
        reconnect()


def job_release(*, job_id: int, token: str | None, message: str = "") -> bool:
    """Put a running job back in the queue (its lease ends, its attempts stay counted) and send it."""
    released = _held(job_id, token).update(
        status=Job.Status.QUEUED, message=message, worker="", **_LEASE_CLEARED
    )
    if released:
        job_enqueue(job_id=job_id, message=message)
    return bool(released)


def job_worker_lost(*, job_id: int, worker: str = "") -> bool:
    """Hand on at once the job whose process died under it (``worker``: the lost holder's node name,
    a prefix of its ``worker``), as the worker's main process learns it; False if it was not running
    there."""
    lost = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, worker__startswith=worker)
    lost = lost.exclude(result__has_key="part_jobs")
    token = lost.values_list("lease_token", flat=True).first()
    if token is None:
        return False
    return job_release(
        job_id=job_id,
        token=token,
        message=_("Its worker was lost; the job runs again on the next free worker."),
    )


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:])(?:[A-Za-z]:)?[/\\](?:[^\s'\"/\\]+[/\\])+")
_POOL_PROCESS = re.compile(r"\s*\bJob: \d+\.?")


def failure_message(error: BaseException | None) -> str:
    """What a failed job tells its owner about ``error``: no server path, host or process number."""
    if isinstance(error, SoftTimeLimitExceeded | TimeLimitExceeded):
        return _("The job took longer than allowed and was stopped.")
    if isinstance(error, WorkerLostError):
        return _("The process running the job stopped unexpectedly.")
    if isinstance(error, TRANSIENT_ERRORS):
        return _("The job failed: the database or the job queue could not be reached.")
    if isinstance(error, DatabaseError):
        return _("The job failed: the database refused a change (%(error)s).") % {
            "error": type(error).__name__
        }
    if isinstance(error, OSError):
        detail = error.strerror or type(error).__name__
    else:
        detail = _POOL_PROCESS.sub("", _ABSOLUTE_PATH.sub("", str(error))).strip() or type(error).__name__
    return _("The job failed: %(error)s") % {"error": detail}


def _reloaded(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def _parent_id(job: Job) -> int | None:
    parameters = job.parameters if isinstance(job.parameters, dict) else {}
    return parameters.get("parent")


def _reporter(job: Job, parent_id: int | None) -> Callable[..., None]:
    """``progress(percent, message)`` for the handler of ``job`` (each report renews its lease); a part
    moves its parent's bar too, in steps of PARENT_PROGRESS_STEP."""
    part_ids: list[int] = []
    reported: list[float] = [-PARENT_PROGRESS_STEP]

    def progress(percent: float, message: str = "") -> None:
        job_progress(job_id=job.pk, percent=percent, message=message, token=job.lease_token)
        if parent_id is not None and percent - reported[0] >= PARENT_PROGRESS_STEP:
            reported[0] = percent
            if not part_ids:
                result = Job.objects.filter(pk=parent_id).values_list("result", flat=True).first() or {}
                part_ids.extend(result.get("part_jobs", []) if isinstance(result, dict) else [])
            _parent_progress(parent_id, part_ids)

    return progress


def _parent_progress(parent_id: int, part_ids: list[int]) -> None:
    if not part_ids:
        return
    mean = Job.objects.filter(pk__in=part_ids).aggregate(mean=Avg("progress"))["mean"] or 0
    # Two parts may report at once; the bar never moves back.
    Job.objects.filter(pk=parent_id, status=Job.Status.RUNNING).update(
        progress=Greatest(F("progress"), min(99, int(mean)))
    )


def job_progress(*, job_id: int, percent: float, message: str = "", token: str | None = None) -> None:
    """Record progress (and renew the lease of ``token``, the holder's); raises JobCancelled when the job
    was cancelled meanwhile, or is no longer held by ``token``."""
    changes: dict[str, Any] = {"progress": max(0, min(100, int(percent))), "message": message}
    if token is not None:
        changes["lease_expires_at"] = timezone.now() + datetime.timedelta(seconds=lease_seconds())
    if not _held(job_id, token).update(**changes):
        raise JobCancelled


def job_fail(*, job_id: int, message: str, token: str | None = None) -> bool:
    """Mark a job that has not succeeded or been cancelled as failed (only while ``token`` holds it, when
    given); its parts stop, its parent learns."""
    unfinished = Job.objects.filter(pk=job_id).exclude(
        status__in=[Job.Status.SUCCEEDED, Job.Status.CANCELLED]
    )
    if token is not None:
        unfinished = unfinished.filter(lease_token=token)
    failed = unfinished.update(
        status=Job.Status.FAILED, message=message, finished_at=timezone.now(), **_LEASE_CLEARED
    )
    if failed:
        _ended(job_id)
    return bool(failed)


def job_cancel(*, job_id: int) -> bool:
    """Cancel a queued or running job and its parts; a running handler stops at its next progress report."""
    cancelled = Job.objects.filter(pk=job_id, status__in=UNFINISHED).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now(), message=_("Cancelled."), **_LEASE_CLEARED
    )
    if cancelled:
        _ended(job_id)
    return bool(cancelled)


def _ended(job_id: int) -> None:
    """After a job failed or was cancelled: its parts stop, and its parent (if it is a part) settles."""
    _parts_cancel(job_id)
    parent_id = _parent_id(Job.objects.only("parameters").get(pk=job_id))
    if parent_id is not None:
        job_settle(job_id=parent_id)


def _parts_cancel(job_id: int) -> None:
    Job.objects.filter(parameters__parent=job_id, status__in=UNFINISHED).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now(), message=_("Cancelled."), **_LEASE_CLEARED
    )


# --------------------------------------------------------------------------------------------------
# Parts


def job_split(job: Job, parts: list[dict]) -> _Waiting:
    """Hand the work of the running ``job`` to one child job per parameter dict in ``parts`` (each gets
    ``parent`` added, and ``part``, its index, unless it names its own) and return the marker its handler
    returns. The parts are enqueued once this commits and run on any worker; the job finishes when the
    last of them has.

    Safe to call again for a redelivered job: it finds the parts it made the first time."""
    with transaction.atomic():
        parent = Job.objects.select_for_update().get(pk=job.pk)
        result = parent.result if isinstance(parent.result, dict) else {}
        held = parent.status == Job.Status.RUNNING and parent.lease_token == job.lease_token
        if held and not result.get("part_jobs"):
            children = Job.objects.bulk_create(
                Job(
                    kind=parent.kind,
                    parameters={"part": index, **parameters, "parent": parent.pk},
                    language=parent.language,
                )
                for index, parameters in enumerate(parts)
            )
            part_ids = [child.pk for child in children]
            Job.objects.filter(pk=parent.pk).update(
                result={**result, "part_jobs": part_ids},
                message=_("Split into %(count)s parts; they run on the next free workers.")
                % {"count": len(part_ids)},
            )
            for part_id in part_ids:
                transaction.on_commit(partial(job_enqueue, job_id=part_id))
    job_settle(job_id=job.pk)
    return WAITING


def job_settle(*, job_id: int) -> Job | None:
    """Bring a split job up to date with its parts: its progress, and once every part has finished its
    outcome: failed if a part failed, cancelled if one was cancelled, else succeeded with the parts'
    combined outcome. Returns the job, or None when it is not a running split job."""
    with transaction.atomic():
        parent = Job.objects.select_for_update().filter(pk=job_id, status=Job.Status.RUNNING).first()
        result = parent.result if parent is not None and isinstance(parent.result, dict) else {}
        if parent is None or not result.get("part_jobs"):
            return None
        parts = list(Job.objects.filter(pk__in=result["part_jobs"]).order_by("pk"))
        finished = [part for part in parts if part.status in FINISHED]
        progress = min(99, sum(part.progress for part in parts) // max(len(parts), 1))
        if len(finished) < len(parts):
            Job.objects.filter(pk=parent.pk).update(
                progress=Greatest(F("progress"), progress),
                message=_("%(finished)s of %(total)s parts finished.")
                % {"finished": len(finished), "total": len(parts)},
            )
            return _reloaded(parent)
        kind = registry.job_kind(parent.kind)
        combine = kind.combine if kind is not None and kind.combine is not None else _outcomes_listed
        succeeded = [part.result for part in parts if part.status == Job.Status.SUCCEEDED]
        outcome = {**combine(parent, succeeded), "part_jobs": [part.pk for part in parts]}
        failed = [index for index, part in enumerate(parts) if part.status == Job.Status.FAILED]
        if failed:
            status = Job.Status.FAILED
            outcome["failed_parts"] = failed
            message = _("Part %(part)s of %(total)s failed: %(message)s") % {
                "part": failed[0] + 1,
                "total": len(parts),
                "message": parts[failed[0]].message,
            }
        elif any(part.status == Job.Status.CANCELLED for part in parts):
            status, message = Job.Status.CANCELLED, _("Cancelled.")
        else:
            status, message, progress = Job.Status.SUCCEEDED, outcome.get("message", ""), 100
        Job.objects.filter(pk=parent.pk).update(
            status=status, progress=progress, result=outcome, message=message, finished_at=timezone.now()
        )
    return _reloaded(parent)


def _outcomes_listed(job: Job, outcomes: list[dict]) -> dict:
    return {"outcomes": outcomes}


def job_resumption(job: Job) -> registry.Resumption | None:
    """What finishing the rest of the failed split ``job`` would do (its kind's ``resume`` hook); None
    when it is not a failed split job with unfinished parts, or its kind cannot resume."""
    result = job.result if isinstance(job.result, dict) else {}
    kind = registry.job_kind(job.kind)
    if job.status != Job.Status.FAILED or not result.get("part_jobs") or kind is None or kind.resume is None:
        return None
    parts = list(Job.objects.filter(pk__in=result["part_jobs"]).order_by("pk"))
    if all(part.status == Job.Status.SUCCEEDED for part in parts):
        return None
    return kind.resume(job, parts)


def job_finish_rest(*, job_id: int, owner: Any = None, language: str = "") -> Job | None:
    """Request a job over what the failed split job left undone (an identical request gets the job
    already finishing it); None when there is nothing to finish."""
    job = Job.objects.get(pk=job_id)
    resumption = job_resumption(job)
    if resumption is None:
        return None
    return job_create(
        kind=job.kind,
        parameters=resumption.parameters,
        owner=owner if owner is not None else job.owner,
        language=language or job.language,
    )


# --------------------------------------------------------------------------------------------------
# The sweep


def jobs_requeue(*, unsent_after: float = UNSENT_AFTER_SECONDS) -> int:
    """Hand on what was lost and send what the broker does not hold; returns how many jobs were sent.
    Run by beat every SERVICELEAD_JOBS_SWEEP_SECONDS and by every worker as it starts.

    Put back in the queue and sent: running jobs whose lease expired (their worker died, hung or lost the
    database for longer than the lease). Sent: queued jobs whose enqueue failed, jobs never handed over
    ``unsent_after`` seconds after they were created, and jobs handed over whose message the broker no
    longer holds (e.g. Redis restarted empty; when the broker cannot be read, those handed over longer
    ago than its visibility timeout). A duplicate message is harmless: only one delivery claims the job.
    Split jobs whose parts have all finished are settled."""
    reconnect()
    now = timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(
        lease_expires_at=None, started_at__lt=now - datetime.timedelta(seconds=lease_seconds())
    )
    lost = (
        Job.objects.filter(expired, status=Job.Status.RUNNING)
        .exclude(result__has_key="part_jobs")
        .values_list("pk", "lease_token")
    )
    sent = 0
    for job_id, token in lost:
        logger.warning("job %s: lease expired, handed on", job_id)
        sent += job_release(
            job_id=job_id,
            token=token,
            message=_("Its worker was lost; the job runs again on the next free worker."),
        )
    sent += sum(1 for job_id in _queued_unheld(unsent_after) if job_enqueue(job_id=job_id))
    for job_id in Job.objects.filter(status=Job.Status.RUNNING, result__has_key="part_jobs").values_list(
        "pk", flat=True
    ):
        job_settle(job_id=job_id)
    return sent


def _queued_unheld(unsent_after: float) -> list[int]:
    """Ids of the queued jobs that no message in the broker will bring to a worker."""
    now = time.time()
    candidates = Job.objects.filter(status=Job.Status.QUEUED).filter(
        Q(result__has_key="enqueue_failed_at")
        | Q(
            ~Q(result__has_key="enqueued_at"),
            created_at__lte=timezone.now() - datetime.timedelta(seconds=unsent_after),
        )
        | Q(result__enqueued_at__lte=now - HANDOVER_SECONDS)
    )
    held = broker.task_ids_held() if runs_on_workers() else None
    waiting = []
    for job_id, result in candidates.order_by("pk").values_list("pk", "result"):
        result = result if isinstance(result, dict) else {}
        if "enqueued_at" in result:
            if held is None and result["enqueued_at"] > now - _visibility_timeout():
                continue
            if held is not None and result.get("task_id") in held:
                continue
        waiting.append(job_id)
    return waiting


def _visibility_timeout() -> int:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    return int(options.get("visibility_timeout", 3600))
