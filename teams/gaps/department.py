"""A department's page: the roll-up over its subtree, its child teams side by side, the worst gaps first."""

import datetime
from typing import Any

import pandas as pd

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
