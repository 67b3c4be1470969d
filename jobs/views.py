"""The job pages: a job's progress (polled while it runs), its outcome once it has finished, cancel, and
"finish the rest" of a split job whose parts did not all succeed.

What a finished job shows comes from its kind's registration (``registry.JobKind.outcome_template``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import registry, services
from .models import Job
from .permissions import job_for_viewing


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for_viewing(request.user, job_id)
    return render(request, "jobs/job_detail.html", _job_context(job))


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment that the job page polls every second until the job has finished."""
    job = job_for_viewing(request.user, job_id)
    return render(request, "jobs/_job_status.html", _job_context(job))


def _job_context(job: Job) -> dict:
    kind = registry.job_kind(job.kind)
    succeeded = job.status == Job.Status.SUCCEEDED
    return {
        "resumption": services.job_resumption(job),
        "job": job,
        "finished": job.is_finished,
        "outcome": job.result if succeeded and isinstance(job.result, dict) else None,
        "outcome_template": kind.outcome_template if kind is not None and succeeded else "",
        "section": kind.section if kind is not None else None,
    }


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for_viewing(request.user, job_id)
    if services.job_cancel(job_id=job.pk):
        messages.success(request, _("The job was cancelled; nothing it had not finished was written."))
    else:
        messages.info(request, _("The job had already finished."))
    return redirect("jobs:job_detail", job_id=job.pk)


@login_required
@require_POST
def job_finish(request: HttpRequest, job_id: int) -> HttpResponse:
    """Request a job over what the failed split job left undone, and follow it."""
    job = job_for_viewing(request.user, job_id)
    rest = services.job_finish_rest(job_id=job.pk, owner=request.user, language=request.LANGUAGE_CODE)
    if rest is None:
        messages.info(request, _("Nothing is left to finish."))
        return redirect("jobs:job_detail", job_id=job.pk)
    messages.success(request, _("A job finishes the rest; the parts that succeeded are kept."))
    return redirect("jobs:job_detail", job_id=rest.pk)
