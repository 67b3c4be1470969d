"""Who may see a job: whoever requested it, and the supervisors the apps above register (HR, admins).
To anyone else a job does not exist (404)."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from . import registry
from .models import Job


def job_for_viewing(user: Any, job_id: int) -> Job:
    """The job if ``user`` requested it or is a registered job supervisor; 404 for anyone else."""
    job = get_object_or_404(Job.objects.select_related("owner"), pk=job_id)
    if job.owner_id != user.pk and not registry.is_job_supervisor(user):
        raise Http404
    return job
