"""Job kinds known only to the job tests: imported by the tests and, through ``celery worker --include
tests.jobs.handlers``, by the workers they start. Production workers never load them."""

import os
import signal
import time
from collections import Counter

from django.db import OperationalError

from jobs import registry
from jobs import services as jobs

CRASH = "test_crash"
FLAKY = "test_flaky"
REPORTS = "test_reports"
RAISES = "test_raises"
SLOW = "test_slow"

# Transient errors raised so far per job, in this process.
_raised: Counter = Counter()


def crash(job, progress):
    """A poison job: kills the process that runs it, every time."""
    os.kill(os.getpid(), signal.SIGKILL)


def flaky(job, progress):
    """Fails with a transient error its first ``failures`` times in this process."""
    if _raised[job.pk] < job.parameters.get("failures", 1):
        _raised[job.pk] += 1
        raise OperationalError("the connection is closed")
    return {"message": f"done after {_raised[job.pk]} transient errors"}


def reports(job, progress):
    """Reports progress ``steps`` times; cancels its own job first when ``cancel_at`` is reached."""
    for step in range(job.parameters.get("steps", 3)):
        if step == job.parameters.get("cancel_at"):
            jobs.job_cancel(job_id=job.pk)
        progress(100 * step // job.parameters.get("steps", 3), f"step {step}")
    return {"message": "reported"}


def raises(job, progress):
    """Fails as writing a file under a server path fails."""
    raise NotADirectoryError(20, "Not a directory", job.parameters["path"])


def slow(job, progress):
    """Works for ``seconds``, reporting its progress ten times a second (a job to kill in the middle)."""
    seconds = job.parameters.get("seconds", 3)
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        progress(100 * elapsed / seconds, "working")
        time.sleep(0.1)
    return {"message": f"worked on attempt {job.attempts}"}


for _kind, _handler in ((CRASH, crash), (FLAKY, flaky), (REPORTS, reports), (RAISES, raises), (SLOW, slow)):
    registry.job_kind_register(_kind, label=_kind, handler=_handler)
