"""Job kinds known only to the job tests: imported by the tests and, through ``celery worker --include
tests.jobs.handlers``, by the workers they start. Production workers never load them."""

import os
import signal

from django.db import OperationalError

from qualification import jobs

CRASH = "test_crash"
FLAKY = "test_flaky"
REPORTS = "test_reports"


@jobs.job_handler(CRASH)
def crash(job, progress):
    """A poison job: kills the process that runs it, every time."""
    os.kill(os.getpid(), signal.SIGKILL)


@jobs.job_handler(FLAKY)
def flaky(job, progress):
    """Fails with a transient error until its attempt ``succeed_on``."""
    if job.attempts < job.parameters.get("succeed_on", jobs.MAX_ATTEMPTS + 1):
        raise OperationalError("the database went away")
    return {"message": f"done on attempt {job.attempts}"}


@jobs.job_handler(REPORTS)
def reports(job, progress):
    """Reports progress ``steps`` times; cancels its own job first when ``cancel_at`` is reached."""
    for step in range(job.parameters.get("steps", 3)):
        if step == job.parameters.get("cancel_at"):
            jobs.job_cancel(job_id=job.pk)
        progress(100 * step // job.parameters.get("steps", 3), f"step {step}")
    return {"message": "reported"}
