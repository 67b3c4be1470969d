"""What the dashboards show: the gap engine's figures for a team, a department and the organisation,
gathered in a bounded number of queries and returned as plain records (never DataFrames)."""

import pandas as pd
from dateutil.relativedelta import relativedelta
from django.db.models import Q

from competencies.models import Category, Competency, Employee
from competencies.selectors import count_unconfirmed, effective_levels, effective_levels_at

from . import analysis, hooks
from .models import Membership, Team, TeamRequirement
from .selectors import analysis_input, subtree_ids, team_tree

TREND_MONTHS = 12
FORECAST_MONTHS = 6


def _month_steps(on, months, direction):
    return [on + relativedelta(months=direction * i) for i in range(months + 1)]


def _requirements_frame(team_ids):
    rows = TeamRequirement.objects.filter(team_id__in=team_ids).values_list(
        *analysis.REQUIREMENT_COLUMNS, "competency__name", "competency__category__name"
    )
    return pd.DataFrame.from_records(
        list(rows), columns=[*analysis.REQUIREMENT_COLUMNS, "competency", "category"]
    ).astype({c: "int64" for c in analysis.REQUIREMENT_COLUMNS})


def _memberships_at(memberships, dates):
    """Rows (on, team_id, employee_id) for each date on which a membership is active."""
    frames = []
    for on in dates:
        active = memberships[
            (memberships["start"] <= on) & (memberships["end"].isna() | (memberships["end"] >= on))
        ]
        frames.append(active[["team_id", "employee_id"]].drop_duplicates().assign(on=on))
    if not frames:
        return pd.DataFrame(columns=["on", "team_id", "employee_id"])
    return pd.concat(frames, ignore_index=True)


def _with_projected(levels_at, projected):
    """Per date, levels raised to the targets of plan items due by that date."""
    if projected.empty:
        return levels_at
    frames = []
    for on, levels in levels_at.groupby("on", sort=True):
        due = projected[projected["due_date"] <= on][["employee_id", "competency_id", "level"]]
        frames.append(analysis.apply_projected_levels(levels.drop(columns="on"), due).assign(on=on))
    return pd.concat(frames, ignore_index=True)


def team_dashboard(*, team, on):
    """Everything the team dashboard shows, in five queries whatever the team size."""
    history = _month_steps(on, TREND_MONTHS, -1)[::-1]
    forecast = _month_steps(on, FORECAST_MONTHS, +1)
    window_start, window_end = history[0], forecast[-1]
    membership_rows = (
        Membership.objects.filter(team=team, start__lte=window_end)
        .filter(Q(end__isnull=True) | Q(end__gte=window_start))
        .values_list("team_id", "employee_id", "start", "end", "employee__name", "employee__personnel_no")
    )
    memberships = pd.DataFrame.from_records(
        list(membership_rows), columns=["team_id", "employee_id", "start", "end", "name", "personnel_no"]
    )
    requirements = _requirements_frame([team.pk])
    employee_ids = sorted(set(memberships["employee_id"].astype("int64")))
    levels_at = effective_levels_at(dates=history + forecast[1:], employee_ids=employee_ids)
    if not count_unconfirmed():
        levels_at = levels_at[levels_at["confirmed"]]
    projected = hooks.projected_levels(employee_ids=employee_ids, until=window_end)

    engine_requirements = requirements[analysis.REQUIREMENT_COLUMNS]
    trend = analysis.coverage_over_dates(
        dates=history,
        levels_at=levels_at[levels_at["on"].isin(history)],
        memberships_at=_memberships_at(memberships, history),
        requirements=engine_requirements,
        team_ids=[team.pk],
    )
    forecast_levels = _with_projected(levels_at[levels_at["on"].isin(forecast)], projected)
    outlook = analysis.coverage_over_dates(
        dates=forecast,
        levels_at=forecast_levels,
        memberships_at=_memberships_at(memberships, forecast),
        requirements=engine_requirements,
        team_ids=[team.pk],
    )

    current_members = _memberships_at(memberships, [on]).drop(columns="on")
    current_levels = levels_at[levels_at["on"] == on].drop(columns="on")
    data = analysis.AnalysisInput(
        levels=current_levels,
        memberships=current_members,
        requirements=engine_requirements,
        role_targets=analysis.empty_frame(analysis.ROLE_TARGET_COLUMNS),
    )
    table = analysis.requirement_table(data)
    coverage = float(analysis.coverage_by_team(table, [team.pk]).iloc[0])
    names = dict(zip(memberships["employee_id"], memberships["name"], strict=False))
    member_ids = sorted(set(current_members["employee_id"].tolist()))
    competency_names = dict(zip(requirements["competency_id"], requirements["competency"], strict=False))
    categories = dict(zip(requirements["competency_id"], requirements["category"], strict=False))
    return {
        "team": team,
        "on": on,
        "coverage": coverage,
        "members": [{"id": e, "name": names[e]} for e in member_ids],
        "requirements": _requirement_records(table, competency_names, categories, names),
        "heatmap": _heatmap(table, current_levels, member_ids, names, competency_names),
        "trend": [{"on": d, "coverage": float(trend.loc[d, team.pk])} for d in history],
        "forecast": [{"on": d, "coverage": float(outlook.loc[d, team.pk])} for d in forecast],
        "has_projection": not projected.empty,
    }


def _requirement_records(table, competency_names, categories, names):
    records = []
    for row in table.itertuples(index=False):
        records.append(
            {
                "competency_id": int(row.competency_id),
                "competency": competency_names[row.competency_id],
                "category": categories[row.competency_id],
                "required_level": int(row.required_level),
                "min_people": int(row.min_people),
                "weight": int(row.weight),
                "covered": int(row.covered),
                "shortfall": int(row.shortfall),
                "status": row.status,
                "holders": [{"id": int(e), "name": names[e]} for e in row.holders],
                "near_holders": [{"id": int(e), "name": names[e]} for e in row.near_holders],
            }
        )
    return records


def _heatmap(table, levels, member_ids, names, competency_names):
    """Members × required competencies: level, required level and whether the level is confirmed."""
    lookup = {
        (int(r.employee_id), int(r.competency_id)): (int(r.level), bool(r.confirmed))
        for r in levels.itertuples(index=False)
    }
    columns = [
        {
            "id": int(r.competency_id),
            "name": competency_names[r.competency_id],
            "required": int(r.required_level),
        }
        for r in table.itertuples(index=False)
    ]
    rows = []
    for employee_id in member_ids:
        cells = []
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


def staffing_hints(*, team, on, candidate_ids=None, limit=5):
    """For each gap of ``team``: people outside it who hold the level, least missed by their own teams
    first. ``candidate_ids`` limits who may be suggested (the people the user may see); None: anyone."""
    data = analysis_input(on=on)
    table = analysis.requirement_table(data)
    gaps = table[(table["team_id"] == team.pk) & (table["status"] == analysis.STATUS_GAP)]
    if candidate_ids is None:
        candidate_ids = set(data.levels["employee_id"].tolist())
    hints = {}
    for row in gaps.itertuples(index=False):
        hints[int(row.competency_id)] = analysis.staffing_hints(
            data,
            table,
            team_id=team.pk,
            competency_id=int(row.competency_id),
            required_level=int(row.required_level),
            candidate_ids=candidate_ids,
        )[:limit]
    people = set().union(*[{h["employee_id"] for h in v} for v in hints.values()]) if hints else set()
    names = dict(Employee.objects.filter(pk__in=people).values_list("id", "name"))
    competencies = dict(Competency.objects.filter(pk__in=hints).values_list("id", "name"))
    return [
        {
            "competency": {"id": competency_id, "name": competencies[competency_id]},
            "candidates": [{**h, "name": names[h["employee_id"]]} for h in candidates],
        }
        for competency_id, candidates in hints.items()
    ]


def what_if(*, team, on, join=(), leave=(), raise_levels=()):
    """Coverage and statuses of ``team`` now and under hypothetical changes; nothing is written."""
    team_ids = [team.pk]
    data = analysis_input(on=on, team_ids=team_ids)
    if join:
        extra = effective_levels(on=on, employee_ids=list(join))[analysis.LEVEL_COLUMNS]
        if not count_unconfirmed():
            extra = extra[extra["confirmed"]]
        data = analysis.AnalysisInput(
            levels=pd.concat([data.levels, extra], ignore_index=True).drop_duplicates(
                ["employee_id", "competency_id"]
            ),
            memberships=data.memberships,
            requirements=data.requirements,
            role_targets=data.role_targets,
        )
    before = analysis.requirement_table(data)
    changed = analysis.what_if(data, team_id=team.pk, join=join, leave=leave, raise_levels=raise_levels)
    after = analysis.requirement_table(changed)
    names = dict(Competency.objects.filter(pk__in=before["competency_id"].tolist()).values_list("id", "name"))
    rows = []
    for old, new in zip(before.itertuples(index=False), after.itertuples(index=False), strict=True):
        rows.append(
            {
                "competency": names[old.competency_id],
                "required_level": int(old.required_level),
                "min_people": int(old.min_people),
                "covered_before": int(old.covered),
                "covered_after": int(new.covered),
                "status_before": old.status,
                "status_after": new.status,
            }
        )
    return {
        "coverage_before": float(analysis.coverage_by_team(before, team_ids).iloc[0]),
        "coverage_after": float(analysis.coverage_by_team(after, team_ids).iloc[0]),
        "requirements": rows,
    }


def department_overview(*, department, on):
    """The roll-up over a department's subtree, its child teams side by side, the worst gaps first."""
    tree = team_tree()
    team_ids = subtree_ids(department.pk, tree)
    data = analysis_input(on=on, team_ids=team_ids)
    table = analysis.requirement_table(data)
    coverage = analysis.coverage_by_team(table, team_ids)
    children = tree.get(department.pk, [])
    rollups = analysis.rollup_coverage(
        table, {child: subtree_ids(child, tree) for child in children} | {department.pk: team_ids}
    )
    teams = {t.pk: t for t in Team.objects.filter(pk__in=team_ids)}
    return {
        "department": department,
        "on": on,
        "coverage": rollups[department.pk],
        "children": [
            {
                "team": teams[child],
                "coverage": rollups[child],
                "gaps": int(
                    ((table["team_id"].isin(subtree_ids(child, tree))) & (table["status"] == "gap")).sum()
                ),
            }
            for child in children
        ],
        "teams": [{"team": teams[t], "coverage": float(coverage[t])} for t in team_ids],
        "worst_gaps": _gap_records(analysis.worst_gaps(table, limit=20), teams),
        "single_points": _gap_records(table[table["status"] == analysis.STATUS_SINGLE_POINT], teams),
    }


def _gap_records(rows, teams):
    names = dict(Competency.objects.filter(pk__in=rows["competency_id"].tolist()).values_list("id", "name"))
    holder_ids = {int(e) for holders in rows["holders"] for e in holders}
    people = dict(Employee.objects.filter(pk__in=holder_ids).values_list("id", "name"))
    return [
        {
            "team": teams[int(r.team_id)],
            "competency": names[int(r.competency_id)],
            "required_level": int(r.required_level),
            "min_people": int(r.min_people),
            "weight": int(r.weight),
            "covered": int(r.covered),
            "shortfall": int(r.shortfall),
            "holders": [people[int(e)] for e in r.holders],
        }
        for r in rows.itertuples(index=False)
    ]


def organisation_overview(*, on):
    """HR's view: teams × categories coverage, the most critical gaps, every single point of knowledge."""
    data = analysis_input(on=on)
    table = analysis.requirement_table(data)
    categories = dict(Competency.objects.values_list("id", "category_id"))
    by_category = analysis.category_coverage(table, categories)
    teams = {t.pk: t for t in Team.objects.all()}
    category_names = dict(Category.objects.values_list("id", "name"))
    team_ids = sorted(set(by_category["team_id"].tolist()))
    category_ids = sorted(set(by_category["category_id"].tolist()))
    grid = {(int(r.team_id), int(r.category_id)): float(r.coverage) for r in by_category.itertuples()}
    coverage = analysis.coverage_by_team(table, list(teams))
    return {
        "on": on,
        "heatmap": {
            "teams": [teams[t].name for t in team_ids],
            "categories": [category_names[c] for c in category_ids],
            "values": [[grid.get((t, c)) for c in category_ids] for t in team_ids],
        },
        "teams": [{"team": teams[t], "coverage": float(coverage[t])} for t in sorted(teams)],
        "worst_gaps": _gap_records(analysis.worst_gaps(table, limit=25), teams),
        "single_points": _gap_records(table[table["status"] == analysis.STATUS_SINGLE_POINT], teams),
    }
