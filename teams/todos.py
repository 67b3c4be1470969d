"""The teams app's part of the to-do lists (competencies.todos): who leads and heads what, campaigns to
answer, self-assessments to review, gaps a confirmation would close, departments' teams below the coverage
threshold.

Team membership comes from each team's gap-analysis object (``teams.gaps.report.gap_report``), which is
cached until the team's data changes; a department's figures from ``department_overview``, the same
function the department page and ``gap_report`` use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from competencies import hooks
from competencies.models import Assessment
from competencies.percent import percent
from competencies.todos import Todo, TodoContext, TodoKind, register_role_resolver, short_date

from .gaps import cache, engine
from .gaps.department import department_overview
from .gaps.report import gap_report
from .models import Team
from .review.selectors import _latest_self_ids, campaigns_open_for_employee
from .selectors import memberships_active
from .tree import TeamTree


def coverage_threshold() -> float:
    """Teams of a department below this coverage are listed on its head's to-dos (0.7 unless set)."""
    return float(getattr(settings, "SERVICELEAD_TODO_COVERAGE_THRESHOLD", 0.7))


def resolve_roles(context: TodoContext) -> None:
    """Lead (of any team) and head (of a team with teams below it); the led teams, the user's own teams
    and the members of the led subtrees go to ``context.facts``. One query for the tree."""
    user = context.user
    if not user.is_authenticated:
        return
    flags: dict[str, Any] = {
        "led": Exists(Team.leads.through.objects.filter(team_id=OuterRef("pk"), user_id=user.pk))
    }
    if context.employee is not None:
        flags["held"] = Exists(
            memberships_active(on=context.on).filter(team_id=OuterRef("pk"), employee_id=context.employee.pk)
        )
    tree = TeamTree.load(fields=["name", *flags], annotations=flags, order_by=("name", "id"))
    names = {team_id: values[0] for team_id, values in tree.extra.items()}
    led = [team_id for team_id, values in tree.extra.items() if values[1]]
    held = [team_id for team_id, values in tree.extra.items() if len(values) > 2 and values[2]]
    scope: list[int] = []
    for team_id in led:
        scope.extend(t for t in tree.subtree(team_id) if t not in scope)
    context.facts.update(
        {
            "tree": tree,
            "team_names": names,
            "led_team_ids": led,
            "scope_team_ids": scope,
            "held_team_ids": held,
            "departments": [team_id for team_id in led if tree.has_children(team_id)],
        }
    )
    if not led:
        return
    context.roles.add("lead")
    if context.facts["departments"]:
        context.roles.add("head")
    members: dict[int, dict[str, Any]] = {}
    reports = {}
    for team_id in scope:
        report = gap_report(team=_team(context, team_id), on=context.on)
        reports[team_id] = report
        for member in report["members"]:
            entry = members.setdefault(
                member["employee"]["id"], {"name": member["employee"]["name"], "teams": []}
            )
            entry["teams"].append(team_id)
    context.facts["team_members"] = members
    context.facts["reports"] = reports


def _team(context: TodoContext, team_id: int) -> Team:
    """A Team built from the tree already read (no query): id, name and parent."""
    tree = context.facts["tree"]
    return Team(pk=team_id, name=context.facts["team_names"][team_id], parent_id=tree.parent(team_id))


def department_overviews(context: TodoContext) -> dict[int, dict[str, Any]]:
    """The roll-up of each department the user leads (teams.gaps.department, cached)."""
    return context.memo(
        "teams.departments",
        lambda: {
            team_id: department_overview(department=_team(context, team_id), on=context.on)
            for team_id in context.facts.get("departments", [])
        },
    )


def own_campaigns(context: TodoContext) -> list[Any]:
    """Open campaigns of the user's teams, each with whether they submitted (one query, also shown on
    the home page's profile)."""
    employee = context.employee
    return context.memo(
        "teams.campaigns",
        lambda: [] if employee is None else campaigns_open_for_employee(employee=employee, on=context.on),
    )


def pending_self_assessments(context: TodoContext) -> list[dict[str, Any]]:
    """Self-assessments of the led teams' members that wait for a decision (one query)."""

    def load() -> list[dict[str, Any]]:
        # A lead does not confirm their own self-assessments.
        own = context.employee.pk if context.employee is not None else None
        member_ids = sorted(set(context.team_members) - {own})
        if not member_ids:
            return []

        def read() -> list[dict[str, Any]]:
            rows = (
                Assessment.objects.filter(pk__in=_latest_self_ids(member_ids, undecided=True))
                .order_by("id")
                # No names joined in: thousands of rows for a head; the few that close a gap are named
                # from the team's members and the report (closing_items).
                .values("id", "employee_id", "competency_id", "level")
            )
            return [dict(row) for row in rows]

        # A head's scope has thousands of members: the scan is kept under the versions of the led teams
        # (any assessment or membership below them renews one; bulk changes renew the catalogue's).
        led = sorted(context.facts.get("led_team_ids", []))
        return cache.cached(
            "todo-pending",
            (cache.digest(member_ids),),
            [cache.CATALOGUE, *(cache.team(team_id) for team_id in led)],
            read,
        )

    return context.memo("teams.pending", load)


def campaign_items(context: TodoContext) -> list[Todo]:
    return [
        Todo(
            kind="campaign",
            key=f"campaign:{campaign.pk}",
            params={"campaign": campaign.name, "deadline": campaign.deadline.isoformat()},
            url=reverse("competencies:self_assessment"),
            due=campaign.deadline,
        )
        for campaign in own_campaigns(context)
        if not campaign.submitted
    ]


def review_items(context: TodoContext) -> list[Todo]:
    """Per team of the led scope: how many self-assessments of its members wait (link: its queue)."""
    rows = pending_self_assessments(context)
    # Grouped once per team (rows × the person's teams), not filtered per team: a head's scope holds
    # hundreds of teams and thousands of waiting rows.
    members = context.team_members
    by_team: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        for team_id in members[row["employee_id"]]["teams"]:
            by_team.setdefault(team_id, []).append(row)
    items = []
    for team_id in context.facts.get("scope_team_ids", []):
        waiting = by_team.get(team_id)
        if waiting:
            items.append(
                Todo(
                    kind="review",
                    key=f"review:{team_id}:{max(row['id'] for row in waiting)}",
                    params={"team": context.facts["team_names"][team_id], "count": len(waiting)},
                    url=reverse("teams:review_queue", args=[team_id]),
                    count=len(waiting),
                )
            )
    return items


def closing_items(context: TodoContext) -> list[Todo]:
    """Pending self-assessments that reach a requirement's level in a team that is short of it: the gap
    closes (by one person) the moment the lead confirms."""
    # By competency, people in id order: each gap looks only at the rows of its competency, not at every
    # member of the team (a head's scope: hundreds of teams and gaps).
    by_competency: dict[int, list[dict[str, Any]]] = {}
    for row in sorted(pending_self_assessments(context), key=lambda r: (r["employee_id"], r["id"])):
        by_competency.setdefault(row["competency_id"], []).append(row)
    items = []
    for team_id, report in context.facts.get("reports", {}).items():
        members: set[int] | None = None
        for requirement in report["requirements"]:
            if requirement["status"] != engine.STATUS_GAP:
                continue
            competency = requirement["competency"]["id"]
            rows = by_competency.get(competency)
            if not rows:
                continue
            if members is None:
                members = {member["employee"]["id"] for member in report["members"]}
            holders = set(requirement["holders"])
            for row in rows:
                employee_id = row["employee_id"]
                if employee_id not in members or employee_id in holders:
                    continue
                if row["level"] >= requirement["required_level"]:
                    items.append(
                        Todo(
                            kind="gap_closable",
                            key=f"close:{row['id']}:{team_id}",
                            params={
                                "name": context.team_members[employee_id]["name"],
                                "competency": requirement["competency"]["name"],
                                "level": row["level"],
                                "team": report["team"]["name"],
                                "weight": requirement["weight"],
                            },
                            url=reverse("teams:review_member", args=[employee_id]),
                        )
                    )
    return sorted(items, key=lambda item: -item.params["weight"])


def threshold_items(context: TodoContext) -> list[Todo]:
    """Teams below a department the user heads whose coverage (rolled up) is below the threshold."""
    threshold = coverage_threshold()
    items = []
    for overview in department_overviews(context).values():
        for child in overview["children"]:
            if child["coverage"] < threshold:
                items.append(
                    Todo(
                        kind="below_threshold",
                        key=f"threshold:{child['team'].pk}",
                        params={
                            "team": child["team"].name,
                            "coverage": float(child["coverage"]),
                            "threshold": threshold,
                        },
                        url=reverse("teams:dashboard", args=[child["team"].pk]),
                    )
                )
    return items


def staffing_requests(context: TodoContext) -> list[Any]:
    """Open staffing requests that concern the user — answers to those of the teams they lead, requests
    to the departments they lead and, for HR, requests no department head can answer — in one query."""

    def load() -> list[Any]:
        scope = context.facts.get("scope_team_ids", [])
        hr = "hr" in context.roles
        if not scope and not hr:
            return []
        from .staffing import _annotated

        wanted = Q(team_id__in=scope, answered=True) | Q(addressed_to_id__in=scope, answered=False)
        if hr:
            wanted |= Q(addressed_to__isnull=True, answered=False)
        return list(_annotated().filter(wanted & Q(closed=False)).order_by("created_at", "id"))

    return context.memo("teams.staffing_requests", load)


def _request_todo(kind: str, row: Any) -> Todo:
    return Todo(
        kind=kind,
        key=f"{kind}:{row.pk}",
        params={"team": row.team.name, "competency": row.competency.name, "level": row.required_level},
        url=reverse("teams:staffing_request", args=[row.pk]),
    )


def staffing_answer_items(context: TodoContext) -> list[Todo]:
    scope = set(context.facts.get("scope_team_ids", []))
    return [
        _request_todo("staffing_answer", row)
        for row in staffing_requests(context)
        if row.answered and row.team_id in scope
    ]


def staffing_request_items(context: TodoContext) -> list[Todo]:
    scope = set(context.facts.get("scope_team_ids", []))
    return [
        _request_todo("staffing_request", row)
        for row in staffing_requests(context)
        if not row.answered and row.addressed_to_id in scope
    ]


def staffing_request_hr_items(context: TodoContext) -> list[Todo]:
    return [
        _request_todo("staffing_request", row)
        for row in staffing_requests(context)
        if not row.answered and row.addressed_to_id is None
    ]


def _staffing_request_text(params: Mapping[str, Any]) -> str:
    return _("%(team)s asks who could help with %(competency)s at level %(level)s or higher.") % dict(params)


def _staffing_answer_text(params: Mapping[str, Any]) -> str:
    return _("Your request for %(competency)s (level %(level)s+) for %(team)s has been answered.") % dict(
        params
    )


def _campaign_text(params: Mapping[str, Any]) -> str:
    return _("Rate yourself for “%(campaign)s” by %(date)s.") % {
        "campaign": params["campaign"],
        "date": short_date(params["deadline"]),
    }


def _review_text(params: Mapping[str, Any]) -> str:
    count = int(params["count"])
    return ngettext(
        "%(count)s self-assessment in %(team)s waits for your review.",
        "%(count)s self-assessments in %(team)s wait for your review.",
        count,
    ) % {"count": count, "team": params["team"]}


def _closing_text(params: Mapping[str, Any]) -> str:
    return _(
        "Confirming %(name)s's self-assessment (%(competency)s, level %(level)s) closes a gap in %(team)s."
    ) % dict(params)


def _threshold_text(params: Mapping[str, Any]) -> str:
    return _("%(team)s is at %(coverage)s %% coverage, below %(threshold)s %%.") % {
        "team": params["team"],
        "coverage": percent(params["coverage"]),
        "threshold": percent(params["threshold"]),
    }


def register() -> None:
    """This app's roles, to-do kinds and providers (called from TeamsConfig.ready)."""
    register_role_resolver(resolve_roles)
    hooks.register_todo_kind(
        TodoKind("campaign", "employee", _("Self-assessment campaigns"), _campaign_text, 10)
    )
    hooks.register_todo_kind(TodoKind("review", "lead", _("Self-assessments to review"), _review_text, 10))
    hooks.register_todo_kind(
        TodoKind("gap_closable", "lead", _("Gaps a confirmation would close"), _closing_text, 30)
    )
    hooks.register_todo_kind(
        TodoKind("below_threshold", "head", _("Teams below the coverage threshold"), _threshold_text, 10)
    )
    hooks.register_todo_kind(
        TodoKind("staffing_request", "head", _("Staffing requests to answer"), _staffing_request_text, 20)
    )
    hooks.register_todo_kind(
        TodoKind("staffing_answer", "lead", _("Answers to staffing requests"), _staffing_answer_text, 20)
    )
    hooks.register_todo_provider("lead", staffing_answer_items)
    hooks.register_todo_provider("head", staffing_request_items)
    hooks.register_todo_provider("hr", staffing_request_hr_items)
    hooks.register_todo_provider("employee", campaign_items)
    hooks.register_todo_provider("lead", review_items)
    hooks.register_todo_provider("lead", closing_items)
    hooks.register_todo_provider("head", threshold_items)
