"""SPEC.md's gap-analysis JSON, built from the engine's output. Used by the API, the CLI and pages."""

import datetime
from collections.abc import Iterable
from typing import Any

import pandas as pd

from competencies.models import Competency, Employee

from ..models import Team
from ..tree import TeamTree
from . import cache, engine
from .inputs import NAMES_LOOKED_UP, analysis_input
from .records import requirement_records


def _round(value: Any) -> float:
    return round(float(value), 4)


def _fit(value: Any) -> float | None:
    """A member's role fit for JSON: None (``null``) without a role profile."""
    return None if pd.isna(value) else _round(value)


def gap_reports(*, teams: Iterable[Team], on: datetime.date) -> list[dict[str, Any]]:
    """SPEC.md's gap-analysis object for each team in ``teams`` (ordered by id), on date ``on``."""
    teams = sorted(teams, key=lambda t: t.pk)
    if not teams:
        return []
    team_ids = [t.pk for t in teams]
    # A department's coverage rolls up every requirement of its subtree (SPEC.md), each evaluated
    # with its own team's members; for a team without children that is its own coverage.
    tree = TeamTree.load()
    subtrees = {team_id: tree.subtree(team_id) for team_id in team_ids}
    analysed = set().union(*subtrees.values())
    # Every team (``gap_report --all``): read everything rather than send every id to the database.
    everyone = analysed >= set(tree.team_ids())
    data = analysis_input(on=on, team_ids=None if everyone else sorted(analysed))
    table = engine.requirement_table(data)
    coverage = engine.rollup_coverage(table, subtrees)
    own_coverage = engine.coverage_by_team(table, team_ids)
    requested = data.memberships[data.memberships["team_id"].isin(team_ids)]
    member_ids = sorted(set(requested["employee_id"].tolist()))
    gaps, fit = engine.member_role_fit(data, member_ids)
    competency_names = dict(
        Competency.objects.filter(pk__in=set(table["competency_id"].tolist())).values_list("id", "name")
    )
    named = Employee.objects.values_list("id", "personnel_no", "name")
    if len(member_ids) <= NAMES_LOOKED_UP:
        named = named.filter(pk__in=member_ids)
    people = {pk: (personnel_no, name) for pk, personnel_no, name in named}
    gaps_by_member: dict[int, list[dict[str, int]]] = {}
    for row in gaps.itertuples(index=False):
        gaps_by_member.setdefault(int(row.employee_id), []).append(
            {
                "competency": int(row.competency_id),
                "target": int(row.target),
                "level": int(row.level),
                "gap": int(row.gap),
            }
        )
    requirement_rows: dict[int, list[dict[str, Any]]] = {}
    records = requirement_records(
        table, head=lambda _team_id, c: {"competency": {"id": c, "name": competency_names[c]}}
    )
    for team_id, record in zip(table["team_id"].tolist(), records, strict=True):
        requirement_rows.setdefault(team_id, []).append(record)
    reports = []
    for team in teams:
        members = engine.team_members(data, team.pk)
        report = {
            "team": {"id": team.pk, "name": team.name},
            "date": on.isoformat(),
            "coverage": _round(coverage[team.pk]),
            "requirements": requirement_rows.get(team.pk, []),
            "members": [
                {
                    "employee": {
                        "id": member,
                        "personnel_no": people[member][0],
                        "name": people[member][1],
                    },
                    "role_fit": _fit(fit[member]),
                    "gaps": gaps_by_member.get(member, []),
                }
                for member in members
            ],
        }
        if len(subtrees[team.pk]) > 1:
            # Extra keys for a department: its own requirements' coverage and the teams rolled up.
            report["own_coverage"] = _round(own_coverage[team.pk])
            report["subtree_teams"] = [t for t in subtrees[team.pk] if t != team.pk]
        reports.append(report)
    return reports


def gap_report(*, team: Team, on: datetime.date) -> dict[str, Any]:
    """One team's object, cached until the team's data changes (teams.gaps.cache)."""
    return cache.cached(
        "gap",
        (team.pk, on.isoformat()),
        [cache.CATALOGUE, cache.team(team.pk)],
        lambda: gap_reports(teams=[team], on=on)[0],
    )


def team_summaries(*, teams: Iterable[Team], on: datetime.date) -> list[dict[str, Any]]:
    """Per team (ordered by id): its coverage (a department's rolls up its subtree, as SPEC.md says every
    page shows it), the coverage of its own requirements, member count and counts of its own gaps and
    single points; from each team's cached gap-analysis object."""
    summaries = []
    for team in sorted(teams, key=lambda t: t.pk):
        report = gap_report(team=team, on=on)
        statuses = [row["status"] for row in report["requirements"]]
        summaries.append(
            {
                "team": team,
                "coverage": report["coverage"],
                "own_coverage": report.get("own_coverage", report["coverage"]),
                "is_department": "subtree_teams" in report,
                "members": len(report["members"]),
                "requirements": len(statuses),
                "gaps": statuses.count(engine.STATUS_GAP),
                "single_points": statuses.count(engine.STATUS_SINGLE_POINT),
            }
        )
    return summaries
