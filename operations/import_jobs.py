"""The operations import as a background job: a ticket export of a million rows takes about a minute to
check and write, far longer than a web request may take, so the page stores the upload and a job runs it
(on a Celery worker in production, in-process on the embedded default); the job page shows its progress
and then what was written, or every problem with the closest known names.

The upload is kept under MEDIA_ROOT/operations-imports/ until its job has read it (and for at most
SERVICELEAD_IMPORT_UPLOAD_RETENTION_HOURS when a job never ran). ``OperationsConfig.ready`` registers the
handler."""

import dataclasses
import time
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from jobs import registry
from jobs import services as job_services
from jobs.models import Job

from . import duty, imports, services

KIND = "import_operations"
DIRECTORY = "operations-imports"
EXTENSIONS = (".csv", ".txt", ".xlsx", ".ics")
REPORTED_PROBLEMS = imports.MAX_PROBLEMS
CHUNK = 1024 * 1024


class UploadRefused(ValueError):
    """The upload is too large or of a type no operations import reads; the message says which."""


def upload_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / DIRECTORY


def _stored(path: str) -> Path:
    """The stored upload named by a job, refusing anything outside the upload directory."""
    root = upload_directory().resolve()
    candidate = (Path(settings.MEDIA_ROOT) / path).resolve()
    if not candidate.is_relative_to(root) or candidate == root:
        raise UploadRefused(_("An operations import can only read files saved for it."))
    return candidate


def upload_save(*, file_obj: IO[bytes], filename: str) -> str:
    """Store an upload (streamed, at most SERVICELEAD_OPERATIONS_IMPORT_MAX_BYTES) with a random name that
    keeps its extension; returns its path relative to MEDIA_ROOT."""
    extension = Path(filename or "").suffix.lower()
    if extension not in EXTENSIONS:
        message = _("Use a .csv, .xlsx or (for a roster) .ics file, not “%s”.")
        raise UploadRefused(message % (extension or "?"))
    uploads_expire()
    limit = settings.SERVICELEAD_OPERATIONS_IMPORT_MAX_BYTES
    directory = upload_directory()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{uuid.uuid4().hex}{extension}"
    written = 0
    with target.open("wb") as out:
        while chunk := file_obj.read(CHUNK):
            written += len(chunk)
            if written > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise UploadRefused(
                    _("The file is larger than %(limit)s MB, the most an operations import takes.")
                    % {"limit": limit // 1_000_000}
                )
            out.write(chunk)
    return f"{DIRECTORY}/{target.name}"


def uploads_expire() -> int:
    """Remove uploads older than the upload retention that no queued or running job still reads."""
    directory = upload_directory()
    if not directory.is_dir():
        return 0
    in_use = {
        str(parameters.get("path"))
        for parameters in Job.objects.filter(
            kind=KIND, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        ).values_list("parameters", flat=True)
        if isinstance(parameters, dict)
    }
    cutoff = time.time() - settings.SERVICELEAD_IMPORT_UPLOAD_RETENTION_HOURS * 3600
    removed = 0
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < cutoff and f"{DIRECTORY}/{path.name}" not in in_use:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def import_job_create(*, kind: str, path: str, filename: str, owner: Any = None, language: str = "") -> Job:
    """Record the job that imports the stored upload ``path`` as ``kind`` (services.IMPORT_KINDS)."""
    if kind not in services.IMPORT_KINDS:
        raise ValueError(f"Unknown kind {kind!r}")
    _stored(path)
    return job_services.job_create(
        kind=KIND,
        parameters={"kind": kind, "path": path, "filename": filename},
        owner=owner,
        language=language,
    )


def run_import(job: Job, progress: registry.Progress) -> dict:
    """Parameters: kind, path, filename. The result holds ``rejected`` and either ``problems`` (the first
    REPORTED_PROBLEMS, as dicts) with ``problem_count``, or the counts. The upload is removed afterwards."""
    parameters = job.parameters
    path = _stored(parameters["path"])
    filename = parameters.get("filename") or path.name
    if Path(filename).suffix.lower() != path.suffix.lower():
        filename = path.name
    if not path.is_file():
        gone = imports.Problem(0, "", "", _("The uploaded file is no longer there; upload it again."))
        return _rejected([gone], 1)

    def ticket_progress(written: int, total: int) -> None:
        progress(
            100.0 * written / max(total, 1),
            _("%(written)s of %(total)s tickets written")
            % {
                "written": written,
                "total": total,
            },
        )

    try:
        with path.open("rb") as file_obj:
            counts = services.import_file(
                kind=parameters["kind"], file_obj=file_obj, filename=filename, progress=ticket_progress
            )
    except (imports.ImportRejected, duty.RosterRejected) as rejection:
        return _rejected(rejection.problems, getattr(rejection, "total", len(rejection.problems)))
    finally:
        path.unlink(missing_ok=True)
    message = _("%(rows)s rows imported: %(created)s new, %(updated)s changed.") % counts
    if counts["merged"]:
        message += " " + _("%(merged)s overlapping roster entries merged.") % counts
    warnings = counts["warnings"][:REPORTED_PROBLEMS]
    return {"rejected": False, **counts, "warnings": warnings, "message": message}


def _rejected(problems: list, count: int) -> dict:
    return {
        "rejected": True,
        "problem_count": count,
        "problems": [dataclasses.asdict(problem) for problem in problems[:REPORTED_PROBLEMS]],
        "message": ngettext(
            "The file was not imported: %(count)s problem; nothing was written.",
            "The file was not imported: %(count)s problems; nothing was written.",
            count,
        )
        % {"count": count},
    }


def register() -> None:
    registry.job_kind_register(
        KIND,
        label=gettext_lazy("Service operations import"),
        handler=run_import,
        outcome_template="operations/_import_outcome.html",
        section=("operations:import", gettext_lazy("Import service operations data")),
    )
