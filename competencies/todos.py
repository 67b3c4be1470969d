"""What needs the signed-in user now: the to-do list on every home page, and the events of notifications.

Each app registers *kinds* (how an item reads) and *providers* per role (``competencies.hooks``); a
provider returns ``Todo`` items for a ``TodoContext``. ``todos_for(user)`` is the one entry point: it works
out the user's roles (the teams app adds "lead" and "head"), then asks the providers of each role through
the per-role selectors ``employee_todos``, ``lead_todos``, ``head_todos`` and ``hr_todos``.

Providers of different roles often need the same rows (the certificates of the user and of their teams,
the plans of the user and of their teams' members): they read them through ``context.memo`` once, so a
home page asks the database a fixed number of questions however many items there are."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobs.models import Job

from . import hooks
from .imports.jobs import KIND as IMPORT_KIND
from .models import Employee
from .roles import is_hr_or_admin
from .selectors import certificates_expiring

ROLES = ("employee", "lead", "head", "hr")
CERTIFICATE_DAYS = 90
IMPORT_PROBLEM_DAYS = 14


@dataclass(frozen=True)
class TodoKind:
    """A kind of to-do (and of notification): ``text(params) -> str`` reads one item in the active
    language from its plain ``params``; ``label`` names the kind on the notification settings."""

    name: str
    role: str
    label: str | Promise
    text: Callable[[Mapping[str, Any]], str]
    # Lower first within the role's list (what blocks others before what only informs).
    priority: int = 50


@dataclass
class Todo:
    """One thing to do. ``key`` names the event (the same item on the next day has the same key: one
    notification per person and key); ``params`` are plain values (they are stored with notifications);
    ``url`` is where it is done; ``action`` an optional form ({"url", "label", "fields"}) that does it."""

    kind: str
    key: str
    params: dict[str, Any]
    url: str
    due: datetime.date | None = None
    count: int = 1
    action: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return hooks.todo_kinds()[self.kind].text(self.params)

    @property
    def role(self) -> str:
        return hooks.todo_kinds()[self.kind].role


@dataclass
class TodoContext:
    """The user the list is for, the day, their employee record (or None) and what the role resolvers
    found (``facts``); ``memo`` keeps rows that several providers read."""

    user: Any
    on: datetime.date
    employee: Employee | None
    roles: set[str] = field(default_factory=set)
    facts: dict[str, Any] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, name: str, load: Callable[[], Any]) -> Any:
        if name not in self._memo:
            self._memo[name] = load()
        return self._memo[name]

    @property
    def team_members(self) -> dict[int, dict[str, Any]]:
        """The members of the teams the user leads (with subtrees): {employee id: {"name", "teams"}}."""
        return self.facts.get("team_members", {})


_role_resolvers: list[Callable[[TodoContext], None]] = []


def register_role_resolver(fn: Callable[[TodoContext], None]) -> None:
    """Register ``fn(context)`` that adds roles (and facts the providers need) to a context."""
    if fn not in _role_resolvers:
        _role_resolvers.append(fn)


def todo_context(*, user: Any, on: datetime.date | None = None, employee: Any = ...) -> TodoContext:
    """The context for ``user``'s list; ``employee`` when the caller has read it already."""
    if employee is ...:
        employee = Employee.objects.filter(user=user).first() if user.is_authenticated else None
    context = TodoContext(user=user, on=on or timezone.localdate(), employee=employee)
    if employee is not None and employee.is_active:
        context.roles.add("employee")
    if is_hr_or_admin(user):
        context.roles.add("hr")
    for resolve in _role_resolvers:
        resolve(context)
    return context


def _role_todos(context: TodoContext, role: str) -> list[Todo]:
    if role not in context.roles:
        return []
    items: list[Todo] = []
    for provider_role, provider in hooks.todo_providers():
        if provider_role == role:
            items.extend(provider(context))
    kinds = hooks.todo_kinds()
    # Stable: items of the same priority and due date keep the order their provider chose.
    return sorted(items, key=lambda item: (kinds[item.kind].priority, item.due or datetime.date.max))


def employee_todos(context: TodoContext) -> list[Todo]:
    """What the user has to do for themselves: rate yourself, accept a plan, renew a certificate, …"""
    return _role_todos(context, "employee")


def lead_todos(context: TodoContext) -> list[Todo]:
    """What the user has to do as the lead of their teams (and their subtrees)."""
    return _role_todos(context, "lead")


def head_todos(context: TodoContext) -> list[Todo]:
    """What the user has to do as the head of a department (a led team with teams below it)."""
    return _role_todos(context, "head")


def hr_todos(context: TodoContext) -> list[Todo]:
    """What HR (and admins) have to do: imports that were rejected."""
    return _role_todos(context, "hr")


SELECTORS = {"employee": employee_todos, "lead": lead_todos, "head": head_todos, "hr": hr_todos}


def todos_for(context: TodoContext) -> dict[str, list[Todo]]:
    """Every item for the context's user, by role (only roles with items), in ROLES order."""
    found = {role: SELECTORS[role](context) for role in ROLES}
    return {role: items for role, items in found.items() if items}


# --- This app's providers ------------------------------------------------------------------------------


def certificate_rows(context: TodoContext) -> list[dict[str, Any]]:
    """Certificates of the user and of their teams' members expiring within CERTIFICATE_DAYS (one query,
    shared by the employee's and the lead's items)."""

    def load() -> list[dict[str, Any]]:
        ids = set(context.team_members)
        if context.employee is not None:
            ids.add(context.employee.pk)
        if not ids:
            return []
        return certificates_expiring(employee_ids=sorted(ids), on=context.on, within_days=CERTIFICATE_DAYS)

    return context.memo("competencies.certificates", load)


def short_date(value: Any) -> str:
    """A date (or its ISO text, as params store it) in the active language's short format."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def own_certificates(context: TodoContext) -> list[Todo]:
    employee = context.employee
    assert employee is not None  # noqa: S101 (the "employee" role has a record)
    return [
        Todo(
            kind="certificate_own",
            key=f"certificate:{row['assessment_id']}",
            params={"competency": row["competency"]["name"], "valid_until": row["valid_until"].isoformat()},
            url=reverse("competencies:employee_detail", args=[employee.pk]),
            due=row["valid_until"],
        )
        for row in certificate_rows(context)
        if row["employee"]["id"] == employee.pk
    ]


def team_certificates(context: TodoContext) -> list[Todo]:
    own = context.employee.pk if context.employee is not None else None
    return [
        Todo(
            kind="certificate_team",
            key=f"certificate:{row['assessment_id']}",
            params={
                "name": row["employee"]["name"],
                "competency": row["competency"]["name"],
                "valid_until": row["valid_until"].isoformat(),
            },
            url=reverse("competencies:employee_detail", args=[row["employee"]["id"]]),
            due=row["valid_until"],
        )
        for row in certificate_rows(context)
        if row["employee"]["id"] != own and row["employee"]["id"] in context.team_members
    ]


def rejected_imports(context: TodoContext) -> list[Todo]:
    since = timezone.now() - datetime.timedelta(days=IMPORT_PROBLEM_DAYS)
    jobs = (
        Job.objects.filter(kind=IMPORT_KIND, finished_at__gte=since)
        .filter(Q(status=Job.Status.SUCCEEDED, result__rejected=True) | Q(status=Job.Status.FAILED))
        .order_by("-finished_at")
        .values("id", "parameters", "finished_at", "result")
    )
    return [
        Todo(
            kind="import_rejected",
            key=f"import:{job['id']}",
            params={
                "file": str(job["parameters"].get("filename") or ""),
                "problems": int(job["result"].get("problem_count") or 0),
                "finished": timezone.localdate(job["finished_at"]).isoformat(),
            },
            url=reverse("jobs:job_detail", args=[job["id"]]),
        )
        for job in jobs
    ]


def _certificate_own_text(params: Mapping[str, Any]) -> str:
    return _("Your certificate “%(competency)s” expires on %(date)s — plan the renewal.") % {
        "competency": params["competency"],
        "date": short_date(params["valid_until"]),
    }


def _certificate_team_text(params: Mapping[str, Any]) -> str:
    return _("Certificate of %(name)s for “%(competency)s” expires on %(date)s.") % {
        "name": params["name"],
        "competency": params["competency"],
        "date": short_date(params["valid_until"]),
    }


def _import_text(params: Mapping[str, Any]) -> str:
    count = int(params.get("problems") or 0)
    return ngettext(
        "Import %(file)s of %(date)s was rejected with %(count)s problem.",
        "Import %(file)s of %(date)s was rejected with %(count)s problems.",
        count,
    ) % {"file": params.get("file") or "—", "date": short_date(params["finished"]), "count": count}


def register() -> None:
    """This app's to-do kinds and providers (called from CompetenciesConfig.ready)."""
    hooks.register_todo_kind(
        TodoKind("certificate_own", "employee", _("My certificates that expire"), _certificate_own_text, 40)
    )
    hooks.register_todo_kind(
        TodoKind(
            "certificate_team", "lead", _("Certificates in my teams that expire"), _certificate_team_text, 40
        )
    )
    hooks.register_todo_kind(TodoKind("import_rejected", "hr", _("Rejected imports"), _import_text, 10))
    hooks.register_todo_provider("employee", own_certificates)
    hooks.register_todo_provider("lead", team_certificates)
    hooks.register_todo_provider("hr", rejected_imports)
