"""The organisation: HR's overview (teams × categories, the worst gaps, every single point of knowledge)
and the home page's organisation tree (every team with its own figures and, for departments, the roll-up
over their subtree, SPEC.md), each from one pass of the gap engine."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from competencies.i18n import localized
from competencies.models import Competency

from ..models import Team
from ..tree import TeamTree
from . import cache, engine
from .inputs import organisation_analysis
from .records import by_weight, gap_lookup, gap_records

FIGURES = ("lost", "needed", "requirements", "gaps", "single_points")
NO_FIGURES = (0,) * len(FIGURES)


def _tree_figures(
    sums: Mapping[int, tuple[int, ...]], members: Mapping[int, set[int]], team_ids: Iterable[int]
) -> dict[str, Any]:
    """Coverage, distinct members, requirements, gaps and single points over ``team_ids`` together."""
    per_team = [sums.get(team_id, NO_FIGURES) for team_id in team_ids]
    lost, needed, requirements, gaps, single_points = (sum(column) for column in zip(*per_team, strict=True))
    return {
        "coverage": round(engine.coverage(lost, needed), 4),
        "members": len(set().union(*(members.get(t, ()) for t in team_ids))),
        "requirements": int(requirements),
        "gaps": int(gaps),
        "single_points": int(single_points),
    }


def organisation_tree(*, on: datetime.date, with_key: bool = False) -> Any:
    """Depth-first rows (team, depth, is_department, own figures, subtree figures), siblings by name.

    ``subtree`` is None for teams without children; for a department it rolls up all requirements and
    members of the department and the teams below it. Five queries whatever the size, none while the
    organisation's data is unchanged (teams.gaps.cache). ``with_key``: (rows, key), as ``cache.cached``."""
    return cache.cached(
        "organisation-tree", (on.isoformat(),), [cache.ALL], lambda: _tree(on), with_key=with_key
    )


def _tree(on: datetime.date) -> list[dict[str, Any]]:
    teams = list(Team.objects.only("id", "name", "parent_id").order_by("name"))
    tree = TeamTree((team.pk, team.parent_id) for team in teams)
    by_id = {team.pk: team for team in teams}
    data = organisation_analysis(on=on)
    table = data.table
    # Per team once; a department's figures add up its subtree's.
    sums = (
        engine.weighted(table)
        .assign(
            requirements=1,
            gaps=(table["status"] == engine.STATUS_GAP).astype("int64"),
            single_points=(table["status"] == engine.STATUS_SINGLE_POINT).astype("int64"),
        )
        .groupby("team_id")[list(FIGURES)]
        .sum()
    )
    sums = {int(team_id): tuple(int(v) for v in values) for team_id, *values in sums.itertuples()}
    members = {
        int(team_id): set(group.tolist())
        for team_id, group in data.memberships.groupby("team_id")["employee_id"]
    }
    return [
        {
            "team": by_id[team_id],
            "depth": depth,
            "is_department": tree.has_children(team_id),
            "own": _tree_figures(sums, members, [team_id]),
            "subtree": _tree_figures(sums, members, tree.subtree(team_id))
            if tree.has_children(team_id)
            else None,
        }
        for team_id, depth in tree.depth_first()
    ]


def _tree_order(teams: Mapping[int, Team]) -> list[int]:
    """Team ids depth first from the roots, siblings by name."""
    ordered = sorted(teams.values(), key=lambda t: (t.name, t.pk))
    return [team_id for team_id, _depth in TeamTree((t.pk, t.parent_id) for t in ordered).depth_first()]


def organisation_overview(*, on: datetime.date, with_key: bool = False) -> Any:
    """HR's view: teams × categories coverage, the most critical gaps, every single point of knowledge.

    Seven queries whatever the size of the organisation, none while its data is unchanged (teams.gaps.cache).
    ``with_key``: (overview, key), as ``cache.cached``."""
    return cache.cached(
        "organisation",
        (on.isoformat(),),
        [cache.ALL],
        lambda: _organisation_overview(on),
        with_key=with_key,
    )


def _organisation_overview(on: datetime.date) -> dict[str, Any]:
    table = organisation_analysis(on=on).table
    competency_rows = list(
        Competency.objects.order_by().values_list(
            "id", "category_id", localized("category__name"), "category__position"
        )
    )
    competency_category = {pk: category for pk, category, _name, _position in competency_rows}
    by_category = engine.category_coverage(table, competency_category)
    categories = {category: (position, name) for _pk, category, name, position in competency_rows}
    teams = {t.pk: t for t in Team.objects.only("id", "name", "parent_id")}
    rank = {team_id: i for i, team_id in enumerate(_tree_order(teams))}
    team_ids = sorted(set(by_category["team_id"].tolist()), key=rank.__getitem__)
    category_ids = sorted(set(by_category["category_id"].tolist()), key=lambda c: (*categories[c], c))
    grid = {(int(r.team_id), int(r.category_id)): float(r.coverage) for r in by_category.itertuples()}
    coverage = engine.coverage_by_team(table, list(teams))
    gaps = engine.worst_gaps(table)
    single_points = table[table["status"] == engine.STATUS_SINGLE_POINT]
    lookup = gap_lookup(pd.concat([gaps, single_points]))
    return {
        "on": on,
        "heatmap": {
            "teams": [teams[t].name for t in team_ids],
            "categories": [categories[c][1] for c in category_ids],
            "values": [[grid.get((t, c)) for c in category_ids] for t in team_ids],
        },
        "teams": [
            {"team": teams[t], "coverage": float(coverage[t])} for t in sorted(teams, key=rank.__getitem__)
        ],
        "worst_gaps": gap_records(gaps, teams, lookup),
        "single_points": by_weight(gap_records(single_points, teams, lookup)),
    }
