"""Celery tasks: thin wrappers that take a job id and call one service (``jobs.services``)."""

from typing import Any

from billiard.exceptions import WorkerLostError
from celery import shared_task
from celery.signals import task_failure, worker_ready
from django.utils.translation import gettext as _

from . import services

# Seconds before a job whose worker was lost runs again (Celery's default would be three minutes).
WORKER_LOST_RETRY_DELAY = 3


@shared_task(
    bind=True,
    name=services.RUN_JOB_TASK,
    acks_late=True,
    retry_on_worker_lost=True,
    max_retries=services.MAX_ATTEMPTS - 1,
    default_retry_delay=WORKER_LOST_RETRY_DELAY,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def run_job(self: Any, job_id: int) -> str | None:
    job = services.job_run(job_id=job_id, task_id=self.request.id)
    return None if job is None else job.status


@shared_task
def jobs_requeue() -> int:
    return services.jobs_requeue()


@task_failure.connect
def _job_failed(
    sender: Any = None, exception: BaseException | None = None, args: Any = None, **kwargs: Any
) -> None:
    """Mark the job failed when its task gave up for good. For a worker lost more often than max_retries
    allows, Celery sends this from the worker's main process, where no handler code ran."""
    if getattr(sender, "name", None) != run_job.name or not args:
        return
    if isinstance(exception, WorkerLostError):
        message = _(
            "The job stopped its worker %(attempts)s times and was given up (%(error)s). "
            "Please report this to an administrator."
        ) % {"attempts": services.MAX_ATTEMPTS, "error": exception}
    else:
        message = services.failure_message(exception)
    services.job_fail(job_id=args[0], message=message)


@worker_ready.connect
def _requeue_on_start(**kwargs: Any) -> None:
    # Jobs requested while the broker was down wait as queued rows; a starting worker sends them.
    jobs_requeue.delay()
