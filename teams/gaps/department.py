"""A department's page: the roll-up over its subtree, its child teams side by side, the worst gaps first."""

import datetime
from typing import Any

import pandas as pd

from competencies.privacy_threshold import hidden_siblings, shown

from ..models import Team
from ..tree import TeamTree
from . import cache, engine
from .inputs import analysis_input
from .records import by_weight, gap_lookup, gap_records, group_figures


def department_overview(*, department: Team, on: datetime.date) -> dict[str, Any]:
    """The roll-up over a department's subtree, its child teams ranked by weighted shortfall (Σ weight ×
    shortfall over each child's subtree, largest first), the worst gaps first.

    Eight queries whatever the size of the subtree, none while its data is unchanged (teams.gaps.cache)."""
    return cache.cached(
        "department",
        (department.pk, on.isoformat()),
        [cache.CATALOGUE, cache.team(department.pk)],
        lambda: _department_overview(department, on),
    )


def _department_overview(department: Team, on: datetime.date) -> dict[str, Any]:
    tree = TeamTree.load()
    team_ids = tree.subtree(department.pk)
    data = analysis_input(on=on, team_ids=team_ids)
    table = engine.requirement_table(data)
    coverage = engine.coverage_by_team(table, team_ids)
    children = tree.children(department.pk)
    subtrees = {child: tree.subtree(child) for child in children} | {department.pk: team_ids}
    rollups = engine.rollup_coverage(table, subtrees)
    teams = {t.pk: t for t in Team.objects.filter(pk__in=team_ids)}
    gaps = engine.worst_gaps(table)
    single_points = table[table["status"] == engine.STATUS_SINGLE_POINT]
    lookup = gap_lookup(pd.concat([gaps, single_points]))
    weighted = table["weight"] * table["shortfall"]

    def weighted_shortfall(subtree: list[int]) -> int:
        return int(weighted[table["team_id"].isin(subtree)].sum())

    return {
        "department": department,
        "on": on,
        "coverage": rollups[department.pk],
        "figures": group_figures(table, data.memberships, team_ids),
        "own_requirements": int((table["team_id"] == department.pk).sum()),
        # People in the department itself, in none of the teams below: a sibling of its children.
        "own_members": int(
            data.memberships.loc[
                (data.memberships["team_id"] == department.pk)
                & ~data.memberships["employee_id"].isin(
                    data.memberships.loc[data.memberships["team_id"] != department.pk, "employee_id"]
                ),
                "employee_id",
            ].nunique()
        ),
        "children": sorted(
            (
                {
                    "team": teams[child],
                    "coverage": rollups[child],
                    "is_department": tree.has_children(child),
                    "weighted_shortfall": weighted_shortfall(subtrees[child]),
                    **group_figures(table, data.memberships, subtrees[child]),
                }
                for child in children
            ),
            # Ranked: the team whose missing people weigh most first (Σ weight × shortfall of its subtree).
            key=lambda c: (-c["weighted_shortfall"], c["team"].name, c["team"].pk),
        ),
        "teams": [{"team": teams[t], "coverage": float(coverage[t])} for t in team_ids],
        "worst_gaps": gap_records(gaps, teams, lookup),
        "single_points": by_weight(gap_records(single_points, teams, lookup)),
    }


def department_overview_for_reader(overview: dict[str, Any], *, sees_individuals: bool) -> dict[str, Any]:
    """``overview`` as a reader may see it: unchanged for one who may see the department's people
    individually; otherwise (a member of the department itself) only figures of groups the privacy
    threshold allows (competencies.privacy_threshold): the roll-up if the department holds enough people,
    each team below if it does and its siblings do not give a hidden one away; no gap lists, which name
    people, and no figures of teams further down."""
    if sees_individuals:
        return overview
    total_shown = shown(overview["figures"]["members"])
    sizes: dict[Any, int] = {child["team"].pk: child["members"] for child in overview["children"]}
    sizes["own"] = overview["own_members"]
    hidden = hidden_siblings(sizes, parent_shown=total_shown)
    children = [
        child | {"hidden": True, "coverage": None, "members": None, "weighted_shortfall": None}
        if child["team"].pk in hidden
        else child | {"hidden": False}
        for child in overview["children"]
    ]
    return overview | {
        "coverage": overview["coverage"] if total_shown else None,
        "figures": overview["figures"] if total_shown else None,
        # Ranked by name: the order by shortfall would tell a hidden team's figures apart.
        "children": sorted(children, key=lambda c: (c["team"].name, c["team"].pk)),
        "suppressed": not total_shown or bool(hidden),
        "teams": [],
        "worst_gaps": [],
        "single_points": [],
    }
