"""Technical systems, installed base, demand and duty as gap engine inputs (docs/service-operations.md).

Pure computation like ``engine``: frames in, frames out, no ORM. Inputs besides ``engine.AnalysisInput``:

- ``needs``: system_id, competency_id, required_level — what each system asks of whoever serves it
  (already including what its ancestors need; see ``needs_with_ancestors``);
- ``installed``: team_id, system_id, on, units — counts of units in the field by date;
- ``systems``: system_id, launch_date, end_of_life — dates may be None / NaT;
- ``system_work``/``tag_work``: ticket sums per (team, system) and per (team, system, tagged competency,
  level) — jobs, hours, outside (see ``ticket_work``);
- ``absent``/``on_duty``: employee_id, start, end — inclusive date ranges.
"""

import datetime
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import engine

NEED_COLUMNS = ["system_id", "competency_id", "required_level"]
INSTALLED_COLUMNS = ["team_id", "system_id", "on", "units"]
SYSTEM_COLUMNS = ["system_id", "launch_date", "end_of_life"]
RANGE_COLUMNS = ["employee_id", "start", "end"]

STATUS_UNSERVED = "unserved"
STATUS_SINGLE_SERVER = "single_server"
STATUS_OK = "ok"

# Shares of work outside office hours that make a need more critical (docs/service-operations.md).
OUTSIDE_SECOND_PERSON = 0.05
OUTSIDE_CRITICAL = 0.25
DUTY_DAYS = 56


def needs_with_ancestors(needs: pd.DataFrame, parents: Mapping[int, int | None]) -> pd.DataFrame:
    """Each system's needs plus those of its ancestors, the higher level where both name a competency."""
    own: dict[int, list[tuple[int, int]]] = {int(s): [] for s in parents}
    for row in needs.itertuples(index=False):
        own.setdefault(int(row.system_id), []).append((int(row.competency_id), int(row.required_level)))
    rows: list[tuple[int, int, int]] = []
    for system_id in sorted(own):
        merged: dict[int, int] = {}
        seen = set()
        current: int | None = system_id
        while current is not None and current not in seen:
            seen.add(current)
            for competency_id, level in own.get(current, []):
                merged[competency_id] = max(level, merged.get(competency_id, 0))
            current = parents.get(current)
        rows.extend((system_id, c, lvl) for c, lvl in sorted(merged.items()))
    return pd.DataFrame.from_records(rows, columns=NEED_COLUMNS).astype("int64")


def installed_units(
    installed: pd.DataFrame, systems: pd.DataFrame, *, on: datetime.date, forecast: bool = True
) -> pd.DataFrame:
    """team_id, system_id, units on ``on``: the latest count dated on or before it; with ``forecast``, 0
    from the end of life on and before the launch date."""
    frame = installed[pd.to_datetime(installed["on"]).dt.date <= on]
    if frame.empty:
        return pd.DataFrame({"team_id": [], "system_id": [], "units": []}, dtype="int64")
    frame = frame.sort_values(["team_id", "system_id", "on"], kind="stable")
    latest = frame.groupby(["team_id", "system_id"], as_index=False).last()[["team_id", "system_id", "units"]]
    if forecast and not systems.empty:
        dates = systems.set_index("system_id")
        ends = {int(s): _date(d) for s, d in dates["end_of_life"].items()}
        launches = {int(s): _date(d) for s, d in dates["launch_date"].items()}
        ended = {s for s, d in ends.items() if d is not None and d <= on}
        not_launched = {s for s, d in launches.items() if d is not None and d > on}
        latest.loc[latest["system_id"].isin(ended | not_launched), "units"] = 0
    return latest.astype("int64").reset_index(drop=True)


def _date(value: object) -> datetime.date | None:
    """A date from a frame cell: None, NaT and NaN are no date."""
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    return None


def system_table(
    data: engine.AnalysisInput,
    needs: pd.DataFrame,
    units: pd.DataFrame,
    *,
    team_ids: Iterable[int],
    system_ids: Iterable[int] = (),
) -> pd.DataFrame:
    """One row per (team, system) with units or asked for: servers, served_by, units, units_per_server,
    status. Servers are found by the engine's own requirement table: one requirement per (system, need),
    its holders intersected over the system's needs."""
    team_ids = sorted(set(int(t) for t in team_ids))
    wanted = units[units["team_id"].isin(team_ids)][["team_id", "system_id", "units"]]
    extra = pd.DataFrame(
        [(t, int(s), 0) for t in team_ids for s in system_ids], columns=["team_id", "system_id", "units"]
    )
    pairs = (
        pd.concat([wanted, extra], ignore_index=True)
        .groupby(["team_id", "system_id"], as_index=False)["units"]
        .max()
        .astype("int64")
    )
    members = {t: engine.team_members(data, t) for t in team_ids}
    # Each (team, system) pair becomes a pseudo-team of the engine, each need a requirement of it.
    pair_key = {(int(r.team_id), int(r.system_id)): i for i, r in enumerate(pairs.itertuples(index=False))}
    requirement_rows: list[tuple[int, int, int, int, int]] = []
    membership_rows: list[tuple[int, int]] = []
    need_groups = {int(s): g for s, g in needs.groupby("system_id")} if not needs.empty else {}
    for (team_id, system_id), key in pair_key.items():
        membership_rows.extend((key, e) for e in members[team_id])
        group = need_groups.get(system_id)
        if group is not None:
            requirement_rows.extend(
                (key, int(c), int(lvl), 1, 1)
                for c, lvl in zip(group["competency_id"], group["required_level"], strict=True)
            )
    table = engine.requirement_table(
        engine.AnalysisInput(
            levels=data.levels,
            memberships=pd.DataFrame(membership_rows, columns=engine.MEMBERSHIP_COLUMNS, dtype="int64"),
            requirements=pd.DataFrame(requirement_rows, columns=engine.REQUIREMENT_COLUMNS, dtype="int64"),
            role_targets=engine.empty_frame(engine.ROLE_TARGET_COLUMNS),
        )
    )
    holders_by_key: dict[int, set[int]] = {}
    for key, holders in zip(table["team_id"], table["holders"], strict=True):
        key = int(key)
        holders_by_key[key] = holders_by_key[key] & set(holders) if key in holders_by_key else set(holders)
    servers = []
    for (team_id, _system_id), key in pair_key.items():
        found = holders_by_key.get(key)
        servers.append(sorted(found) if found is not None else list(members[team_id]))
    pairs["servers"] = servers
    pairs["served_by"] = [len(s) for s in servers]
    pairs["units_per_server"] = [
        (u / n if n else math.nan) for u, n in zip(pairs["units"], pairs["served_by"], strict=True)
    ]
    pairs["status"] = np.select(
        [pairs["served_by"] == 0, pairs["served_by"] == 1],
        [STATUS_UNSERVED, STATUS_SINGLE_SERVER],
        default=STATUS_OK,
    )
    return pairs.sort_values(["team_id", "system_id"]).reset_index(drop=True)


def system_risks(table: pd.DataFrame) -> pd.DataFrame:
    """Systems in the field that one or no member can serve, the most units first."""
    risky = table[(table["status"] != STATUS_OK) & (table["units"] > 0)]
    return risky.sort_values(["units", "team_id", "system_id"], ascending=[False, True, True], kind="stable")


WORK_COLUMNS = ["team_id", "system_id", "competency_id", "required_level", "jobs", "hours", "outside"]
SYSTEM_WORK_COLUMNS = ["team_id", "system_id", "jobs", "hours", "outside"]


def ticket_work(system_work: pd.DataFrame, tag_work: pd.DataFrame, needs: pd.DataFrame) -> pd.DataFrame:
    """Work per (team, system, competency, level): jobs, hours, outside (jobs outside office hours).

    ``system_work`` sums the tickets per (team, system); ``tag_work`` per (team, system, competency, tag
    level), each ticket naming a competency at most once. A ticket needs its system's needs and its tags,
    each competency at the higher of the two levels: a tag at or below its system's level adds nothing; a
    tag above it moves the ticket from the system's level to the tag's. Equal to counting ticket by ticket
    (tests/teams/gaps/test_service.py), from sums the database computes."""
    expanded = system_work.merge(needs, on="system_id")[WORK_COLUMNS]
    tags = tag_work.merge(
        needs.rename(columns={"required_level": "system_level"}),
        on=["system_id", "competency_id"],
        how="left",
    )
    known = tags["system_level"].notna()
    raising = tags[known & (tags["required_level"] > tags["system_level"])]
    moved = raising.assign(
        required_level=raising["system_level"].astype("int64"),
        jobs=-raising["jobs"],
        hours=-raising["hours"],
        outside=-raising["outside"],
    )[WORK_COLUMNS]
    added = tags[~known | (tags["required_level"] > tags["system_level"])][WORK_COLUMNS]
    work = pd.concat([expanded, moved, added], ignore_index=True)
    work = work.groupby(WORK_COLUMNS[:4], as_index=False)[["jobs", "hours", "outside"]].sum()
    return work[work["jobs"] > 0].reset_index(drop=True)


def demand_suggestions(
    work: pd.DataFrame,
    requirements: pd.DataFrame,
    *,
    hours_per_person: float,
) -> pd.DataFrame:
    """Suggested team requirements from ticket work (``ticket_work``): team_id, competency_id,
    required_level, min_people, weight, jobs, hours, outside_share, system_id (the system with the most
    jobs, for the sentence) and systems (how many systems the jobs were on). Pairs already met by an
    equal or stricter requirement are dropped; of several levels of a competency the highest is kept."""
    columns = [
        "team_id",
        "competency_id",
        "required_level",
        "min_people",
        "weight",
        "jobs",
        "hours",
        "outside_share",
        "system_id",
        "systems",
    ]
    if work.empty:
        return pd.DataFrame(columns=columns)
    keys = ["team_id", "competency_id", "required_level"]
    grouped = work.groupby(keys, as_index=False).agg(
        jobs=("jobs", "sum"),
        hours=("hours", "sum"),
        outside=("outside", "sum"),
        systems=("system_id", "nunique"),
    )
    grouped["outside_share"] = grouped["outside"] / grouped["jobs"]
    top = (
        work.sort_values([*keys, "jobs", "system_id"], ascending=[True, True, True, False, True])
        .groupby(keys, as_index=False)
        .first()[[*keys, "system_id"]]
    )
    grouped = grouped.merge(top, on=keys, how="left")
    grouped["min_people"] = [
        max(1, math.ceil(h / hours_per_person - 1e-9)) + (1 if share >= OUTSIDE_SECOND_PERSON else 0)
        for h, share in zip(grouped["hours"], grouped["outside_share"], strict=True)
    ]
    grouped["weight"] = [
        3 if s >= OUTSIDE_CRITICAL else 2 if s >= OUTSIDE_SECOND_PERSON else 1
        for s in grouped["outside_share"]
    ]
    if not requirements.empty:
        met = grouped.merge(requirements, on=["team_id", "competency_id"], how="left", suffixes=("", "_have"))
        already = (met["required_level_have"] >= met["required_level"]) & (
            met["min_people_have"] >= met["min_people"]
        )
        grouped = grouped[~already.fillna(False).to_numpy()]
    # Of several levels of one competency, suggest the highest that is not already met.
    grouped = grouped.sort_values(["team_id", "competency_id", "required_level"], kind="stable")
    grouped = grouped.groupby(["team_id", "competency_id"], as_index=False).last()
    return grouped[columns].reset_index(drop=True)


def on_duty_frame(
    members: Iterable[int],
    *,
    days: list[datetime.date],
    absent: pd.DataFrame,
    on_duty: pd.DataFrame | None,
) -> pd.DataFrame:
    """on, employee_id of each member on duty each day: not absent, and — when a roster is given — named
    by one of its entries covering the day."""
    members = sorted(set(int(m) for m in members))
    if not days or not members:
        return pd.DataFrame({"on": [], "employee_id": []})
    index = {d: i for i, d in enumerate(days)}
    position = {m: i for i, m in enumerate(members)}
    present = np.ones((len(days), len(members)), dtype=bool)
    if on_duty is not None:
        present[:] = False
        _mark(present, on_duty, days, index, position, True)
    _mark(present, absent, days, index, position, False)
    day_index, member_index = np.nonzero(present)
    return pd.DataFrame(
        {"on": [days[i] for i in day_index], "employee_id": np.asarray(members, dtype="int64")[member_index]}
    )


def _mark(
    grid: np.ndarray,
    ranges: pd.DataFrame,
    days: list[datetime.date],
    index: dict[datetime.date, int],
    position: dict[int, int],
    value: bool,
) -> None:
    first, last = days[0], days[-1]
    for employee_id, start, end in ranges[RANGE_COLUMNS].itertuples(index=False, name=None):
        column = position.get(int(employee_id))
        if column is None or end < first or start > last:
            continue
        grid[index[max(start, first)] : index[min(end, last)] + 1, column] = value


def duty_table(
    data: engine.AnalysisInput,
    *,
    team_id: int,
    days: list[datetime.date],
    absent: pd.DataFrame,
    on_duty: pd.DataFrame | None,
) -> pd.DataFrame:
    """Per day and requirement of ``team_id``: on (date), competency_id, required_level, min_people,
    covered (holders on duty), status — the engine's requirement table over the members on duty."""
    members = engine.team_members(data, team_id)
    present = on_duty_frame(members, days=days, absent=absent, on_duty=on_duty)
    requirements = data.requirements[data.requirements["team_id"] == team_id]
    if requirements.empty or not days:
        return pd.DataFrame(
            columns=["on", "competency_id", "required_level", "min_people", "covered", "status"]
        )
    position = {d: i for i, d in enumerate(days)}
    present_teams = present["on"].map(position).astype("int64") if len(present) else pd.Series(dtype="int64")
    # One pseudo-team per day: requirements tiled, team_id = the day's position.
    day_requirements = pd.DataFrame(
        {c: np.tile(requirements[c].to_numpy(dtype="int64"), len(days)) for c in engine.REQUIREMENT_COLUMNS}
    )
    day_requirements["team_id"] = np.repeat(np.arange(len(days), dtype="int64"), len(requirements))
    table = engine.requirement_table(
        engine.AnalysisInput(
            levels=data.levels,
            memberships=pd.DataFrame(
                {"team_id": present_teams.to_numpy(), "employee_id": present["employee_id"].to_numpy()},
                dtype="int64",
            ),
            requirements=day_requirements,
            role_targets=engine.empty_frame(engine.ROLE_TARGET_COLUMNS),
        )
    )
    table["on"] = [days[int(i)] for i in table["team_id"]]
    return table[["on", "competency_id", "required_level", "min_people", "covered", "status"]]


def duty_days(table: pd.DataFrame, days: list[datetime.date]) -> list[dict]:
    """One record per day: on, status (the worst of its requirements: gap > single_point > ok), short
    (competency ids with a gap that day)."""
    order = {engine.STATUS_OK: 0, engine.STATUS_SINGLE_POINT: 1, engine.STATUS_GAP: 2}
    by_day: dict = {d: {"on": d, "status": engine.STATUS_OK, "short": []} for d in days}
    for on, competency_id, status in table[["on", "competency_id", "status"]].itertuples(index=False):
        day = by_day[on]
        if order[status] > order[day["status"]]:
            day["status"] = status
        if status == engine.STATUS_GAP:
            day["short"].append(int(competency_id))
    return [by_day[d] for d in days]


def competency_need(units: pd.DataFrame, needs: pd.DataFrame) -> pd.DataFrame:
    """Units in the field per (team, competency, level): the sum of the units of the systems needing the
    competency at that level (``units`` from ``installed_units``, ``needs`` with ancestors')."""
    merged = units.merge(needs, on="system_id")
    if merged.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64") for c in ["team_id", "competency_id", "required_level", "units"]}
        )
    return (
        merged.groupby(["team_id", "competency_id", "required_level"], as_index=False)["units"]
        .sum()
        .astype("int64")
    )
