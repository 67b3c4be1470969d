"""Celery tasks: thin wrappers that take a job id and call one service (``jobs.services``).

``run_job`` leaves retries to the job services: a transient fault runs the handler again inside the task,
a lost worker is handed on through the job's lease (here at once, when the worker's main process sees its
pool process die; else by the sweep once the lease has expired). Celery's own retries would only send
copies of a message whose job is held by a lease."""

import logging
import os
from typing import Any

from billiard.exceptions import WorkerLostError
from celery import shared_task
from celery.signals import task_failure, worker_ready

from . import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, name=services.RUN_JOB_TASK, acks_late=True, retry_on_worker_lost=False)
def run_job(self: Any, job_id: int) -> str | None:
    worker = f"{self.request.hostname or 'local'}:{os.getpid()}"
    job = services.job_run(job_id=job_id, worker=worker)
    return None if job is None else job.status


@shared_task
def jobs_requeue() -> int:
    return services.jobs_requeue()


@task_failure.connect
def _job_failed(
    sender: Any = None, exception: BaseException | None = None, args: Any = None, **kwargs: Any
) -> None:
    """When a task of ``run_job`` ended with an error the job services did not record: a pool process
    that died under its job (sent by the worker's main process, on a connection that may have been
    terminated meanwhile) hands the job on at once; a transient fault is left to the lease; anything else
    fails the job."""
    if getattr(sender, "name", None) != run_job.name or not args:
        return
    try:
        services.reconnect()
        if isinstance(exception, WorkerLostError):
            hostname = getattr(getattr(sender, "request", None), "hostname", None)
            services.job_worker_lost(job_id=args[0], worker=f"{hostname}:" if hostname else "")
        elif not isinstance(exception, services.TRANSIENT_ERRORS):
            services.job_fail(job_id=args[0], message=services.failure_message(exception))
    except Exception:  # the lease and the sweep hand the job on; a signal receiver never raises
        logger.exception("job %s: the end of its task was not recorded", args[0])


@worker_ready.connect
def _requeue_on_start(**kwargs: Any) -> None:
    # Jobs requested while the broker was down wait as queued rows; a starting worker sends them.
    jobs_requeue.delay()
