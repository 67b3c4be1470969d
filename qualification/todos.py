"""The qualification app's part of the to-do lists (competencies.todos): a plan waiting for the employee's
acceptance, plan items due within PLAN_ITEM_DAYS or overdue, and the leads' draft plans to propose."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from competencies import hooks
from competencies.i18n import localized
from competencies.todos import Todo, TodoContext, TodoKind, short_date

from .models import PlanItem, QualificationPlan

PLAN_ITEM_DAYS = 30
WORKING = (QualificationPlan.Status.AGREED, QualificationPlan.Status.IN_PROGRESS)


def plan_rows(context: TodoContext) -> list[dict[str, Any]]:
    """One query for the employee's and the lead's items: the user's proposed plans and working items
    due soon, and the items of their teams' members' draft plans."""

    def load() -> list[dict[str, Any]]:
        condition = Q(pk__in=[])
        if context.employee is not None and "employee" in context.roles:
            own = Q(plan__employee_id=context.employee.pk)
            horizon = context.on + datetime.timedelta(days=PLAN_ITEM_DAYS)
            condition |= own & Q(plan__status=QualificationPlan.Status.PROPOSED)
            condition |= own & Q(
                plan__status__in=WORKING, status__in=PlanItem.OPEN_STATUSES, due_date__lte=horizon
            )
        # A lead's own plan is proposed by their own lead, not by themselves.
        members = set(context.team_members) - {context.employee.pk if context.employee is not None else None}
        if members:
            condition |= Q(
                plan__employee_id__in=sorted(members), plan__status=QualificationPlan.Status.DRAFT
            ) & ~Q(status=PlanItem.Status.DROPPED)
        rows = (
            PlanItem.objects.filter(condition)
            .order_by("due_date", "id")
            .values(
                "id",
                "plan_id",
                "plan__status",
                "plan__period",
                "plan__employee_id",
                "due_date",
                competency__name=localized("competency__name"),
            )
        )
        return [dict(row) for row in rows]

    return context.memo("qualification.plans", load)


def _own(context: TodoContext, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    employee = context.employee
    return [row for row in rows if employee is not None and row["plan__employee_id"] == employee.pk]


def employee_items(context: TodoContext) -> list[Todo]:
    rows = _own(context, plan_rows(context))
    items = []
    proposed = {
        row["plan_id"]: row for row in rows if row["plan__status"] == QualificationPlan.Status.PROPOSED
    }
    for plan_id, row in proposed.items():
        items.append(
            Todo(
                kind="plan_proposed",
                key=f"plan:{plan_id}:proposed",
                params={"period": row["plan__period"]},
                url=reverse("qualification:plan_detail", args=[plan_id]),
            )
        )
    for row in rows:
        if row["plan__status"] in WORKING:
            items.append(
                Todo(
                    kind="item_due",
                    key=f"item:{row['id']}:{row['due_date'].isoformat()}",
                    params={
                        "competency": row["competency__name"],
                        "due": row["due_date"].isoformat(),
                        "overdue": row["due_date"] < context.on,
                    },
                    url=reverse("qualification:plan_detail", args=[row["plan_id"]]),
                    due=row["due_date"],
                )
            )
    return items


def draft_items(context: TodoContext) -> list[Todo]:
    """Per led team (of the scope) and period: its members' draft plans, with "propose all"."""
    names = context.facts.get("team_names", {})
    drafts: dict[tuple[int, str], set[int]] = {}
    for row in plan_rows(context):
        if row["plan__status"] != QualificationPlan.Status.DRAFT:
            continue
        teams = context.team_members[row["plan__employee_id"]]["teams"]
        drafts.setdefault((teams[0], row["plan__period"]), set()).add(row["plan_id"])
    items = []
    # The nearest period first, across the teams: that is what is to be proposed soonest.
    for (team_id, period), plan_ids in sorted(
        drafts.items(), key=lambda entry: (entry[0][1], names[entry[0][0]])
    ):
        ids = sorted(plan_ids)
        items.append(
            Todo(
                kind="drafts",
                key=f"drafts:{team_id}:{period}:{ids[-1]}",
                params={"team": names[team_id], "period": period, "count": len(ids)},
                url=f"{reverse('qualification:team_plans', args=[team_id])}?period={period}",
                count=len(ids),
                action={
                    "url": reverse("propose_drafts"),
                    "label": _("Propose all"),
                    "fields": {"team": team_id, "period": period, "plans": ",".join(str(i) for i in ids)},
                },
            )
        )
    return items


def _proposed_text(params: Mapping[str, Any]) -> str:
    return _("Your qualification plan for %(period)s waits for your acceptance.") % dict(params)


def _due_text(params: Mapping[str, Any]) -> str:
    context = {"competency": params["competency"], "date": short_date(params["due"])}
    if params.get("overdue"):
        return _("Plan item “%(competency)s” was due on %(date)s.") % context
    return _("Plan item “%(competency)s” is due on %(date)s.") % context


def _drafts_text(params: Mapping[str, Any]) -> str:
    count = int(params["count"])
    return ngettext(
        "%(count)s draft plan for %(team)s (%(period)s) to propose.",
        "%(count)s draft plans for %(team)s (%(period)s) to propose.",
        count,
    ) % {"count": count, "team": params["team"], "period": params["period"]}


def register() -> None:
    """This app's to-do kinds and providers (called from QualificationConfig.ready)."""
    hooks.register_todo_kind(
        TodoKind("plan_proposed", "employee", _("A plan waiting for my acceptance"), _proposed_text, 20)
    )
    hooks.register_todo_kind(TodoKind("item_due", "employee", _("Plan items due"), _due_text, 30))
    hooks.register_todo_kind(TodoKind("drafts", "lead", _("Draft plans to propose"), _drafts_text, 20))
    hooks.register_todo_provider("employee", employee_items)
    hooks.register_todo_provider("lead", draft_items)
