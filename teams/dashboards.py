"""Figures for the home page's organisation tree: every team with its own figures and, for departments,
the roll-up over their subtree (SPEC.md), from one pass of the gap engine."""

from . import analysis
from .models import Team
from .selectors import analysis_input, subtree_ids


def _figures(table, memberships, team_ids):
    """Coverage, distinct members, requirements, gaps and single points over ``team_ids`` together."""
    rows = table[table["team_id"].isin(team_ids)]
    members = memberships.loc[memberships["team_id"].isin(team_ids), "employee_id"]
    return {
        "coverage": round(analysis.rollup_coverage(table, {0: team_ids})[0], 4),
        "members": int(members.nunique()),
        "requirements": len(rows),
        "gaps": int((rows["status"] == analysis.STATUS_GAP).sum()),
        "single_points": int((rows["status"] == analysis.STATUS_SINGLE_POINT).sum()),
    }


def organisation_tree(*, on):
    """Depth-first rows (team, depth, is_department, own figures, subtree figures), siblings by name.

    ``subtree`` is None for teams without children; for a department it rolls up all requirements and
    members of the department and the teams below it. Five queries whatever the size."""
    teams = list(Team.objects.only("id", "name", "parent_id").order_by("name"))
    known = {team.pk for team in teams}
    tree = {}
    for team in teams:
        parent = team.parent_id if team.parent_id in known else None
        tree.setdefault(parent, []).append(team)
    ids_tree = {parent: [child.pk for child in children] for parent, children in tree.items()}
    data = analysis_input(on=on)
    table = analysis.requirement_table(data)
    rows = []
    stack = [(team, 0) for team in reversed(tree.get(None, []))]
    while stack:
        team, depth = stack.pop()
        children = tree.get(team.pk, [])
        rows.append(
            {
                "team": team,
                "depth": depth,
                "is_department": bool(children),
                "own": _figures(table, data.memberships, [team.pk]),
                "subtree": _figures(table, data.memberships, subtree_ids(team.pk, ids_tree))
                if children
                else None,
            }
        )
        stack.extend((child, depth + 1) for child in reversed(children))
    return rows
