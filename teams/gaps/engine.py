"""The gap analysis of SPEC.md as pure computation: DataFrames in, DataFrames and dicts out.

No ORM and no request here; ``teams.gaps.inputs.analysis_input`` feeds it, and pages, API, CLI and jobs
all call the functions below. Inputs:

- ``levels``: employee_id, competency_id, level, confirmed — effective levels on the date (pairs that
  are absent count as 0, *unassessed*);
- ``memberships``: team_id, employee_id — memberships active on the date;
- ``requirements``: team_id, competency_id, required_level, min_people, weight;
- ``role_targets``: employee_id, competency_id, target;
- ``without_role_profile``: ids of the people known to have no role profile (their role fit is
  undefined: NaN, ``null`` in JSON; everyone else without targets fits 1.0).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

LEVEL_COLUMNS = ["employee_id", "competency_id", "level", "confirmed"]
MEMBERSHIP_COLUMNS = ["team_id", "employee_id"]
REQUIREMENT_COLUMNS = ["team_id", "competency_id", "required_level", "min_people", "weight"]
ROLE_TARGET_COLUMNS = ["employee_id", "competency_id", "target"]

STATUS_GAP = "gap"
STATUS_SINGLE_POINT = "single_point"
STATUS_OK = "ok"


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="int64") for column in columns})


@dataclass(frozen=True)
class AnalysisInput:
    levels: pd.DataFrame
    memberships: pd.DataFrame
    requirements: pd.DataFrame
    role_targets: pd.DataFrame
    without_role_profile: frozenset[int] = frozenset()

    def counting(self, *, count_unconfirmed: bool) -> "AnalysisInput":
        """The same input with unconfirmed (self) levels dropped when they must not count."""
        if count_unconfirmed or self.levels.empty:
            return self
        return replace(self, levels=self.levels[self.levels["confirmed"].astype(bool)])


def _levels_of(pairs: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` (with employee_id, competency_id) with their effective ``level``, missing → 0."""
    merged = pairs.reset_index(drop=True)
    merged["level"] = _pair_levels(
        merged["employee_id"].to_numpy(dtype="int64"), merged["competency_id"].to_numpy(dtype="int64"), levels
    )
    return merged


def requirement_table(data: AnalysisInput) -> pd.DataFrame:
    """One row per (team, requirement): covered, shortfall, status, holders, near_holders.

    Holders and near-holders are sorted lists of employee ids. Computed on numpy arrays: each requirement
    meets its team's members in one vectorised pass, levels are looked up in a dense members ×
    competencies matrix (the pandas merges and grouped lists this replaces took 20 ms for one team)."""
    requirements = data.requirements
    if requirements.empty:
        frame = requirements.copy()
        for column in ("covered", "shortfall"):
            frame[column] = pd.Series(dtype="int64")
        frame["status"] = pd.Series(dtype="object")
        frame["holders"] = pd.Series(dtype="object")
        frame["near_holders"] = pd.Series(dtype="object")
        return frame
    table = requirements.sort_values(["team_id", "competency_id"], kind="stable").reset_index(drop=True)
    teams = table["team_id"].to_numpy(dtype="int64")
    required = table["required_level"].to_numpy(dtype="int64")
    # Members by team, then employee: each requirement's pairs come out sorted by employee id.
    members = data.memberships[["team_id", "employee_id"]].drop_duplicates().to_numpy(dtype="int64")
    members = members[np.lexsort((members[:, 1], members[:, 0]))] if len(members) else members.reshape(0, 2)
    first = np.searchsorted(members[:, 0], teams, side="left")
    counts = np.searchsorted(members[:, 0], teams, side="right") - first
    requirement_of_pair = np.repeat(np.arange(len(table)), counts)
    offsets = np.arange(len(requirement_of_pair)) - np.repeat(np.cumsum(counts) - counts, counts)
    employees = members[np.repeat(first, counts) + offsets, 1]
    levels = _pair_levels(
        employees, table["competency_id"].to_numpy(dtype="int64")[requirement_of_pair], data.levels
    )
    needed = required[requirement_of_pair]
    held = levels >= needed
    near = levels == needed - 1
    covered = np.bincount(requirement_of_pair[held], minlength=len(table))
    near_counts = np.bincount(requirement_of_pair[near], minlength=len(table))
    table["holders"] = _split(employees[held], covered)
    table["near_holders"] = _split(employees[near], near_counts)
    table["covered"] = covered.astype("int64")
    table["shortfall"] = (table["min_people"] - table["covered"]).clip(lower=0).astype("int64")
    table["status"] = np.select(
        [table["covered"] < table["min_people"], table["covered"] == 1],
        [STATUS_GAP, STATUS_SINGLE_POINT],
        default=STATUS_OK,
    )
    return table


def _pair_levels(employees: np.ndarray, competencies: np.ndarray, levels: pd.DataFrame) -> np.ndarray:
    """The effective level of each (employees[i], competencies[i]) pair, 0 where none is given."""
    if not len(employees) or levels.empty:
        return np.zeros(len(employees), dtype="int64")
    people = np.unique(employees)
    topics = np.unique(competencies)
    level_people = levels["employee_id"].to_numpy(dtype="int64")
    level_topics = levels["competency_id"].to_numpy(dtype="int64")
    row = np.minimum(np.searchsorted(people, level_people), len(people) - 1)
    column = np.minimum(np.searchsorted(topics, level_topics), len(topics) - 1)
    relevant = (people[row] == level_people) & (topics[column] == level_topics)
    matrix = np.zeros((len(people), len(topics)), dtype="int16")  # levels are small numbers
    matrix[row[relevant], column[relevant]] = levels["level"].to_numpy(dtype="int64")[relevant]
    return matrix[np.searchsorted(people, employees), np.searchsorted(topics, competencies)].astype("int64")


def _split(ids: np.ndarray, counts: np.ndarray) -> list[list[int]]:
    """``ids`` cut into consecutive lists of ``counts`` ids each (as Python ints)."""
    values, ends = ids.tolist(), np.cumsum(counts).tolist()
    return [values[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def coverage(lost: Any, needed: Any) -> Any:
    """SPEC.md's coverage 1 - Σ w·shortfall / Σ w·k from its two sums (``weighted``), 1.0 where nothing is
    needed. The one place the formula is written; scalars or aligned Series."""
    if isinstance(needed, pd.Series):
        return (1.0 - lost / needed.where(needed != 0)).where(needed != 0, 1.0)
    return 1.0 if not needed else float(1.0 - lost / needed)


def weighted(table: pd.DataFrame) -> pd.DataFrame:
    """The requirement table with ``lost`` (w·shortfall) and ``needed`` (w·k), the sums ``coverage`` takes."""
    return table.assign(
        lost=table["weight"] * table["shortfall"], needed=table["weight"] * table["min_people"]
    )


def coverage_by_team(table: pd.DataFrame, team_ids: Iterable[int]) -> pd.Series:
    """Series team_id → coverage of the team's requirements (1.0 for a team without requirements)."""
    sums = weighted(table).groupby("team_id")[["lost", "needed"]].sum()
    return coverage(sums["lost"], sums["needed"]).reindex(
        pd.Index(sorted(team_ids), name="team_id"), fill_value=1.0
    )


def rollup_coverage(table: pd.DataFrame, subtrees: Mapping[int, Iterable[int]]) -> dict[int, float]:
    """Coverage over all requirements of each department's subtree: ``subtrees`` maps id → team ids."""
    sums = weighted(table).groupby("team_id")[["lost", "needed"]].sum()
    result = {}
    for department_id, team_ids in subtrees.items():
        part = sums.reindex(list(team_ids)).fillna(0)
        result[department_id] = coverage(part["lost"].sum(), part["needed"].sum())
    return result


def member_role_fit(data: AnalysisInput, employee_ids: Iterable[int]) -> tuple[pd.DataFrame, pd.Series]:
    """Per employee: role gaps (competency, target, level, gap) and role fit.

    Returns a DataFrame of gap rows and a Series employee_id → role_fit (1.0 without role targets, NaN
    for the people ``data.without_role_profile`` names)."""
    targets = data.role_targets[data.role_targets["employee_id"].isin(employee_ids)]
    targets = _levels_of(targets, data.levels)
    targets["gap"] = (targets["target"] - targets["level"]).clip(lower=0)
    sums = targets.groupby("employee_id")[["gap", "target"]].sum()
    fit = (1.0 - sums["gap"] / sums["target"]).reindex(sorted(set(employee_ids)), fill_value=1.0)
    fit[fit.index.isin(list(data.without_role_profile))] = np.nan
    gaps = targets[targets["gap"] > 0].sort_values(["employee_id", "competency_id"])
    return gaps.reset_index(drop=True), fit


def team_members(data: AnalysisInput, team_id: int) -> list[int]:
    """Sorted ids of the team's active members."""
    members = data.memberships.loc[data.memberships["team_id"] == team_id, "employee_id"]
    return sorted(set(int(e) for e in members))


def what_if(
    data: AnalysisInput,
    *,
    team_id: int,
    join: Iterable[int] = (),
    leave: Iterable[int] = (),
    raise_levels: Iterable[tuple[int, int, int]] = (),
) -> AnalysisInput:
    """The same input with hypothetical changes; nothing is written anywhere.

    ``join``/``leave`` are employee ids entering or leaving ``team_id``; ``raise_levels`` holds
    (employee_id, competency_id, level) triples that replace the effective level."""
    memberships = data.memberships
    if leave:
        memberships = memberships[
            ~((memberships["team_id"] == team_id) & memberships["employee_id"].isin(list(leave)))
        ]
    if join:
        joined = pd.DataFrame({"team_id": team_id, "employee_id": list(join)}, dtype="int64")
        memberships = pd.concat([memberships, joined], ignore_index=True).drop_duplicates(
            ["team_id", "employee_id"]
        )
    levels = data.levels
    if raise_levels:
        changes = pd.DataFrame(list(raise_levels), columns=["employee_id", "competency_id", "level"])
        levels = what_if_levels(levels, changes.astype("int64"))
    return replace(data, memberships=memberships, levels=levels)


def staffing_hints(
    data: AnalysisInput,
    table: pd.DataFrame,
    *,
    team_id: int,
    competency_id: int,
    required_level: int,
    candidate_ids: Iterable[int],
) -> list[dict[str, Any]]:
    """People outside the team holding the level, ranked by how little their own teams' coverage
    would drop without them (then by id). Returns records: employee_id, level, coverage_drop."""
    outside = sorted(set(candidate_ids) - set(team_members(data, team_id)))
    if not outside:
        return []
    pairs = pd.DataFrame({"employee_id": outside, "competency_id": competency_id}, dtype="int64")
    pairs = _levels_of(pairs, data.levels)
    pairs = pairs[pairs["level"] >= required_level]
    if pairs.empty:
        return []
    drop = coverage_drop_without(table, pairs["employee_id"].tolist())
    pairs["coverage_drop"] = pairs["employee_id"].map(drop).fillna(0.0)
    pairs = pairs.sort_values(["coverage_drop", "employee_id"], kind="stable")
    return [
        {
            "employee_id": int(r.employee_id),
            "level": int(r.level),
            "coverage_drop": float(r.coverage_drop),
        }
        for r in pairs.itertuples(index=False)
    ]


def holders_by_level(data: AnalysisInput, *, competency_id: int, excluded: Iterable[int]) -> dict[int, int]:
    """level L → how many people with an active membership (and not in ``excluded``) hold
    ``competency_id`` at L or higher, for every L from 1 to the highest level held. Counts only: the
    staffing hint for readers who may not see these people (the privacy threshold decides which to show)."""
    members = set(data.memberships["employee_id"].tolist()) - set(excluded)
    levels = data.levels
    held = levels.loc[
        (levels["competency_id"] == competency_id) & levels["employee_id"].isin(list(members)), "level"
    ]
    held = held[held > 0]
    if held.empty:
        return {}
    top = int(held.max())
    return {level: int((held >= level).sum()) for level in range(1, top + 1)}


def coverage_drop_without(table: pd.DataFrame, employee_ids: Iterable[int]) -> dict[int, float]:
    """employee_id → summed loss of coverage over the teams they belong to, if they left them.

    Removing a holder raises a requirement's shortfall by one exactly when covered <= min_people."""
    if table.empty:
        return {}
    wanted = set(employee_ids)
    held = table[["team_id", "weight", "min_people", "covered", "holders"]].explode("holders")
    held = held[held["holders"].isin(wanted)]
    needed = weighted(table).groupby("team_id")["needed"].sum()
    held = held[held["covered"] <= held["min_people"]]
    if held.empty:
        return {}
    loss = held["weight"] / held["team_id"].map(needed)
    return loss.groupby(held["holders"].astype("int64")).sum().to_dict()


def apply_projected_levels(
    levels: pd.DataFrame, projected: pd.DataFrame | None, *, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Levels raised to planned targets: ``projected`` rows (employee_id, competency_id, level) replace
    a lower effective level; a higher one stays; of several targets for one pair the highest counts.
    ``by`` names further key columns both frames carry (``on`` for levels over several dates). The one
    projection of agreed plans, for forecasts and exports."""
    if projected is None or projected.empty:
        return levels
    keys = [*by, "employee_id", "competency_id"]
    projected = projected.groupby(keys, as_index=False)["level"].max()
    merged = projected.merge(levels[[*keys, "level"]], on=keys, how="left", suffixes=("", "_now"))
    raised = merged[merged["level"] > merged["level_now"].fillna(0)]
    if raised.empty:
        return levels
    return what_if_levels(levels, raised[[*keys, "level"]], by=by)


def what_if_levels(levels: pd.DataFrame, changes: pd.DataFrame, *, by: Sequence[str] = ()) -> pd.DataFrame:
    """``levels`` with the (employee_id, competency_id) pairs of ``changes`` replaced by its levels (per
    value of the ``by`` columns, if any)."""
    changes = changes.assign(confirmed=True)
    pairs = [*by, "employee_id", "competency_id"]
    keys = pd.MultiIndex.from_frame(changes[pairs])
    kept = ~pd.MultiIndex.from_frame(levels[pairs]).isin(keys)
    columns = [c for c in levels.columns if c in changes.columns]
    return pd.concat([levels.loc[kept, columns], changes[columns]], ignore_index=True).astype(
        {"employee_id": "int64", "competency_id": "int64", "level": "int64", "confirmed": "bool"}
    )


# Dates are stacked into one engine run by offsetting ids: one vectorised pass instead of one per date.
_DATE_STRIDE = 2**32


def coverage_over_dates(
    *,
    dates: Iterable[Any],
    levels_at: pd.DataFrame,
    memberships_at: pd.DataFrame,
    requirements: pd.DataFrame,
    team_ids: Iterable[int],
) -> pd.DataFrame:
    """Coverage per (date, team): ``levels_at``/``memberships_at`` carry an ``on`` column; the
    requirements are the same on every date. Returns a DataFrame indexed by date, one column per team."""
    dates = sorted(set(dates))
    position = {d: i for i, d in enumerate(dates)}

    def offset(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        stacked = frame.copy()
        base = stacked["on"].map(position).astype("int64") * _DATE_STRIDE
        for column in columns:
            stacked[column] = stacked[column].astype("int64") + base
        return stacked.drop(columns="on")

    stacked_requirements = pd.concat(
        [requirements.assign(team_id=requirements["team_id"] + i * _DATE_STRIDE) for i in range(len(dates))],
        ignore_index=True,
    )
    data = AnalysisInput(
        levels=offset(levels_at, "employee_id"),
        memberships=offset(memberships_at, "team_id", "employee_id"),
        requirements=stacked_requirements,
        role_targets=empty_frame(ROLE_TARGET_COLUMNS),
    )
    table = requirement_table(data)
    stacked_ids = [i * _DATE_STRIDE + t for i in range(len(dates)) for t in team_ids]
    coverage = coverage_by_team(table, stacked_ids)
    result = pd.DataFrame(
        {
            "on": [dates[int(k) // _DATE_STRIDE] for k in coverage.index],
            "team_id": [int(k) % _DATE_STRIDE for k in coverage.index],
            "coverage": coverage.to_numpy(),
        }
    )
    return result.pivot_table(index="on", columns="team_id", values="coverage", aggfunc="first")


def category_coverage(table: pd.DataFrame, competency_category: Mapping[int, int]) -> pd.DataFrame:
    """Coverage per (team, category): ``competency_category`` maps competency_id → category id."""
    if table.empty:
        return pd.DataFrame(columns=["team_id", "category_id", "coverage"])
    frame = weighted(table).assign(category_id=table["competency_id"].map(competency_category))
    sums = frame.groupby(["team_id", "category_id"], as_index=False)[["lost", "needed"]].sum()
    sums["coverage"] = coverage(sums["lost"], sums["needed"])
    return sums[["team_id", "category_id", "coverage"]]


def worst_gaps(table: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """Gap rows, the most damaging first (weight × shortfall, then team and competency id)."""
    gaps = table[table["status"] == STATUS_GAP].assign(severity=lambda f: f["weight"] * f["shortfall"])
    gaps = gaps.sort_values(
        ["severity", "team_id", "competency_id"], ascending=[False, True, True], kind="stable"
    )
    return gaps if limit is None else gaps.head(limit)
