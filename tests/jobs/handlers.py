"""Job kinds known only to the job tests: imported by the tests and, through ``celery worker --include
tests.jobs.handlers``, by the workers they start. Production workers never load them."""

import os
import signal

from django.db import OperationalError

from jobs import registry
from jobs import services as jobs

CRASH = "test_crash"
FLAKY = "test_flaky"
REPORTS = "test_reports"


def crash(job, progress):
    """A poison job: kills the process that runs it, every time."""
    os.kill(os.getpid(), signal.SIGKILL)


def flaky(job, progress):
    """Fails with a transient error until its attempt ``succeed_on``."""
    if job.attempts < job.parameters.get("succeed_on", jobs.MAX_ATTEMPTS + 1):
        raise OperationalError("the database went away")
    return {"message": f"done on attempt {job.attempts}"}


def reports(job, progress):
    """Reports progress ``steps`` times; cancels its own job first when ``cancel_at`` is reached."""
    for step in range(job.parameters.get("steps", 3)):
        if step == job.parameters.get("cancel_at"):
            jobs.job_cancel(job_id=job.pk)
        progress(100 * step // job.parameters.get("steps", 3), f"step {step}")
    return {"message": "reported"}


for _kind, _handler in ((CRASH, crash), (FLAKY, flaky), (REPORTS, reports)):
    registry.job_kind_register(_kind, label=_kind, handler=_handler)
