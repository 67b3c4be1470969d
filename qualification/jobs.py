"""Background jobs recorded as ``Job`` rows: creation, claiming, progress, cancellation, requeueing.

A job is written in the request's transaction and enqueued after commit. With ``REDIS_URL`` it runs on a
Celery worker; without, in-process through the same row. Handlers are registered per kind and must be
idempotent: a redelivered task claims the job again and runs the handler again."""

import datetime
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import OperationalError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

_handlers = {}
_executor = None
_executor_lock = threading.Lock()

# Errors worth another try: the broker, the database or the network hiccupped.
TRANSIENT_ERRORS = (ConnectionError, TimeoutError, OperationalError)

# Tries of one job before it is given up (each worker loss or transient error is one try).
MAX_ATTEMPTS = 3


class JobCancelled(Exception):
    """Raised inside a handler when its job was cancelled; stops the work without failing the job."""


def job_handler(kind):
    """Register the function that does the work of jobs of ``kind``: ``fn(job, progress)``."""

    def register(fn):
        _handlers[kind] = fn
        return fn

    return register


def job_create(*, kind, parameters, owner=None):
    """Record a queued job and enqueue it once the surrounding transaction commits."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, parameters=parameters, owner=owner)
        transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


def job_enqueue(*, job_id):
    """Hand the job to a worker (Celery with REDIS_URL, else in-process). Returns False when the broker
    is unreachable: the job stays queued and ``jobs_requeue`` sends it once the broker is back."""
    if settings.REDIS_URL:
        from .tasks import run_job

        try:
            run_job.apply_async(args=[job_id], retry=False)
        except Exception as error:  # kombu/redis raise several types for an unreachable broker
            logger.warning("broker unreachable, job %s stays queued: %s", job_id, error)
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
                message=_("Waiting for the job queue; the job starts as soon as it is reachable again.")
            )
            return False
        return True
    if getattr(settings, "SERVICELEAD_INPROCESS_JOBS", "thread") == "sync":
        job_run(job_id=job_id)
    else:
        _in_process_executor().submit(_run_in_thread, job_id)
    return True


def _in_process_executor():
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="servicelead-job")
        return _executor


def _run_in_thread(job_id):
    close_old_connections()
    try:
        job_run(job_id=job_id)
    finally:
        close_old_connections()


def job_claim(*, job_id):
    """Mark the job running if it is queued or was running when its worker died; None otherwise.

    The conditional update makes a second delivery of a finished job do nothing."""
    claimed = Job.objects.filter(
        pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING], attempts__lt=MAX_ATTEMPTS
    ).update(status=Job.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
    return Job.objects.get(pk=job_id) if claimed else None


def job_run(*, job_id):
    """Claim the job and run its handler, recording success, failure or cancellation on the row."""
    job = job_claim(job_id=job_id)
    if job is None:
        return None
    handler = _handlers[job.kind]
    try:
        result = handler(
            job, lambda percent, message="": job_progress(job_id=job.pk, percent=percent, message=message)
        )
    except JobCancelled:
        return Job.objects.get(pk=job.pk)
    except TRANSIENT_ERRORS as error:
        if job.attempts < MAX_ATTEMPTS:
            # Let Celery retry with backoff; the next delivery claims the still-running job again.
            job_progress(
                job_id=job.pk, percent=job.progress, message=_("Retrying after: %(error)s") % {"error": error}
            )
            raise
        job_fail(job_id=job.pk, message=_("The job failed: %(error)s") % {"error": error})
        return Job.objects.get(pk=job.pk)
    except Exception as error:
        logger.exception("job %s failed", job.pk)
        job_fail(job_id=job.pk, message=_("The job failed: %(error)s") % {"error": error})
        return Job.objects.get(pk=job.pk)
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED,
        progress=100,
        result=result or {},
        finished_at=timezone.now(),
        message=(result or {}).get("message", ""),
    )
    return Job.objects.get(pk=job.pk)


def job_progress(*, job_id, percent, message=""):
    """Record progress; raises JobCancelled when the job was cancelled meanwhile."""
    updated = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        progress=max(0, min(100, int(percent))), message=message
    )
    if not updated:
        raise JobCancelled


def job_fail(*, job_id, message):
    Job.objects.filter(pk=job_id).exclude(status__in=[Job.Status.SUCCEEDED, Job.Status.CANCELLED]).update(
        status=Job.Status.FAILED, message=message, finished_at=timezone.now()
    )


def job_cancel(*, job_id):
    """Cancel a queued or running job; a running handler stops at its next progress report."""
    return bool(
        Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=Job.Status.CANCELLED,
            finished_at=timezone.now(),
            message=_("Cancelled."),
        )
    )


def jobs_requeue(*, older_than_seconds=30):
    """Enqueue jobs still queued after ``older_than_seconds`` (e.g. requested while Redis was down)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    waiting = list(
        Job.objects.filter(status=Job.Status.QUEUED, created_at__lte=cutoff).values_list("pk", flat=True)
    )
    return sum(1 for job_id in waiting if job_enqueue(job_id=job_id))
