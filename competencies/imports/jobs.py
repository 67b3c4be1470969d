"""Assessment import as a background job, for files too large to check and record within a request.

The caller saves the upload under MEDIA_ROOT/imports/ and records the job with ``import_job_create``;
the handler reads the file from there, reports progress and stores the report or the outcome as the
job's result. It is idempotent: a second run of the same file records nothing (see competencies.imports).
``CompetenciesConfig.ready`` registers the handler (``register``), so every process knows it."""

import logging
import time
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from jobs import registry, services
from jobs.models import Job

from .columns import FORMATS
from .commit import import_file
from .limits import read_limited
from .problems import ImportRejected, Problem
from .reading import CSV_EXTENSIONS, XLSX_EXTENSIONS

# The kind of the import jobs (``jobs.Job.kind``).
KIND = "import_assessments"
UPLOAD_DIRECTORY = "imports"
REPORTED_PROBLEMS = 200
# Seconds a checked upload may wait for its commit; then the preview expires and the file is removed.
PREVIEW_MAX_AGE = settings.SERVICELEAD_IMPORT_UPLOAD_RETENTION_HOURS * 60 * 60

logger = logging.getLogger(__name__)


class UploadPathInvalid(ValueError):
    """The job names a file outside MEDIA_ROOT/imports/."""


def upload_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIRECTORY


def upload_path(path: str | Path) -> Path:
    """The stored upload ``path`` (relative to MEDIA_ROOT, or absolute) if it lies in MEDIA_ROOT/imports/."""
    root = upload_directory().resolve()
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = Path(settings.MEDIA_ROOT) / candidate
    candidate = candidate.resolve()
    if not candidate.is_relative_to(root) or candidate == root:
        raise UploadPathInvalid(_("An import job can only read files saved under MEDIA_ROOT/imports/."))
    return candidate


def upload_save(*, file_obj: IO[bytes], filename: str) -> str:
    """Store an upload under MEDIA_ROOT/imports/ with a random name (keeping its extension, which decides
    how it is read) and return the path relative to MEDIA_ROOT, as ``import_job_create`` takes it.

    Refuses (ImportRejected) a file above the size limit or of a type that cannot be imported."""
    extension = Path(filename or "").suffix.lower()
    if extension not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise ImportRejected([Problem("file_type", params={"extension": extension or "?"})])
    data = read_limited(file_obj)
    uploads_expire()  # where no beat runs (the embedded default), each upload clears out abandoned ones
    directory = upload_directory()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}{extension}"
    (directory / name).write_bytes(data)
    return f"{UPLOAD_DIRECTORY}/{name}"


def uploads_expire(*, max_age: float = PREVIEW_MAX_AGE) -> int:
    """Remove uploads older than ``max_age`` seconds — previews never committed, files of crashed
    requests — except those a queued or running import job still reads. Returns how many were removed."""
    directory = upload_directory()
    if not directory.is_dir():
        return 0
    cutoff = time.time() - max_age
    in_use = {
        str(upload_path(parameters["path"]))
        for parameters in Job.objects.filter(
            kind=KIND, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        ).values_list("parameters", flat=True)
        if isinstance(parameters, dict) and _names_upload(parameters.get("path"))
    }
    removed = 0
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff and str(path.resolve()) not in in_use:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by its commit or another sweep
            continue
    if removed:
        logger.info("removed %s expired import uploads", removed)
    return removed


def _names_upload(path: Any) -> bool:
    try:
        upload_path(path)
    except (UploadPathInvalid, TypeError, ValueError):
        return False
    return True


def import_job_create(
    *,
    path: str,
    filename: str | None = None,
    format: str | None = None,  # noqa: A002 - the importer's name for the layout
    sheet: str | None = None,
    create_missing: bool = False,
    dry_run: bool = False,
    confirm_differences: bool = False,
    owner: Any = None,
) -> Job:
    """Record an import job for an upload saved under MEDIA_ROOT/imports/; it runs once the surrounding
    transaction commits. ``filename``: the name the user uploaded, shown in the report; ``owner`` is
    recorded as the assessor."""
    upload_path(path)
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    parameters = {
        "path": str(path),
        "filename": filename,
        "format": format,
        "sheet": sheet,
        "create_missing": bool(create_missing),
        "dry_run": bool(dry_run),
        "confirm_differences": bool(confirm_differences),
    }
    return services.job_create(kind=KIND, parameters=parameters, owner=owner)


def import_assessments(job: Job, progress: registry.Progress) -> dict:
    """Parameters: path, filename, format, sheet, create_missing, dry_run, confirm_differences. The result
    holds ``rejected`` and either ``problems`` (the first REPORTED_PROBLEMS as dicts) with
    ``problem_count``, or ``summary``, ``warnings`` (differences from the stored people, the first
    REPORTED_PROBLEMS) and ``written`` (None for a dry run, and when differences were not confirmed:
    ``unconfirmed``). The upload is removed once it has been recorded or rejected."""
    parameters = job.parameters
    path = upload_path(parameters["path"])
    # The uploaded name reads better in the report; the stored file's extension decides how it is read.
    filename = parameters.get("filename") or path.name
    if Path(filename).suffix.lower() != path.suffix.lower():
        filename = path.name
    if not path.is_file():  # recorded or rejected by an earlier run, or expired
        return _rejected([Problem("upload_gone")], 1)
    try:
        with path.open("rb") as file_obj:
            plan, written = import_file(
                file_obj=file_obj,
                filename=filename,
                format=parameters.get("format"),
                sheet=parameters.get("sheet"),
                create_missing=bool(parameters.get("create_missing")),
                user=job.owner,
                dry_run=bool(parameters.get("dry_run")),
                confirm_differences=bool(parameters.get("confirm_differences")),
                progress=progress,
            )
    except ImportRejected as rejection:
        path.unlink(missing_ok=True)
        return _rejected(rejection.problems, rejection.problem_count)
    if not plan.is_valid:
        path.unlink(missing_ok=True)
        return _rejected(plan.problems, plan.problem_count)
    summary = plan.summary()
    warnings = [warning.as_dict() for warning in plan.warnings[:REPORTED_PROBLEMS]]
    if written is None and not parameters.get("dry_run"):
        message = _("Nothing was written: confirm the differences from the stored people first.")
        return {
            "rejected": False,
            "summary": summary,
            "warnings": warnings,
            "written": None,
            "unconfirmed": True,
            "message": message,
        }
    if written is None:
        message = _("Checked: %(changes)s levels would change, %(people)s new people; nothing written.") % {
            "changes": summary["changes"],
            "people": summary["new_people"],
        }
    else:
        message = _("Recorded %(assessments)s assessments and %(people)s new people.") % {
            "assessments": written["assessments"],
            "people": written["new_people"],
        }
        path.unlink(missing_ok=True)
    return {
        "rejected": False,
        "summary": summary,
        "warnings": warnings,
        "written": written,
        "message": message,
    }


def _rejected(problems, count):
    return {
        "rejected": True,
        "problem_count": count,
        "problems": [problem.as_dict() for problem in problems[:REPORTED_PROBLEMS]],
        "message": ngettext(
            "The file was rejected with %(count)s problem; nothing was written.",
            "The file was rejected with %(count)s problems; nothing was written.",
            count,
        )
        % {"count": count},
    }


def register() -> None:
    """Register the import handler with the jobs app (called by ``CompetenciesConfig.ready``)."""
    registry.job_kind_register(KIND, label=gettext_lazy("Assessment import"), handler=import_assessments)
