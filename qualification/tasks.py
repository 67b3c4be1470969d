"""Celery tasks: thin wrappers that take ids and call one service."""

from celery import shared_task
from celery.signals import task_failure, worker_ready
from django.utils.translation import gettext as _

from . import jobs


@shared_task(
    bind=True,
    acks_late=True,
    retry_on_worker_lost=True,
    max_retries=jobs.MAX_ATTEMPTS - 1,
    autoretry_for=jobs.TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
)
def run_job(self, job_id):
    job = jobs.job_run(job_id=job_id)
    return None if job is None else job.status


@shared_task
def jobs_requeue():
    return jobs.jobs_requeue()


@task_failure.connect(sender=run_job)
def _mark_job_failed(sender=None, task_id=None, exception=None, args=None, **kwargs):
    # Reached also when the worker was lost more often than max_retries allows.
    if args:
        jobs.job_fail(job_id=args[0], message=_("The job failed: %(error)s") % {"error": exception})


@worker_ready.connect
def _requeue_on_start(**kwargs):
    jobs_requeue.delay()
