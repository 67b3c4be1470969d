"""Celery tasks: thin wrappers that take ids and call one service (``qualification.jobs``)."""

from billiard.exceptions import WorkerLostError
from celery import shared_task
from celery.signals import task_failure, worker_ready
from django.utils.translation import gettext as _

from . import jobs

# Seconds before a job whose worker was lost runs again (Celery's default would be three minutes).
WORKER_LOST_RETRY_DELAY = 3


@shared_task(
    bind=True,
    acks_late=True,
    retry_on_worker_lost=True,
    max_retries=jobs.MAX_ATTEMPTS - 1,
    default_retry_delay=WORKER_LOST_RETRY_DELAY,
    autoretry_for=jobs.TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def run_job(self, job_id):
    job = jobs.job_run(job_id=job_id, task_id=self.request.id)
    return None if job is None else job.status


@shared_task
def jobs_requeue():
    return jobs.jobs_requeue()


@task_failure.connect
def _job_failed(sender=None, exception=None, args=None, **kwargs):
    """Mark the job failed when its task gave up for good. For a worker lost more often than max_retries
    allows, Celery sends this from the worker's main process, where no handler code ran."""
    if getattr(sender, "name", None) != run_job.name or not args:
        return
    if isinstance(exception, WorkerLostError):
        message = _(
            "The job stopped its worker %(attempts)s times and was given up (%(error)s). "
            "Please report this to an administrator."
        ) % {"attempts": jobs.MAX_ATTEMPTS, "error": exception}
    else:
        message = jobs.failure_message(exception)
    jobs.job_fail(job_id=args[0], message=message)


@worker_ready.connect
def _requeue_on_start(**kwargs):
    # Jobs requested while the broker was down wait as queued rows; a starting worker sends them.
    jobs_requeue.delay()
