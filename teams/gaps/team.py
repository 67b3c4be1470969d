"""A team's dashboard (coverage, trend, forecast, heatmap), its what-if and its staffing hints, gathered in
a bounded number of queries and returned as plain records (never DataFrames)."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
from dateutil.relativedelta import relativedelta
from django.db.models import Case, Max, Q, Value, When

from competencies.i18n import localized
from competencies.models import MAX_SCALE_LEVEL, Competency, Employee
from competencies.privacy_threshold import min_group_size, nested_counts
from competencies.selectors import (
    certificates_expiring,
    count_unconfirmed,
    effective_levels,
    effective_levels_at,
)

from .. import hooks
from ..models import Team, TeamRequirement
from ..selectors import memberships_active
from . import cache, engine
from .inputs import analysis_input, dashboard_people
from .records import requirement_matches, requirement_records

TREND_MONTHS = 12
FORECAST_MONTHS = 6
CERTIFICATE_DAYS = 90  # certificates expiring this soon are listed on the dashboard with their effect


def _month_steps(on: datetime.date, months: int, direction: int) -> list[datetime.date]:
    return [on + relativedelta(months=direction * i) for i in range(months + 1)]


def _requirements_frame(team_ids: Iterable[int]) -> pd.DataFrame:
    """Requirements with competency and category names and the top level of the competency's scale."""
    rows = (
        TeamRequirement.objects.filter(team_id__in=team_ids)
        .order_by()
        .values_list(
            *engine.REQUIREMENT_COLUMNS,
            localized("competency__name"),
            "competency__category_id",
            localized("competency__category__name"),
        )
        .annotate(scale_max=Max("competency__scale__levels__value"))
    )
    columns = [*engine.REQUIREMENT_COLUMNS, "competency", "category_id", "category", "scale_max"]
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    frame["scale_max"] = frame["scale_max"].fillna(MAX_SCALE_LEVEL)
    return frame.astype({c: "int64" for c in [*engine.REQUIREMENT_COLUMNS, "category_id", "scale_max"]})


def _memberships_at(memberships: pd.DataFrame, dates: Sequence[datetime.date]) -> pd.DataFrame:
    """Rows (on, team_id, employee_id) for each date on which a membership is active."""
    if memberships.empty or not dates:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in ["on", "team_id", "employee_id"]})
    grid = memberships[["team_id", "employee_id", "start", "end"]].merge(
        pd.DataFrame({"on": list(dates)}), how="cross"
    )
    active = grid[(grid["start"] <= grid["on"]) & (grid["end"].isna() | (grid["end"] >= grid["on"]))]
    return active[["on", "team_id", "employee_id"]].drop_duplicates().reset_index(drop=True)


def _with_projected(
    levels_at: pd.DataFrame, projected: pd.DataFrame, dates: Sequence[datetime.date]
) -> pd.DataFrame:
    """Per date, levels raised to the targets of plan items due by that date (engine's projection)."""
    if projected.empty:
        return levels_at
    due = projected.merge(pd.DataFrame({"on": list(dates)}), how="cross")
    due = due.loc[due["due_date"] <= due["on"], ["on", "employee_id", "competency_id", "level"]]
    return engine.apply_projected_levels(levels_at, due, by=("on",))


def _window(on: datetime.date) -> tuple[list[datetime.date], list[datetime.date]]:
    """(history dates, oldest first, ending on ``on``; forecast dates, from ``on``)."""
    return _month_steps(on, TREND_MONTHS, -1)[::-1], _month_steps(on, FORECAST_MONTHS, +1)


def team_dashboard(
    *, team: Team, on: datetime.date, viewer: Any = None, offer_join_candidates: bool = False
) -> dict[str, Any]:
    """Everything the team dashboard shows, in four queries whatever the team size; while the team's data
    is unchanged, its figures come from the cache (teams.gaps.cache) and only the viewer's part is read.

    With ``viewer``, also ``viewer_employee`` (the viewer's own employee record or None) and, with
    ``offer_join_candidates``, ``join_candidates``: active people the viewer may see outside the team on
    ``on``, by name (for the what-if panel; None without). ``cache_key`` names the figures' version, for
    caching what is rendered from them (None: do not)."""
    history, forecast = _window(on)
    people: dict[str, Any] = {}

    def figures() -> dict[str, Any]:
        # The team's memberships and the viewer's records in the one query.
        memberships, people["own"], people["visible"] = dashboard_people(
            team=team,
            window_start=history[0],
            window_end=forecast[-1],
            viewer=viewer,
            offer_join_candidates=offer_join_candidates,
        )
        return _team_figures(team_id=team.pk, on=on, memberships=memberships)

    found, key = cache.cached(
        "dashboard",
        (team.pk, on.isoformat()),
        [cache.CATALOGUE, cache.team(team.pk)],
        figures,
        with_key=True,
    )
    if not people:
        _none, people["own"], people["visible"] = dashboard_people(
            team=None,
            window_start=history[0],
            window_end=forecast[-1],
            viewer=viewer,
            offer_join_candidates=offer_join_candidates,
        )
    member_ids = {member["id"] for member in found["members"]}
    return {
        **found,
        "team": team,
        "on": on,
        "cache_key": key,
        "viewer_employee": people["own"],
        "join_candidates": None
        if people["visible"] is None
        else [p for p in people["visible"] if p["id"] not in member_ids],
    }


def _team_figures(*, team_id: int, on: datetime.date, memberships: pd.DataFrame) -> dict[str, Any]:
    """The viewer-independent part of the dashboard, as plain records; three queries."""
    history, forecast = _window(on)
    window_end = forecast[-1]
    requirements = _requirements_frame([team_id])
    employee_ids = sorted(set(memberships["employee_id"].astype("int64")))
    levels_at = effective_levels_at(dates=history + forecast[1:], employee_ids=employee_ids)
    if not count_unconfirmed():
        levels_at = levels_at[levels_at["confirmed"]]
    projected = hooks.projected_levels(employee_ids=employee_ids, until=window_end)

    engine_requirements = requirements[engine.REQUIREMENT_COLUMNS]
    # Trend and forecast in one engine pass. Each point gets its own key, as the analysis date is on both
    # lines: measured, and with the plan items due by then counted as reached.
    trend_keys = {d: i for i, d in enumerate(history)}
    forecast_keys = {d: len(history) + i for i, d in enumerate(forecast)}
    members_at = _memberships_at(memberships, sorted(set(history) | set(forecast)))
    forecast_levels = _with_projected(levels_at[levels_at["on"].isin(forecast)], projected, forecast)
    coverage_at = engine.coverage_over_dates(
        dates=list(range(len(history) + len(forecast))),
        levels_at=pd.concat(
            [
                _keyed(levels_at[levels_at["on"].isin(history)], trend_keys),
                _keyed(forecast_levels, forecast_keys),
            ],
            ignore_index=True,
        ),
        memberships_at=pd.concat(
            [
                _keyed(members_at[members_at["on"].isin(history)], trend_keys),
                _keyed(members_at[members_at["on"].isin(forecast)], forecast_keys),
            ],
            ignore_index=True,
        ),
        requirements=engine_requirements,
        team_ids=[team_id],
    )

    current_members = members_at[members_at["on"] == on].drop(columns="on")
    current_levels = levels_at[levels_at["on"] == on].drop(columns="on")
    data = engine.AnalysisInput(
        levels=current_levels,
        memberships=current_members,
        requirements=engine_requirements,
        role_targets=engine.empty_frame(engine.ROLE_TARGET_COLUMNS),
    )
    table = engine.requirement_table(data)
    coverage = float(engine.coverage_by_team(table, [team_id]).iloc[0])
    names = dict(zip(memberships["employee_id"], memberships["name"], strict=False))
    member_ids = sorted(set(current_members["employee_id"].tolist()))
    certificates = _certificate_drops(data, team_id=team_id, on=on, member_ids=member_ids, coverage=coverage)
    competencies = {
        int(r.competency_id): {
            "name": r.competency,
            "category_id": int(r.category_id),
            "category": r.category,
            "scale_max": int(r.scale_max),
        }
        for r in requirements.itertuples(index=False)
    }
    return {
        "coverage": coverage,
        "members": [{"id": e, "name": names[e]} for e in member_ids],
        "requirements": _requirement_records(table, competencies, names),
        "heatmap": _heatmap(table, current_levels, member_ids, names, competencies),
        "trend": [_point(d, coverage_at.loc[trend_keys[d], team_id]) for d in history],
        "forecast": [_point(d, coverage_at.loc[forecast_keys[d], team_id]) for d in forecast],
        "has_projection": not projected.empty,
        "certificates": certificates,
    }


def _certificate_drops(
    data: engine.AnalysisInput, *, team_id: int, on: datetime.date, member_ids: list[int], coverage: float
) -> list[dict[str, Any]]:
    """The members' certificates expiring within CERTIFICATE_DAYS, by expiry, each with the day it stops
    counting (the day after ``valid_until``), the level left then, and the team's coverage (members and
    levels of ``on``) before and after it lapses, taken away in order of expiry. Two queries."""
    if not member_ids:
        return []
    found = certificates_expiring(employee_ids=member_ids, on=on, within_days=CERTIFICATE_DAYS)
    if not found:
        return []
    for record in found:
        record["lapses_on"] = record["valid_until"] + datetime.timedelta(days=1)
    later = effective_levels_at(
        dates=sorted({r["lapses_on"] for r in found}),
        employee_ids=sorted({r["employee"]["id"] for r in found}),
    )
    if not count_unconfirmed():
        later = later[later["confirmed"]]
    left = {
        (row.on, int(row.employee_id), int(row.competency_id)): int(row.level)
        for row in later.itertuples(index=False)
    }
    # In order of expiry, each certificate is taken away on top of those before it: its drop is what the
    # forecast loses on that day because of it (two that cover for each other show on the second).
    drops, levels, before = [], data.levels, coverage
    for record in found:
        employee_id, competency_id = record["employee"]["id"], record["competency"]["id"]
        level_left = left.get((record["lapses_on"], employee_id, competency_id), 0)
        levels = engine.what_if_levels(
            levels,
            pd.DataFrame(
                {"employee_id": [employee_id], "competency_id": [competency_id], "level": [level_left]}
            ),
        )
        table = engine.requirement_table(replace(data, levels=levels))
        after = float(engine.coverage_by_team(table, [team_id]).iloc[0])
        drops.append(
            {
                **record,
                "level_left": level_left,
                "coverage_before": before,
                "coverage_after": after,
                "drop_points": round((before - after) * 100, 1),
            }
        )
        before = after
    return drops


def coverage_forecast(*, team: Team, on: datetime.date) -> dict[str, Any]:
    """The team's coverage forecast: the last point of the dashboard's forecast line, FORECAST_MONTHS
    after ``on``, with the levels of that day (certificates expired by then no longer count) and the open
    items of agreed and running plans due by then counted as reached (docs/gap-analysis.md). The one
    forecast figure: the dashboard and the plans pages show this number."""
    return team_dashboard(team=team, on=on)["forecast"][-1]


def _keyed(frame: pd.DataFrame, keys: Mapping[datetime.date, int]) -> pd.DataFrame:
    """``frame`` with its ``on`` dates replaced by the engine keys of the points they belong to."""
    return frame.assign(on=frame["on"].map(keys))


def _point(on: datetime.date, coverage: Any) -> dict[str, Any]:
    return {"on": on, "coverage": float(coverage), "percent": round(float(coverage) * 100, 1)}


def _requirement_records(
    table: pd.DataFrame, competencies: Mapping[int, dict[str, Any]], names: Mapping[int, str]
) -> list[dict[str, Any]]:
    return requirement_records(
        table,
        head=lambda _team_id, competency_id: {
            "competency_id": competency_id,
            "competency": competencies[competency_id]["name"],
            "category_id": competencies[competency_id]["category_id"],
            "category": competencies[competency_id]["category"],
            "scale_max": competencies[competency_id]["scale_max"],
        },
        person=lambda e: {"id": e, "name": names[e]},
    )


def _heatmap(
    table: pd.DataFrame,
    levels: pd.DataFrame,
    member_ids: Iterable[int],
    names: Mapping[int, str],
    competencies: Mapping[int, dict[str, Any]],
) -> dict[str, Any]:
    """Members × required competencies: level, required level and whether the level is confirmed."""
    lookup = {
        (int(r.employee_id), int(r.competency_id)): (int(r.level), bool(r.confirmed))
        for r in levels.itertuples(index=False)
    }
    columns = [
        {
            "id": int(r.competency_id),
            "name": competencies[int(r.competency_id)]["name"],
            "category_id": competencies[int(r.competency_id)]["category_id"],
            "weight": int(r.weight),
            "required": int(r.required_level),
        }
        for r in table.itertuples(index=False)
    ]
    rows = []
    for employee_id in member_ids:
        cells: list[dict[str, Any]] = []
        for column in columns:
            level, confirmed = lookup.get((employee_id, column["id"]), (0, None))
            cells.append(
                {
                    "level": level,
                    "required": column["required"],
                    "state": "unassessed"
                    if confirmed is None
                    else ("confirmed" if confirmed else "unconfirmed"),
                }
            )
        rows.append({"employee": {"id": employee_id, "name": names[employee_id]}, "cells": cells})
    return {"columns": columns, "rows": rows}


def weighted_coverage(records: Iterable[Mapping[str, Any]]) -> float:
    """SPEC.md's coverage over requirement records (1.0 without any)."""
    return engine.coverage(
        sum(r["weight"] * r["shortfall"] for r in records),
        sum(r["weight"] * r["min_people"] for r in records),
    )


def filter_dashboard(
    dashboard: dict[str, Any], *, category_id: int | None = None, min_weight: int | None = None
) -> dict[str, Any]:
    """The dashboard restricted to requirements of a category and of at least a weight.

    Requirement lists and heatmap columns shrink; the headline coverage stays the whole team's, and
    ``filtered_coverage`` is the coverage over the requirements that are left."""
    if category_id is None and min_weight is None:
        return {**dashboard, "filtered_coverage": None}
    requirements = [
        r
        for r in dashboard["requirements"]
        if requirement_matches(r, category_id=category_id, min_weight=min_weight)
    ]
    columns = dashboard["heatmap"]["columns"]
    kept = [
        i
        for i, column in enumerate(columns)
        if requirement_matches(column, category_id=category_id, min_weight=min_weight)
    ]
    heatmap = {
        "columns": [columns[i] for i in kept],
        "rows": [{**row, "cells": [row["cells"][i] for i in kept]} for row in dashboard["heatmap"]["rows"]],
    }
    return {
        **dashboard,
        "requirements": requirements,
        "heatmap": heatmap,
        "filtered_coverage": weighted_coverage(requirements),
    }


CLOSEST_SHOWN = 5
# How close someone is to closing a requirement, best first.
PENDING, PLANNED, INTERESTED, NEAR = "pending", "planned", "interested", "near"
_TIERS = {PENDING: 0, PLANNED: 1, INTERESTED: 2, NEAR: 3}


def closest_to_closing(
    requirements: Iterable[Mapping[str, Any]],
    *,
    members: Iterable[Mapping[str, Any]],
    pending: Mapping[tuple[int, int], int],
    planned: Iterable[tuple[int, int]],
    interests: Iterable[tuple[int, int]],
    shown: int = CLOSEST_SHOWN,
) -> list[dict[str, Any]]:
    """For each requirement with a gap or a single point, one ranked list of the members closest to closing
    it: a pending self-assessment that already reaches the level first (the lead only has to confirm it),
    then near-holders (one level below) with an agreed plan item for the competency, then near-holders who
    stated an interest in it, then the other near-holders; by name within each rank. ``shown`` go in
    ``candidates``, the rest in ``more``. A pending self-assessment is flagged ``closes_critical`` when the
    requirement is critical (weight 3), has a gap, and confirming the pending ones would close it."""
    planned, interests = set(planned), set(interests)
    names = {m["id"]: m["name"] for m in members}
    found: list[dict[str, Any]] = []
    for record in requirements:
        if record["status"] == engine.STATUS_OK:
            continue
        competency_id, level = record["competency_id"], record["required_level"]
        holders = {p["id"] for p in record["holders"]}
        near = {p["id"] for p in record["near_holders"]}
        reaching = {
            e for (e, c), self_level in pending.items() if c == competency_id and self_level >= level
        } - holders
        closes = (
            record["status"] == engine.STATUS_GAP
            and record["weight"] == 3
            and len(reaching) >= record["shortfall"]
        )
        people: list[dict[str, Any]] = []
        for employee_id in (near | reaching) & names.keys():
            pair = (employee_id, competency_id)
            rank = (
                PENDING
                if employee_id in reaching
                else PLANNED
                if pair in planned
                else INTERESTED
                if pair in interests
                else NEAR
            )
            people.append(
                {
                    "employee": {"id": employee_id, "name": names[employee_id]},
                    "rank": rank,
                    "self_level": pending.get(pair),
                    "planned": pair in planned,
                    "interested": pair in interests,
                    "closes_critical": rank == PENDING and closes,
                }
            )
        people.sort(key=lambda p: (_TIERS[p["rank"]], p["employee"]["name"], p["employee"]["id"]))
        found.append(
            {
                "requirement": record,
                "candidates": people[:shown],
                "more": people[shown:],
                "closes_critical": any(p["closes_critical"] for p in people),
            }
        )
    # Gaps before single points, the heaviest first.
    found.sort(
        key=lambda f: (
            f["requirement"]["status"] != engine.STATUS_GAP,
            -f["requirement"]["weight"] * max(1, f["requirement"]["shortfall"]),
            f["requirement"]["competency"],
        )
    )
    return found


def staffing_hints(
    *,
    team: Team,
    on: datetime.date,
    candidate_ids: Iterable[int] | None = None,
    competency_ids: Iterable[int] | None = None,
    limit: int = 5,
) -> list[dict[str, Any]]:
    """For each gap of ``team``: people outside it who hold the level, least missed by their own teams
    first. ``candidate_ids`` limits who may be suggested (the people the user may see); None: anyone.
    ``competency_ids`` limits the gaps looked at (None: every gap). Cached until anything changes."""
    scope = "anyone" if candidate_ids is None else cache.digest(candidate_ids)
    wanted = "every" if competency_ids is None else cache.digest(competency_ids)
    return cache.cached(
        "hints",
        (team.pk, on.isoformat(), scope, wanted, limit),
        [cache.ALL],
        lambda: _staffing_hints(
            team=team, on=on, candidate_ids=candidate_ids, competency_ids=competency_ids, limit=limit
        ),
    )


def _staffing_hints(
    *,
    team: Team,
    on: datetime.date,
    candidate_ids: Iterable[int] | None,
    competency_ids: Iterable[int] | None,
    limit: int,
) -> list[dict[str, Any]]:
    # People outside the team are suggested or counted: how much their own teams would miss them, and how
    # many hold a level elsewhere, need the whole organisation.
    data = analysis_input(on=on)
    table = engine.requirement_table(data)
    gaps = table[(table["team_id"] == team.pk) & (table["status"] == engine.STATUS_GAP)]
    if competency_ids is not None:
        gaps = gaps[gaps["competency_id"].isin(list(competency_ids))]
    # Readers limited to the people they may see also learn how many others hold the level (counts only,
    # under the privacy threshold): team members and the people they see are not counted.
    counted_apart = (
        None if candidate_ids is None else set(candidate_ids) | set(engine.team_members(data, team.pk))
    )
    if candidate_ids is None:
        candidate_ids = set(data.levels["employee_id"].tolist())
    hints: dict[int, tuple[Any, list[dict[str, Any]]]] = {}
    for row in gaps.itertuples(index=False):
        hints[int(row.competency_id)] = (
            row,
            engine.staffing_hints(
                data,
                table,
                team_id=team.pk,
                competency_id=int(row.competency_id),
                required_level=int(row.required_level),
                candidate_ids=candidate_ids,
            )[:limit],
        )
    people = {h["employee_id"] for _row, candidates in hints.values() for h in candidates}
    names = dict(Employee.objects.filter(pk__in=people).values_list("id", "name"))
    competencies = {
        pk: {"id": pk, "name": name, "category_id": category_id}
        for pk, name, category_id in Competency.objects.filter(pk__in=hints).values_list(
            "id", "name", "category_id"
        )
    }
    memberships = data.memberships[data.memberships["employee_id"].isin(list(people))]
    team_ids = set(memberships["team_id"].tolist())
    team_names = dict(Team.objects.filter(pk__in=team_ids).values_list("id", "name"))
    teams_of: dict[int, list[str]] = {}
    for membership in memberships.itertuples(index=False):
        teams_of.setdefault(int(membership.employee_id), []).append(team_names[int(membership.team_id)])
    return [
        {
            "competency": competencies[competency_id],
            "category_id": competencies[competency_id]["category_id"],
            "required_level": int(row.required_level),
            "min_people": int(row.min_people),
            "covered": int(row.covered),
            "shortfall": int(row.shortfall),
            "weight": int(row.weight),
            "elsewhere": None
            if counted_apart is None
            else elsewhere_count(
                engine.holders_by_level(data, competency_id=competency_id, excluded=counted_apart),
                level=int(row.required_level),
            ),
            "candidates": [
                {
                    **h,
                    "name": names[h["employee_id"]],
                    "teams": sorted(teams_of.get(h["employee_id"], [])),
                }
                for h in candidates
            ],
        }
        for competency_id, (row, candidates) in hints.items()
    ]


def elsewhere_count(counts: dict[int, int], *, level: int) -> dict[str, Any]:
    """What a reader who may not see them learns of the people holding a level elsewhere: ``count`` if the
    privacy threshold lets it be shown, else None — not even whether there is anyone (0 is hidden too,
    since a request may be sent either way)."""
    return {"count": nested_counts(counts).get(level), "threshold": min_group_size()}


def what_if_choices(*, team: Team, on: datetime.date) -> dict[str, Any]:
    """The what-if form's choices: the team's members on ``on`` by name, its requirements with the top
    level of each competency's scale. Two queries."""
    members = (
        memberships_active(on=on)
        .filter(team=team)
        .order_by("employee__name", "employee_id")
        .values_list("employee_id", "employee__name")
        .distinct()
    )
    requirements = _requirements_frame([team.pk]).sort_values(["competency", "competency_id"])
    return {
        "members": [{"id": int(pk), "name": name} for pk, name in members],
        "requirements": [
            {
                "competency_id": int(r.competency_id),
                "competency": r.competency,
                "scale_max": int(r.scale_max),
            }
            for r in requirements.itertuples(index=False)
        ],
    }


def what_if_candidates(
    *, people: Any, user: Any, exclude_ids: Iterable[int], limit: int
) -> tuple[list[dict[str, Any]], Any, bool]:
    """Active people of ``people`` (a queryset already limited to whom ``user`` may see) outside
    ``exclude_ids``, by name, at most ``limit``; and ``user``'s own employee record if ``people`` holds it
    (None if not), which it always does for ``visible_employees``, so the navigation needs no query.

    Returns (candidates as records, own record or None, whether the list was cut at ``limit``)."""
    rows = list(
        people.filter(Q(user=user) | (Q(is_active=True) & ~Q(pk__in=list(exclude_ids))))
        .annotate(is_self=Case(When(user=user, then=Value(0)), default=Value(1)))
        .order_by("is_self", "name", "id")
        .only("id", "name", "personnel_no", "user_id", "is_active")[: limit + 2]
    )
    own = rows[0] if rows and rows[0].user_id == user.pk else None
    excluded = set(exclude_ids)
    candidates = [
        {"id": e.pk, "name": e.name, "personnel_no": e.personnel_no}
        for e in rows
        if e.is_active and e.pk not in excluded
    ]
    return candidates[:limit], own, len(candidates) > limit


def what_if_input(
    *,
    team: Team,
    on: datetime.date,
    join: Iterable[int] = (),
    leave: Iterable[int] = (),
    raise_levels: Iterable[tuple[int, int, int]] = (),
) -> tuple[engine.AnalysisInput, engine.AnalysisInput]:
    """(the team's analysis input on ``on``, the same with the changes): the one place a what-if changes
    the engine's input, for the coverage here and for other inputs of the engine (duty, in operations)."""
    data = analysis_input(on=on, team_ids=[team.pk])
    if join:
        extra = effective_levels(on=on, employee_ids=list(join))[engine.LEVEL_COLUMNS]
        if not count_unconfirmed():
            extra = extra[extra["confirmed"]]
        data = engine.AnalysisInput(
            levels=pd.concat([data.levels, extra], ignore_index=True).drop_duplicates(
                ["employee_id", "competency_id"]
            ),
            memberships=data.memberships,
            requirements=data.requirements,
            role_targets=data.role_targets,
        )
    changed = engine.what_if(data, team_id=team.pk, join=join, leave=leave, raise_levels=raise_levels)
    return data, changed


def what_if(
    *,
    team: Team,
    on: datetime.date,
    join: Iterable[int] = (),
    leave: Iterable[int] = (),
    raise_levels: Iterable[tuple[int, int, int]] = (),
) -> dict[str, Any]:
    """Coverage and statuses of ``team`` now and under hypothetical changes; nothing is written."""
    team_ids = [team.pk]
    data, changed = what_if_input(team=team, on=on, join=join, leave=leave, raise_levels=raise_levels)
    before = engine.requirement_table(data)
    after = engine.requirement_table(changed)
    names = dict(Competency.objects.filter(pk__in=before["competency_id"].tolist()).values_list("id", "name"))
    rows = []
    for old, new in zip(before.itertuples(index=False), after.itertuples(index=False), strict=True):
        rows.append(
            {
                "competency_id": int(old.competency_id),
                "competency": names[old.competency_id],
                "required_level": int(old.required_level),
                "min_people": int(old.min_people),
                "weight": int(old.weight),
                "covered_before": int(old.covered),
                "covered_after": int(new.covered),
                "shortfall_before": int(old.shortfall),
                "shortfall_after": int(new.shortfall),
                "status_before": old.status,
                "status_after": new.status,
                "changed": int(old.covered) != int(new.covered) or old.status != new.status,
            }
        )
    rows.sort(key=lambda r: (not r["changed"], r["competency"], r["competency_id"]))
    coverage_before = float(engine.coverage_by_team(before, team_ids).iloc[0])
    coverage_after = float(engine.coverage_by_team(after, team_ids).iloc[0])
    return {
        "coverage_before": coverage_before,
        "coverage_after": coverage_after,
        "delta_points": round((coverage_after - coverage_before) * 100, 1),
        "requirements": rows,
    }
