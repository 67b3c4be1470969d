"""Background jobs recorded as ``Job`` rows: creation, enqueueing, claiming, progress, parts, cancellation
and the sweep that sends what the broker never got.

A job is written in the request's transaction and enqueued after commit. With ``REDIS_URL`` it runs on a
Celery worker; without, in-process through the same row. What makes a job lose nothing:

- the task takes the job id and claims the row with a conditional update: a queued job, or a running one
  whose claim carries the same Celery task id (the same message, redelivered after its worker was lost).
  Any other delivery (a duplicate sent by the sweep, a redelivery of a finished job) does nothing;
- every claim counts an attempt; after MAX_ATTEMPTS the job is failed with a message, never run again;
- handlers are idempotent: a job run again replaces what an interrupted run wrote by the same rows;
- an enqueue that cannot reach the broker leaves the job queued with a message saying that it waits, and
  ``jobs_requeue`` (beat, and every worker start) sends it once the broker is back;
- a large job may hand its work to parts (``job_split``): child jobs that run on any worker, while the
  parent follows their progress and takes their combined outcome when the last part has finished.

While a job is queued or running its ``result`` holds bookkeeping (``enqueued_at``, ``task_id``,
``part_jobs``); the handler's outcome replaces it on success."""

import datetime
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, close_old_connections, transaction
from django.db.models import Avg, F, Q
from django.db.models.functions import Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import registry
from .models import Job

logger = logging.getLogger(__name__)

# The Celery task that runs a job (``tasks.run_job``), sent by name: the tasks call this module, it never
# imports them.
RUN_JOB_TASK = "jobs.tasks.run_job"

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()

# Errors worth another try: the broker, the database or the network hiccupped.
TRANSIENT_ERRORS = (ConnectionError, TimeoutError, OperationalError)

# Runs of one job before it is given up (each worker loss, redelivery or transient error is one more).
MAX_ATTEMPTS = 3

# A queued job that was never handed to the broker this long after it was created is sent by the sweep
# (the requesting process died between commit and enqueue).
UNSENT_AFTER_SECONDS = 30

FINISHED = (Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED)

# A part reports to its parent's progress bar when its own has moved this many points.
PARENT_PROGRESS_STEP = 5


class JobCancelled(Exception):
    """Raised inside a handler when its job was cancelled; stops the work without failing the job."""


class _Waiting:
    def __repr__(self) -> str:
        return "WAITING"


# Returned by a handler (through ``job_split``) whose job finishes when its parts have finished.
WAITING = _Waiting()


def runs_on_workers() -> bool:
    """True when jobs go to Celery workers (``REDIS_URL`` is set), False when they run in-process.

    The test settings keep jobs in-process even with ``REDIS_URL`` (it is there for the real-worker
    tests, which switch ``SERVICELEAD_JOBS_ON_WORKERS`` on)."""
    return bool(settings.REDIS_URL) and getattr(settings, "SERVICELEAD_JOBS_ON_WORKERS", True)


def job_create(*, kind: str, parameters: dict, owner: Any = None, language: str = "") -> Job:
    """Record a queued job and enqueue it once the surrounding transaction commits. Its messages are
    written in ``language`` (the requester's, e.g. ``request.LANGUAGE_CODE``; empty: the site's)."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, parameters=parameters, owner=owner, language=language or "")
        transaction.on_commit(partial(job_enqueue, job_id=job.pk))
    return job


def job_enqueue(*, job_id: int) -> bool:
    """Hand the job to a worker (Celery with REDIS_URL, else in-process). Returns False when the broker
    is unreachable: the job stays queued, says that it waits, and ``jobs_requeue`` sends it later."""
    if runs_on_workers():
        try:
            # No publish retries: with the broker's short connect timeout an unreachable Redis answers
            # within about a second, and the sweep is the retry.
            current_app.send_task(RUN_JOB_TASK, args=[job_id], retry=False)
        except Exception as error:  # kombu and redis raise several types for an unreachable broker
            logger.warning("broker unreachable, job %s stays queued: %s", job_id, error)
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
                message=_("Waiting for the job queue; the job starts as soon as it is reachable again."),
                result={"enqueue_failed_at": time.time()},
            )
            return False
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            message="", result={"enqueued_at": time.time()}
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


def job_claim(*, job_id: int, task_id: str | None = None) -> Job | None:
    """Mark the job running and count the attempt; returns it, or None when this delivery may not run it.

    A queued job is claimed by any delivery; a running one only by a delivery of the same Celery task
    (``task_id``), which is the message redelivered after its worker was lost. A job out of attempts is
    failed instead."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, attempts__lt=MAX_ATTEMPTS).update(
        status=Job.Status.RUNNING, started_at=now, attempts=F("attempts") + 1, result={"task_id": task_id}
    )
    if not claimed and task_id is not None:
        claimed = Job.objects.filter(
            pk=job_id, status=Job.Status.RUNNING, result__task_id=task_id, attempts__lt=MAX_ATTEMPTS
        ).update(started_at=now, attempts=F("attempts") + 1)
    if claimed:
        return Job.objects.get(pk=job_id)
    mine = Q(status=Job.Status.QUEUED)
    if task_id is not None:
        mine |= Q(status=Job.Status.RUNNING, result__task_id=task_id)
    if Job.objects.filter(mine, pk=job_id, attempts__gte=MAX_ATTEMPTS).exists():
        job_fail(
            job_id=job_id,
            message=_("The job was given up after %(attempts)s attempts.") % {"attempts": MAX_ATTEMPTS},
        )
    return None


def job_run(*, job_id: int, task_id: str | None = None) -> Job | None:
    """Claim the job and run its handler, recording success, failure or cancellation on the row.

    Returns the job as it is afterwards, or None when this delivery had nothing to do. A transient error
    is raised again on a worker (``task_id`` given) while attempts remain, so that Celery retries."""
    job = job_claim(job_id=job_id, task_id=task_id)
    if job is None:
        return None
    kind = registry.job_kind(job.kind)
    if kind is None:
        job_fail(job_id=job.pk, message=_("No worker knows how to run jobs of this kind."))
        return _reloaded(job)
    parent_id = _parent_id(job)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _job_handle(job, kind.handler, parent_id, task_id)


def _job_handle(job: Job, handler: registry.Handler, parent_id: int | None, task_id: str | None) -> Job:
    """Run the claimed job's handler and record how it ended (in the active language)."""
    try:
        result = handler(job, _reporter(job, parent_id))
    except JobCancelled:
        return _reloaded(job)
    except TRANSIENT_ERRORS as error:
        if task_id is not None and job.attempts < MAX_ATTEMPTS:
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                message=_("Retrying after: %(error)s") % {"error": error}
            )
            raise
        job_fail(job_id=job.pk, message=failure_message(error))
        return _reloaded(job)
    except Exception as error:
        logger.exception("job %s failed", job.pk)
        job_fail(job_id=job.pk, message=failure_message(error))
        return _reloaded(job)
    if result is WAITING:
        return _reloaded(job)
    result = result or {}
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED,
        progress=100,
        result=result,
        finished_at=timezone.now(),
        message=result.get("message", ""),
    )
    if parent_id is not None:
        job_settle(job_id=parent_id)
    return _reloaded(job)


def failure_message(error: BaseException | None) -> str:
    """What a failed job tells its owner about ``error``."""
    if isinstance(error, SoftTimeLimitExceeded):
        return _("The job took longer than allowed and was stopped.")
    return _("The job failed: %(error)s") % {"error": error}


def _reloaded(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def _parent_id(job: Job) -> int | None:
    parameters = job.parameters if isinstance(job.parameters, dict) else {}
    return parameters.get("parent")


def _reporter(job: Job, parent_id: int | None) -> Callable[..., None]:
    """``progress(percent, message)`` for the handler of ``job``; a part moves its parent's bar too, in
    steps of PARENT_PROGRESS_STEP."""
    part_ids: list[int] = []
    reported: list[float] = [-PARENT_PROGRESS_STEP]

    def progress(percent: float, message: str = "") -> None:
        job_progress(job_id=job.pk, percent=percent, message=message)
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


def job_progress(*, job_id: int, percent: float, message: str = "") -> None:
    """Record progress; raises JobCancelled when the job was cancelled meanwhile."""
    updated = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        progress=max(0, min(100, int(percent))), message=message
    )
    if not updated:
        raise JobCancelled


def job_fail(*, job_id: int, message: str) -> bool:
    """Mark a job that has not succeeded or been cancelled as failed; its parts stop, its parent learns."""
    failed = (
        Job.objects.filter(pk=job_id)
        .exclude(status__in=[Job.Status.SUCCEEDED, Job.Status.CANCELLED])
        .update(status=Job.Status.FAILED, message=message, finished_at=timezone.now())
    )
    if failed:
        _ended(job_id)
    return bool(failed)


def job_cancel(*, job_id: int) -> bool:
    """Cancel a queued or running job and its parts; a running handler stops at its next progress report."""
    cancelled = Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now(), message=_("Cancelled.")
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
    Job.objects.filter(parameters__parent=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now(), message=_("Cancelled.")
    )


# --------------------------------------------------------------------------------------------------
# Parts


def job_split(job: Job, parts: list[dict]) -> _Waiting:
    """Hand the work of the running ``job`` to one child job per parameter dict in ``parts`` (each gets
    ``parent`` and ``part`` added) and return the marker its handler returns. The parts are enqueued
    once this commits and run on any worker; the job finishes when the last of them has.

    Safe to call again for a redelivered job: it finds the parts it made the first time."""
    with transaction.atomic():
        parent = Job.objects.select_for_update().get(pk=job.pk)
        result = parent.result if isinstance(parent.result, dict) else {}
        if parent.status == Job.Status.RUNNING and not result.get("part_jobs"):
            children = Job.objects.bulk_create(
                Job(
                    kind=parent.kind,
                    parameters={**parameters, "parent": parent.pk, "part": index},
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


# --------------------------------------------------------------------------------------------------
# The sweep


def jobs_requeue(*, unsent_after: float = UNSENT_AFTER_SECONDS) -> int:
    """Send the queued jobs the broker does not hold and finish what was left behind; returns how many
    jobs were sent. Run by beat every minute and by every worker as it starts.

    Sent: jobs whose enqueue failed, jobs never handed over ``unsent_after`` seconds after they were
    created, and jobs handed over longer ago than the broker keeps an unacknowledged message (that message
    was lost, e.g. by a Redis restarted without persistence). A duplicate message is harmless: the claim
    lets only one delivery run the job. Split jobs whose parts have all finished are settled; running jobs
    silent for longer than a task may run and be redelivered are failed."""
    now = time.time()
    visibility = _visibility_timeout()
    waiting = list(
        Job.objects.filter(status=Job.Status.QUEUED)
        .filter(
            Q(result__has_key="enqueue_failed_at")
            | Q(
                ~Q(result__has_key="enqueued_at"),
                created_at__lte=timezone.now() - datetime.timedelta(seconds=unsent_after),
            )
            | Q(result__enqueued_at__lte=now - visibility)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = sum(1 for job_id in waiting if job_enqueue(job_id=job_id))
    for job_id in Job.objects.filter(status=Job.Status.RUNNING, result__has_key="part_jobs").values_list(
        "pk", flat=True
    ):
        job_settle(job_id=job_id)
    silent_since = timezone.now() - datetime.timedelta(seconds=_hard_time_limit() + visibility + 60)
    for job_id in (
        Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=silent_since)
        .exclude(result__has_key="part_jobs")
        .values_list("pk", flat=True)
    ):
        job_fail(job_id=job_id, message=_("The worker running this job was lost; please start it again."))
    return sent


def _visibility_timeout() -> int:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    return int(options.get("visibility_timeout", 3600))


def _hard_time_limit() -> int:
    return int(getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 3600)
