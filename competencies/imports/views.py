"""The spreadsheet import pages for HR and admins: upload → report or preview → commit.

A small file (up to SERVICELEAD_IMPORT_SYNC_BYTES) is checked within the request and its preview shown at
once; a larger one is checked by a dry-run job whose page shows the preview when it has finished. The
preview's "Commit" button posts a signed token naming the stored upload and the options: the page never
takes a file path from the client. Committing checks the file again and records it in one transaction (or,
for a large file, as a job)."""

from pathlib import Path, PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from competencies.roles import is_hr_or_admin
from jobs.models import Job
from jobs.permissions import job_for_viewing

from . import jobs as import_jobs
from .columns import FIELD_HEADINGS, LONG, REQUIRED, WIDE
from .commit import import_file
from .forms import ImportUploadForm
from .problems import ImportRejected, Problem

DEFAULT_SYNC_BYTES = 1024 * 1024
TOKEN_SALT = "servicelead.imports.commit"  # noqa: S105 - a signing salt, not a secret
TOKEN_MAX_AGE = import_jobs.PREVIEW_MAX_AGE  # seconds a preview may be committed after it was shown
SHOWN_ROWS = 200  # rows of the problem report, the changes and the new people shown on a page

FIELD_LABELS = {
    "personnel_no": gettext_lazy("Personnel number"),
    "name": gettext_lazy("Name"),
    "team": gettext_lazy("Team"),
    "competency": gettext_lazy("Competency"),
    "level": gettext_lazy("Level"),
    "source": gettext_lazy("Source"),
    "assessed_on": gettext_lazy("Assessed on"),
    "valid_until": gettext_lazy("Valid until"),
    "note": gettext_lazy("Note"),
}
WIDE_FIELDS = ("personnel_no", "name", "team")


def sync_limit() -> int:
    """Files up to this many bytes are checked and committed within the request."""
    return int(getattr(settings, "SERVICELEAD_IMPORT_SYNC_BYTES", DEFAULT_SYNC_BYTES))


def _require_importer(user):
    if not is_hr_or_admin(user):
        raise PermissionDenied


def _options(data):
    return {
        "format": data.get("format") if data.get("format") in (WIDE, LONG) else None,
        "sheet": data.get("sheet") or None,
        "create_missing": bool(data.get("create_missing")),
    }


# --------------------------------------------------------------------------------------------------
# Upload and check


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
    else:
        form = ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        filename = PurePath(uploaded.name or "").name
        options = _options(form.cleaned_data)
        try:
            stored = import_jobs.upload_save(file_obj=uploaded, filename=filename)
        except ImportRejected as rejection:
            for problem in rejection.problems:
                form.add_error("file", problem.message)
        else:
            if uploaded.size > sync_limit():
                job = import_jobs.import_job_create(
                    path=stored, filename=filename, dry_run=True, owner=request.user, **options
                )
                return redirect("imports:job", job_id=job.pk)
            return _check(request, stored=stored, filename=filename, options=options)
    return render(request, "imports/upload.html", _upload_context(form))


def _upload_context(form):
    headings = [
        {
            "label": FIELD_LABELS[name],
            "headings": aliases,
            "wide": "required" if name in REQUIRED[WIDE] else ("optional" if name in WIDE_FIELDS else ""),
            "long": "required" if name in REQUIRED[LONG] else "optional",
        }
        for name, aliases in FIELD_HEADINGS.items()
    ]
    return {"form": form, "headings": headings}


def _check(request, *, stored, filename, options):
    """Parse and validate a stored small upload; the report or the preview page."""
    path = import_jobs.upload_path(stored)
    plan = None
    try:
        with path.open("rb") as file_obj:
            plan, _written = import_file(file_obj=file_obj, filename=filename, dry_run=True, **options)
    except ImportRejected as rejection:
        return _rejection_report(request, rejection)
    finally:
        # Only a clean file is kept, for the commit; rejected and crashed checks leave nothing behind.
        if plan is None or not plan.is_valid:
            path.unlink(missing_ok=True)
    if not plan.is_valid:
        return _report(request, plan.problem_records(), plan.problem_count, summary=plan.summary())
    return _preview(request, plan, stored=stored, filename=filename, options=options)


def _preview(request, plan, *, stored, filename, options, confirm_error=False):
    summary = plan.summary()
    context = {
        "summary": summary,
        "changes": plan.change_records(limit=SHOWN_ROWS),
        "new_people": plan.new_people_records(limit=SHOWN_ROWS),
        "warnings": [warning.as_dict() for warning in plan.warnings[:SHOWN_ROWS]],
        "shown_rows": SHOWN_ROWS,
        "token": _token(request.user, stored=stored, filename=filename, options=options),
        "options": options,
        "confirm_error": confirm_error,
    }
    return render(request, "imports/check.html", context)


def _report(request, problems, count, *, summary=None):
    return render(request, "imports/check.html", _report_context(problems, count, summary=summary))


def _rejection_report(request, rejection):
    return _report(request, [problem.as_dict() for problem in rejection.problems], rejection.problem_count)


def _report_context(problems, count, *, summary=None):
    shown = [_problem_record(record) for record in problems[:SHOWN_ROWS]]
    return {"rejected": True, "problems": shown, "problem_count": count or len(shown), "summary": summary}


def _problem_record(record):
    """A problem as a dict, its reason in the active language (a job may have written it in another)."""
    try:
        problem = Problem(
            record["code"],
            sheet=record.get("sheet") or "",
            row=record.get("row"),
            column=record.get("column") or "",
            column_letter=record.get("column_letter") or "",
            value=record.get("value") or "",
            params=record.get("params") or {},
        )
        message = problem.message
    except (KeyError, TypeError, ValueError):
        message = record.get("message", "")
    return {**record, "message": message}


# --------------------------------------------------------------------------------------------------
# Commit


def _token(user, *, stored, filename, options, preview_job=None):
    payload = {"path": stored, "filename": filename, "user": user.pk, **options}
    if preview_job is not None:
        payload["job"] = preview_job
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def _bad_token(request):
    return render(request, "imports/invalid.html", status=400)


@login_required
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        messages.error(request, _("The preview is too old to be committed; please upload the file again."))
        return redirect("imports:upload")
    except signing.BadSignature:
        return _bad_token(request)
    if not isinstance(payload, dict) or payload.get("user") != request.user.pk:
        return _bad_token(request)
    try:
        path = import_jobs.upload_path(payload["path"])
    except (import_jobs.UploadPathInvalid, KeyError, TypeError):
        return _bad_token(request)
    if not path.is_file():
        messages.error(request, _("The uploaded file is no longer stored; please upload it again."))
        return redirect("imports:upload")
    filename = PurePath(payload.get("filename") or path.name).name
    if Path(filename).suffix.lower() != path.suffix.lower():
        filename = path.name
    options = _options(payload)
    confirmed = bool(request.POST.get("confirm_differences"))
    if path.stat().st_size > sync_limit():
        if payload.get("job") and not confirmed and _preview_warned(request.user, payload["job"]):
            messages.error(request, CONFIRM_MESSAGE)
            return redirect("imports:job", job_id=payload["job"])
        job = import_jobs.import_job_create(
            path=payload["path"],
            filename=filename,
            dry_run=False,
            owner=request.user,
            confirm_differences=confirmed,
            **options,
        )
        return redirect("imports:job", job_id=job.pk)
    try:
        with transaction.atomic(), path.open("rb") as file_obj:
            plan, written = import_file(
                file_obj=file_obj,
                filename=filename,
                user=request.user,
                dry_run=False,
                confirm_differences=confirmed,
                **options,
            )
    except ImportRejected as rejection:
        path.unlink(missing_ok=True)
        return _rejection_report(request, rejection)
    if written is None and plan.is_valid:  # differences from the stored people, not confirmed
        return _preview(
            request, plan, stored=payload["path"], filename=filename, options=options, confirm_error=True
        )
    path.unlink(missing_ok=True)
    if written is None:  # the data changed since the preview and the file no longer fits
        return _report(request, plan.problem_records(), plan.problem_count, summary=plan.summary())
    messages.success(request, _written_message(written))
    return redirect("imports:upload")


CONFIRM_MESSAGE = gettext_lazy(
    "Confirm that the levels belong to the people as stored before committing; nothing was written."
)


def _preview_warned(user, job_id):
    """Whether the dry run ``job_id`` of ``user`` found differences from the stored people."""
    job = Job.objects.filter(pk=job_id, owner=user, kind=import_jobs.KIND).only("result").first()
    result = job.result if job is not None and isinstance(job.result, dict) else {}
    return bool((result.get("summary") or {}).get("warnings"))


def _written_message(written):
    return ngettext(
        "%(assessments)s assessment recorded by you; levels changed: %(changes)s, new people: %(people)s.",
        "%(assessments)s assessments recorded by you; levels changed: %(changes)s, new people: %(people)s.",
        written["assessments"],
    ) % {
        "assessments": written["assessments"],
        "changes": written["changes"],
        "people": written["new_people"],
    }


# --------------------------------------------------------------------------------------------------
# Jobs of large files


def _import_job(user, job_id):
    _require_importer(user)
    job = job_for_viewing(user, job_id)
    if job.kind != import_jobs.KIND:
        raise Http404
    return job


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request.user, job_id)
    return render(request, "imports/job.html", _job_context(request, job))


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment the job page polls; once the job has finished it reloads the page, which
    then shows the report, the preview or what was recorded."""
    job = _import_job(request.user, job_id)
    context = _job_context(request, job)
    response = render(request, "imports/_job_progress.html", context)
    if context["finished"]:
        response["HX-Refresh"] = "true"
    return response


def _job_context(request, job):
    parameters = job.parameters if isinstance(job.parameters, dict) else {}
    result = job.result if isinstance(job.result, dict) else {}
    context = {
        "job": job,
        "finished": job.is_finished,
        "dry_run": bool(parameters.get("dry_run")),
        "filename": parameters.get("filename") or PurePath(parameters.get("path") or "").name,
        "shown_rows": SHOWN_ROWS,
        "from_job": True,
    }
    if job.status != Job.Status.SUCCEEDED:
        return context
    # The job ran to its end; what the user needs is how the import came out.
    if result.get("rejected"):
        context["outcome"] = ("danger", _("Rejected"))
    elif result.get("unconfirmed"):
        context["outcome"] = ("warning", _("Not recorded"))
    elif result.get("written") is not None:
        context["outcome"] = ("success", _("Recorded"))
    else:
        context["outcome"] = ("success", _("Checked"))
    if result.get("rejected"):
        context.update(_report_context(result.get("problems") or [], result.get("problem_count")))
    elif result.get("written") is not None:
        context["written"] = result["written"]
        context["written_message"] = _written_message(result["written"])
    elif result.get("summary"):
        context["summary"] = result["summary"]
        context["warnings"] = [_problem_record(record) for record in result.get("warnings") or []]
        context["confirm_error"] = bool(result.get("unconfirmed"))
        try:
            path = import_jobs.upload_path(parameters.get("path") or "")
        except import_jobs.UploadPathInvalid:
            path = None
        if path is not None and path.is_file():
            context["token"] = _token(
                request.user,
                stored=parameters["path"],
                filename=parameters.get("filename"),
                options=_options(parameters),
                preview_job=job.pk,
            )
    return context
