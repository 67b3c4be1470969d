"""The records pages show of the engine's requirement rows: names in, ids out, never DataFrames."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from competencies.i18n import localized
from competencies.models import Competency, Employee

from . import engine
from .inputs import NAMES_LOOKED_UP


def group_figures(table: pd.DataFrame, memberships: pd.DataFrame, team_ids: Iterable[int]) -> dict[str, int]:
    """Members, requirements, gaps and single points over ``team_ids`` together."""
    rows = table[table["team_id"].isin(team_ids)]
    members = memberships.loc[memberships["team_id"].isin(team_ids), "employee_id"]
    return {
        "members": int(members.nunique()),
        "requirements": len(rows),
        "gaps": int((rows["status"] == engine.STATUS_GAP).sum()),
        "single_points": int((rows["status"] == engine.STATUS_SINGLE_POINT).sum()),
    }


def by_weight(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most important first, then by team and competency name."""
    return sorted(records, key=lambda r: (-r["weight"], r["team"].name, r["competency"], r["competency_id"]))


def gap_lookup(rows: pd.DataFrame) -> dict[str, dict[int, Any]]:
    """Names and categories of the competencies in ``rows`` and names of their (near-)holders."""
    competencies = {
        pk: {"name": name, "category_id": category_id, "category": category}
        for pk, name, category_id, category in Competency.objects.filter(
            pk__in=set(rows["competency_id"].tolist())
        ).values_list("id", "name", "category_id", localized("category__name"))
    }
    people_ids = {int(e) for column in ("holders", "near_holders") for ids in rows[column] for e in ids}
    people = Employee.objects.values_list("id", "name")
    if len(people_ids) <= NAMES_LOOKED_UP:
        people = people.filter(pk__in=people_ids)
    return {"competencies": competencies, "people": dict(people)}


def gap_records(
    rows: pd.DataFrame, teams: Mapping[int, Any], lookup: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Requirement records of ``rows`` across teams (the department and organisation pages): with the
    team, the competency's name and category, and holder names from ``gap_lookup``."""
    competencies, people = lookup["competencies"], lookup["people"]
    return requirement_records(
        rows,
        head=lambda team_id, competency_id: {
            "team": teams[team_id],
            "competency_id": competency_id,
            **_named(competencies[competency_id]),
        },
        person=people.__getitem__,
    )


def _named(competency: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "competency": competency["name"],
        "category_id": competency["category_id"],
        "category": competency["category"],
    }


# The engine's columns a requirement record is made of, in the order ``requirement_records`` reads them.
RECORD_COLUMNS = (
    "team_id", "competency_id", "required_level", "min_people", "weight", "covered", "shortfall", "status",
    "holders", "near_holders",
)  # fmt: skip


def requirement_records(
    table: pd.DataFrame,
    *,
    head: Callable[[int, int], dict[str, Any]],
    person: Callable[[int], Any] = int,
) -> list[dict[str, Any]]:
    """The one requirement record of each engine row (pages and the JSON report): ``head(team_id,
    competency_id)``'s keys, then SPEC.md's figures, holders and near-holders each as ``person(id)``.
    Read column-wise: a row-wise pass over every team's requirements costs more than the engine."""
    columns = [table[column].tolist() for column in RECORD_COLUMNS]
    return [
        {
            **head(int(team), int(competency)),
            "required_level": int(level),
            "min_people": int(k),
            "weight": int(w),
            "covered": int(covered),
            "shortfall": int(short),
            "status": str(status),
            "holders": [person(int(e)) for e in holders],
            "near_holders": [person(int(e)) for e in near],
        }
        for team, competency, level, k, w, covered, short, status, holders, near in zip(*columns, strict=True)
    ]


def requirement_matches(
    record: Mapping[str, Any], *, category_id: int | None = None, min_weight: int | None = None
) -> bool:
    """True when a requirement record (or heatmap column) passes the category and weight filters."""
    if category_id is not None and record["category_id"] != category_id:
        return False
    return min_weight is None or record["weight"] >= min_weight


def categories_of(records: Iterable[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """(id, name) of the categories that ``records`` touch, by name."""
    found = {r["category_id"]: r["category"] for r in records}
    return sorted(found.items(), key=lambda item: (item[1], item[0]))
