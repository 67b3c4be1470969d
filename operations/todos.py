"""Operations' part of the lead's to-dos: the first day in the next eight weeks on which the people on duty
fall short of a requirement. Built from the gap reports the teams app already read for the to-do list
(their holders) and one query for the roster, through the gap engine's duty rule (teams.gaps.service)."""

import datetime
from collections.abc import Mapping
from typing import Any

import pandas as pd
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from competencies import hooks
from competencies.todos import Todo, TodoContext, TodoKind, short_date
from teams.gaps import engine
from teams.gaps import service as gap_service

from . import selectors
from .selectors import duty_ranges


def duty_items(context: TodoContext) -> list[Todo]:
    reports = context.facts.get("reports", {})
    led = context.facts.get("led_team_ids", [])
    # Requirements the team already misses are on the dashboard as gaps; the to-do is about the days that
    # absences and the roster make short.
    teams = {}
    for team_id in led:
        wanted = reports.get(team_id, {}).get("requirements", [])
        met = [r for r in wanted if r["status"] != engine.STATUS_GAP]
        if met:
            teams[team_id] = {**reports[team_id], "requirements": met}
    if not teams:
        return []
    days = [context.on + datetime.timedelta(days=i) for i in range(gap_service.DUTY_DAYS)]
    members = {t: [m["employee"]["id"] for m in r["members"]] for t, r in teams.items()}
    everyone = sorted({e for ids in members.values() for e in ids})
    absent, on_duty = duty_ranges(employee_ids=everyone, first=days[0], last=days[-1])
    items = []
    for team_id, report in teams.items():
        ids = members[team_id]
        # Each holder at exactly the required level: the engine then finds the report's holders again.
        levels = pd.DataFrame(
            [
                (holder, r["competency"]["id"], r["required_level"], True)
                for r in report["requirements"]
                for holder in r["holders"]
            ],
            columns=engine.LEVEL_COLUMNS,
        )
        data = engine.AnalysisInput(
            levels=levels.astype({"employee_id": "int64", "competency_id": "int64", "level": "int64"}),
            memberships=pd.DataFrame(
                [(team_id, e) for e in ids], columns=engine.MEMBERSHIP_COLUMNS, dtype="int64"
            ),
            requirements=pd.DataFrame(
                [
                    (team_id, r["competency"]["id"], r["required_level"], r["min_people"], r["weight"])
                    for r in report["requirements"]
                ],
                columns=engine.REQUIREMENT_COLUMNS,
                dtype="int64",
            ),
            role_targets=engine.empty_frame(engine.ROLE_TARGET_COLUMNS),
        )
        team_roster = on_duty[on_duty["employee_id"].isin(ids)] if on_duty is not None else None
        if team_roster is not None and team_roster.empty:
            team_roster = None
        table = gap_service.duty_table(
            data,
            team_id=team_id,
            days=days,
            absent=absent[absent["employee_id"].isin(ids)],
            on_duty=team_roster,
        )
        short = [d for d in gap_service.duty_days(table, days) if d["status"] == engine.STATUS_GAP]
        if not short:
            continue
        names = {r["competency"]["id"]: r["competency"]["name"] for r in report["requirements"]}
        first = short[0]
        items.append(
            Todo(
                kind="duty_short",
                key=f"duty_short:{team_id}:{first['on'].isoformat()}",
                params={
                    "team": report["team"]["name"],
                    "date": first["on"].isoformat(),
                    "competencies": ", ".join(names[c] for c in first["short"]),
                    "days": len(short),
                },
                url=reverse("operations:team_duty", args=[team_id]),
                due=first["on"],
                count=len(short),
            )
        )
    return items


def _duty_text(params: Mapping[str, Any]) -> str:
    days = int(params["days"])
    return ngettext(
        "%(team)s: too few people on duty for %(competencies)s on %(date)s.",
        "%(team)s: too few people on duty for %(competencies)s on %(date)s "
        "(%(days)s short days in eight weeks).",
        days,
    ) % {
        "team": params["team"],
        "competencies": params["competencies"],
        "date": short_date(params["date"]),
        "days": days,
    }


def register() -> None:
    hooks.register_todo_kind(
        TodoKind("duty_short", "lead", _("Days short of people on duty"), _duty_text, 40)
    )
    hooks.register_todo_provider("lead", duty_items)


def dashboard_panel(team):
    """The duty strip on the team dashboard, loaded after the page (teams.hooks.register_dashboard_panel)."""
    return {
        "id": "duty",
        "title": _("Coverage with the people on duty, next eight weeks"),
        "url": reverse("operations:team_duty_strip", args=[team.pk]),
    }


def systems_panel(team):
    """Need from installed systems today and in a year, on the team dashboard's forecast (loaded after
    the page; teams.hooks.register_dashboard_panel)."""
    return {
        "id": "systems",
        "title": _("Need from installed systems, today and in a year"),
        "url": reverse("operations:team_systems", args=[team.pk]),
    }


def what_if_duty(*, team, on, changes, absences):
    """The what-if's effect on duty in the next eight weeks (teams.hooks.register_what_if_panel): the
    days short of people on duty as the team is, and with the what-if's changes and holiday plan."""
    first = timezone.localdate()
    before = selectors.team_duty(team=team, first=first)
    after = selectors.team_duty(team=team, first=first, planned_absences=absences, changes=changes)
    return {
        "template": "operations/_what_if_duty.html",
        "context": {
            "team": team,
            "before": len(before["short_days"]),
            "after": len(after["short_days"]),
            "days": after["days"],
            "short_days": after["short_days"],
            "weeks": after["weeks"],
        },
    }
