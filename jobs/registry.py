"""What the apps above ``jobs`` tell it: the job kinds they handle and who may see everyone's jobs.

An app registers in its ``AppConfig.ready()``, so every process (web, worker, command) knows the same
kinds::

    registry.job_kind_register("export_plans", label=_("Plan export"), handler=export_plans)

A handler is ``handler(job, progress)``: it does the work of one job and returns its outcome (a JSON-ready
dict whose ``message`` is shown) or what ``services.job_split`` returns; ``progress(percent, message)``
records how far it got (and raises ``services.JobCancelled`` once the job was cancelled)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Job

Progress = Callable[..., None]
Handler = Callable[["Job", Progress], Any]
Combiner = Callable[["Job", list[dict]], dict]


@dataclass(frozen=True)
class Resumption:
    """How to finish what a failed split job left undone: the parameters of a new job of its kind over the
    parts that did not succeed, and what the succeeded parts covered and what remains, as labels a user
    recognises (team names, say)."""

    parameters: dict
    done: list[str]
    remaining: list[str]


# ``resume(job, parts)``: the failed split job and its part jobs, in part order; None: nothing to resume.
Resume = Callable[["Job", list["Job"]], Resumption | None]


@dataclass(frozen=True)
class JobKind:
    """A registered kind of job.

    ``combine(job, outcomes)`` builds a split job's outcome from its parts' outcomes, in part order.
    ``outcome_template`` is included in the job page once the job has succeeded (context: ``job``,
    ``outcome``); ``section`` is the (URL name, label) of the page the job page leads back to;
    ``resume`` lets the page of a failed split job offer to finish the rest (see ``Resumption``)."""

    kind: str
    label: str
    handler: Handler
    combine: Combiner | None = None
    outcome_template: str = ""
    section: tuple[str, str] | None = None
    resume: Resume | None = None


_kinds: dict[str, JobKind] = {}
_supervisors: list[Callable[[Any], bool]] = []


def job_kind_register(
    kind: str,
    *,
    label: str,
    handler: Handler,
    combine: Combiner | None = None,
    outcome_template: str = "",
    section: tuple[str, str] | None = None,
    resume: Resume | None = None,
) -> JobKind:
    """Register (or replace) the handler and presentation of jobs of ``kind``."""
    registered = JobKind(
        kind=kind,
        label=label,
        handler=handler,
        combine=combine,
        outcome_template=outcome_template,
        section=section,
        resume=resume,
    )
    _kinds[kind] = registered
    return registered


def job_kind(kind: str) -> JobKind | None:
    """The registration of ``kind``; None when no app handles it."""
    return _kinds.get(kind)


def kind_label(kind: str) -> str:
    registered = _kinds.get(kind)
    return str(registered.label) if registered is not None else kind


def kind_choices() -> list[tuple[str, str]]:
    """(kind, label) of every registered kind, ordered by kind: the choices of a filter by kind."""
    return [(kind, str(registered.label)) for kind, registered in sorted(_kinds.items())]


def job_supervisor_register(predicate: Callable[[Any], bool]) -> None:
    """Let the users for whom ``predicate(user)`` is true see and cancel everyone's jobs (e.g. HR)."""
    if predicate not in _supervisors:
        _supervisors.append(predicate)


def is_job_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True when a registered predicate lets ``user`` see everyone's jobs."""
    return any(predicate(user) for predicate in _supervisors)
