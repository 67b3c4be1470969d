"""Plan export as a background job, for scopes too large to write within a request.

The handler writes the file to the default storage under ``exports/`` (MEDIA_ROOT/exports/ with the
file-system storage) and returns its name in the job's result; the job page offers it for download to
whoever may see the job. A redelivered job writes the same file again under the same name.
``QualificationConfig.ready`` registers the handler (``register``)."""

import io
import posixpath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs import registry
from jobs import services as job_services
from jobs.models import Job
from teams.models import Team
from teams.tree import TeamTree

from . import exports, generation, job_kinds

KIND = job_kinds.EXPORT_PLANS
EXPORT_DIRECTORY = "exports"
SCOPES = ("team", "department", "all")


class ExportPathInvalid(ValueError):
    """The name does not denote a file directly in the storage's exports/ directory."""


def export_name(name: str) -> str:
    """``name`` if it denotes a file directly in exports/ (no other directory, no way out of it)."""
    name = str(name)
    if posixpath.dirname(name) != EXPORT_DIRECTORY or posixpath.basename(name) in ("", ".", ".."):
        raise ExportPathInvalid(_("An export is read from MEDIA_ROOT/exports/ only."))
    return name


def export_open(name: str) -> IO[bytes]:
    """The stored export ``name`` opened for reading; FileNotFoundError when it is gone."""
    name = export_name(name)
    if not default_storage.exists(name):
        raise FileNotFoundError(name)
    return default_storage.open(name, "rb")


def scope_team_ids(*, scope: str, team_id: int | str | None) -> tuple[list[int] | None, str]:
    """(team ids or None for the organisation, the scope's name) of an export or generation scope."""
    if scope == "all":
        return None, _("Organisation")
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValueError(_("There is no team with id %(id)s.") % {"id": team_id})
    if scope == "team":
        return [team.pk], team.name
    return TeamTree.load().subtree(team.pk), team.name


def plans_export_job_create(
    *,
    scope: str,
    team_id: int | str | None = None,
    period: str | None = None,
    file_format: str = "xlsx",
    owner: Any = None,
    language: str | None = None,
) -> Job:
    """Record an export job (ValueError on bad parameters) that runs once the surrounding transaction
    commits. The file is written in ``language`` (the requester's; default: the site's)."""
    if scope not in SCOPES:
        raise ValueError(_("Unknown scope %(scope)r.") % {"scope": scope})
    if file_format not in exports.FORMATS:
        raise ValueError(_("Unknown format %(format)r.") % {"format": file_format})
    if period:
        period = str(generation.Period.parse(period))
    parameters = {
        "scope": scope,
        "team_id": None if scope == "all" else int(team_id),
        "period": period or None,
        "format": file_format,
    }
    if language:
        parameters["language"] = language
    return job_services.job_create(kind=KIND, parameters=parameters, owner=owner, language=language or "")


def export_plans(job: Job, progress: registry.Progress) -> dict:
    """Parameters: scope, team_id, period, format, language. The result names the file under
    MEDIA_ROOT/exports/."""
    with translation.override(job.parameters.get("language") or settings.LANGUAGE_CODE):
        return _export_plans(job, progress)


def _export_plans(job, progress):
    parameters = job.parameters
    file_format = parameters.get("format", "xlsx")
    period = parameters.get("period")
    team_ids, scope_name = scope_team_ids(scope=parameters.get("scope"), team_id=parameters.get("team_id"))
    buffer = io.BytesIO()
    # The same call as the page's download and manage.py export_plans.
    export = exports.plans_export(
        file_format=file_format,
        stream=buffer,
        team_ids=team_ids,
        period=period,
        title=scope_name,
        progress=progress,
    )
    name = export_name(
        posixpath.join(
            EXPORT_DIRECTORY,
            f"{job.pk}-"
            + exports.export_filename(
                scope_name=scope_name, period=period, file_format=file_format, on=export.on
            ),
        )
    )
    # A redelivered job writes the file again: replace what an earlier run left under the same name.
    default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(buffer.getvalue()))
    return {
        "file": stored,
        "format": file_format,
        "items": len(export.items),
        "teams": len(export.summary),
        "message": _("%(items)s items exported (%(scope)s); the file is ready for download.")
        % {"items": len(export.items), "scope": scope_name},
    }


def register() -> None:
    """Register the plan export with the jobs app (called by ``QualificationConfig.ready``)."""
    registry.job_kind_register(
        KIND,
        label=gettext_lazy("Plan export"),
        handler=export_plans,
        outcome_template="qualification/_export_outcome.html",
        section=("qualification:index", gettext_lazy("Qualification")),
    )
