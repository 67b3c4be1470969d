"""Figures for the home page's organisation tree: every team with its own figures and, for departments,
the roll-up over their subtree (SPEC.md), from one pass of the gap engine."""

from . import analysis, caching
from .models import Team
from .selectors import organisation_analysis
from .tree import TeamTree

FIGURES = ("lost", "needed", "requirements", "gaps", "single_points")
NO_FIGURES = (0,) * len(FIGURES)


def _figures(sums, members, team_ids):
    """Coverage, distinct members, requirements, gaps and single points over ``team_ids`` together."""
    per_team = [sums.get(team_id, NO_FIGURES) for team_id in team_ids]
    lost, needed, requirements, gaps, single_points = (sum(column) for column in zip(*per_team, strict=True))
    return {
        "coverage": 1.0 if needed == 0 else round(1.0 - lost / needed, 4),
        "members": len(set().union(*(members.get(t, ()) for t in team_ids))),
        "requirements": int(requirements),
        "gaps": int(gaps),
        "single_points": int(single_points),
    }


def organisation_tree(*, on, with_key=False):
    """Depth-first rows (team, depth, is_department, own figures, subtree figures), siblings by name.

    ``subtree`` is None for teams without children; for a department it rolls up all requirements and
    members of the department and the teams below it. Five queries whatever the size, none while the
    organisation's data is unchanged (teams.caching). ``with_key``: (rows, key), as ``caching.cached``."""
    return caching.cached(
        "organisation-tree", (on.isoformat(),), [caching.ALL], lambda: _tree(on), with_key=with_key
    )


def _tree(on):
    teams = list(Team.objects.only("id", "name", "parent_id").order_by("name"))
    tree = TeamTree((team.pk, team.parent_id) for team in teams)
    by_id = {team.pk: team for team in teams}
    data = organisation_analysis(on=on)
    table = data.table
    # Per team once; a department's figures add up its subtree's.
    sums = (
        table.assign(
            lost=table["weight"] * table["shortfall"],
            needed=table["weight"] * table["min_people"],
            requirements=1,
            gaps=(table["status"] == analysis.STATUS_GAP).astype("int64"),
            single_points=(table["status"] == analysis.STATUS_SINGLE_POINT).astype("int64"),
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
            "own": _figures(sums, members, [team_id]),
            "subtree": _figures(sums, members, tree.subtree(team_id)) if tree.has_children(team_id) else None,
        }
        for team_id, depth in tree.depth_first()
    ]
