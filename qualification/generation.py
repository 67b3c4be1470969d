"""Plan generation (SPEC.md, "Qualification") as pure computation: DataFrames in, records out, no ORM.

``qualification.services.plans_generate`` loads a ``GenerationInput`` in a handful of queries, calls
``generate`` and writes the records it returns. The rules, in the order they are applied:

1. Demand. Team shortfalls first, team by team, the heaviest requirement first: a requirement short of
   s holders gets s items, given to the members below its level who state an interest in the
   competency, then need the smallest step, then hold the fewest open items (kept plans and this run),
   then have the lowest id. Then role-profile gaps and stated interests (the interest's target level,
   else one above the current level; always capped by the scale). A level that an open item of a kept
   plan already targets counts as reached, so nothing is planned twice. One item per (employee,
   competency): the highest target, the strongest reason (team shortfall > role profile > interest),
   the best priority, and for a shortfall the team whose requirement sets that target.
2. Measure: the cheapest fitting active measure that is not mentoring (cost, then hours, then id);
   else mentoring: a fitting mentoring measure if there is one, else none (MENTORING_HOURS, 0 EUR).
3. Capacity: per person, items in priority order go into the first period, from the requested one on,
   that still has room; an item larger than the capacity fills an empty period alone. Periods in
   which the person has a plan that is not replaced are passed over. Nothing is dropped.
4. Mentor, for mentoring items in period and priority order: an active colleague of a team the item
   concerns (its shortfall team, else the person's teams), else of that team's department, at or
   above the target level, with the fewest mentees in the item's period, then the lowest id; never
   the person themselves. Whoever has MAX_MENTEES mentees in the period (kept plans included) takes
   no further item there. Without a mentor the item stays, and its incentive says so.
5. Budget: per team, items in priority order add up their cost; an item with a cost that takes the sum
   above the team's budget needs approval.
"""

import datetime
import heapq
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from teams.gaps import engine

# Values of PlanItem.Reason and Measure.Kind (this module does not import models).
REASON_TEAM_SHORTFALL = "team_shortfall"
REASON_ROLE_PROFILE = "role_profile"
REASON_INTEREST = "interest"
REASONS = (REASON_TEAM_SHORTFALL, REASON_ROLE_PROFILE, REASON_INTEREST)  # strongest first
KIND_MENTORING = "mentoring"
KIND_CERTIFICATION = "certification"

# Priority 1 is the most urgent: critical shortfalls; 2: important shortfalls and role-profile gaps;
# 3: useful shortfalls and personal interests.
PRIORITY_BY_WEIGHT = {3: 1, 2: 2, 1: 3}
PRIORITY_ROLE_PROFILE = 2
PRIORITY_INTEREST = 3

# Mentoring without a catalogue measure: the hours a mentee spends per item, and what it costs.
MENTORING_HOURS = Decimal("8")
MENTORING_COST = Decimal("0")
MAX_MENTEES = 3
DEFAULT_CAPACITY_HOURS = Decimal("40")
INCENTIVE_MAX_LENGTH = 200

INTEREST_COLUMNS = ["employee_id", "competency_id", "target_level"]  # target_level 0: none stated
MEASURE_COLUMNS = ["measure_id", "competency_id", "from_level", "to_level", "kind", "title", "hours", "cost"]
OPEN_ITEM_COLUMNS = ["employee_id", "competency_id", "target_level"]
MENTOR_LOAD_COLUMNS = ["mentor_id", "period", "mentee_id"]
CARRIED_COLUMNS = ["employee_id", "competency_id", "target_level", "team_id", "priority", "needs_approval"]

_KEYS = ["employee_id", "competency_id"]
_DEMAND_COLUMNS = [*_KEYS, "target_level", "team_id", "priority", "reason_rank", "carried_approval"]
_PERIOD = re.compile(r"^([0-9]{4})-Q([1-4])$")


class GenerationError(ValueError):
    """Input that plan generation cannot work with; the message says what to change."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter such as 2027-Q1."""

    year: int
    quarter: int

    @classmethod
    def parse(cls, text):
        match = _PERIOD.match(str(text).strip())
        if not match:
            raise GenerationError(
                _("Enter the period as YYYY-Qn, for example 2027-Q1 (got %(value)r).") % {"value": text}
            )
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self):
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self):
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self):
        return self.shifted(1).start - datetime.timedelta(days=1)

    def shifted(self, quarters):
        index = self.year * 4 + self.quarter - 1 + quarters
        return Period(index // 4, index % 4 + 1)


def _frame(columns, dtypes=None):
    dtypes = dtypes or {}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "int64")) for c in columns})


def empty_interests():
    return _frame(INTEREST_COLUMNS)


def empty_measures():
    return _frame(
        MEASURE_COLUMNS, {"kind": "object", "title": "object", "hours": "float64", "cost": "float64"}
    )


def empty_open_items():
    return _frame(OPEN_ITEM_COLUMNS)


def empty_mentor_load():
    return _frame(MENTOR_LOAD_COLUMNS, {"period": "object"})


def empty_carried():
    return _frame(CARRIED_COLUMNS, {"needs_approval": "bool"})


@dataclass(frozen=True)
class GenerationInput:
    """Everything one generation run reads, as plain data.

    ``analysis``: the gap engine's input, levels counted as the gap analysis counts them, memberships of
    the planned teams and of their departments, requirements of the planned teams. ``departments``:
    team id → ids of the teams of its department. ``eligible_ids``: who may receive items;
    ``active_ids``: who may mentor. ``open_items``: open items of plans that are kept (their targets
    count as reached); ``mentor_load``: mentees per mentor and period in kept plans; ``carried``:
    items of replaced drafts that belong to teams outside this run; ``locked``: (employee id, period)
    pairs with a plan that is kept."""

    period: Period
    analysis: engine.AnalysisInput
    team_ids: tuple
    eligible_ids: frozenset
    active_ids: frozenset
    departments: dict = field(default_factory=dict)
    interests: pd.DataFrame = field(default_factory=empty_interests)
    measures: pd.DataFrame = field(default_factory=empty_measures)
    scale_max: dict = field(default_factory=dict)
    competency_names: dict = field(default_factory=dict)
    open_items: pd.DataFrame = field(default_factory=empty_open_items)
    mentor_load: pd.DataFrame = field(default_factory=empty_mentor_load)
    carried: pd.DataFrame = field(default_factory=empty_carried)
    locked: frozenset = frozenset()
    capacity_hours: Decimal = DEFAULT_CAPACITY_HOURS
    budget_per_team: Decimal | None = None


@dataclass(frozen=True)
class GenerationResult:
    """``items``: one record per plan item, ordered by employee, period, priority and competency;
    ``teams``: per planned team its coverage before and after, items, hours, cost and flags."""

    items: list
    teams: list


def generate(data, *, on_progress=None):
    """Plan items for ``data`` and the coverage they would bring, deterministic for the same input.

    ``on_progress(done, total)`` is called after each team's shortfalls are assigned."""
    data = replace(
        data,
        analysis=replace(
            data.analysis,
            requirements=data.analysis.requirements[
                data.analysis.requirements["team_id"].isin(list(data.team_ids))
            ],
        ),
    )
    current = data.analysis.levels[["employee_id", "competency_id", "level"]]
    planned = _with_targets(data.analysis.levels, data.open_items)[["employee_id", "competency_id", "level"]]
    carried = _carried_demand(data)
    shortfall, unfilled = _shortfall_demand(data, planned, carried, on_progress)
    demand = pd.concat(
        [carried, shortfall, _role_demand(data, planned), _interest_demand(data, current, planned)],
        ignore_index=True,
    )
    items = _merge_demand(demand, current)
    items = _choose_measures(items, data.measures)
    items = _place_in_periods(items, data)
    items = _choose_mentors(items, data, current)
    items = _flag_budget(items, data)
    return GenerationResult(items=_records(items, data), teams=_team_summaries(items, data, unfilled))


# --------------------------------------------------------------------------------------------------
# Demand


def _with_targets(levels, targets):
    """Engine levels raised to the highest of ``targets`` (employee_id, competency_id, target_level)."""
    if targets.empty:
        return levels
    best = targets.groupby(_KEYS, as_index=False)["target_level"].max()
    return engine.apply_projected_levels(levels, best.rename(columns={"target_level": "level"}))


def _level_lookup(pairs, levels):
    """dict (employee_id, competency_id) → level for ``pairs`` (missing levels are 0)."""
    merged = pairs[_KEYS].drop_duplicates().merge(levels, on=_KEYS, how="left")
    merged["level"] = merged["level"].fillna(0).astype("int64")
    keys = zip(merged["employee_id"].tolist(), merged["competency_id"].tolist(), strict=True)
    return dict(zip(keys, merged["level"].tolist(), strict=True))


def _demand_frame(rows):
    frame = pd.DataFrame.from_records(rows, columns=_DEMAND_COLUMNS) if rows else _frame(_DEMAND_COLUMNS)
    return frame.astype({c: "int64" for c in _DEMAND_COLUMNS if c != "carried_approval"}).astype(
        {"carried_approval": "bool"}
    )


def _demand_of(frame, target_column, *, priority, reason_rank):
    """Demand rows for the (employee, competency) pairs of ``frame``, aiming at ``target_column``."""
    return pd.DataFrame(
        {
            "employee_id": frame["employee_id"].to_numpy("int64"),
            "competency_id": frame["competency_id"].to_numpy("int64"),
            "target_level": frame[target_column].to_numpy("int64"),
            "team_id": 0,
            "priority": priority,
            "reason_rank": reason_rank,
            "carried_approval": False,
        }
    ).astype({c: "int64" for c in _DEMAND_COLUMNS if c != "carried_approval"})


def _cap(frame, column, scale_max):
    """``column`` capped by the highest level of each competency's scale."""
    top = frame["competency_id"].map(scale_max)
    return np.minimum(frame[column], top.fillna(frame[column])).astype("int64")


def _carried_demand(data):
    carried = data.carried[data.carried["employee_id"].isin(list(data.eligible_ids))]
    carried = carried.rename(columns={"needs_approval": "carried_approval"}).assign(reason_rank=0)
    return carried[_DEMAND_COLUMNS].astype({c: "int64" for c in _DEMAND_COLUMNS if c != "carried_approval"})


def _shortfall_demand(data, planned, carried, on_progress):
    """Items for team shortfalls, and per team the shortfall no member can take (e.g. too few people)."""
    requirements = data.analysis.requirements.sort_values(
        ["team_id", "weight", "competency_id"], ascending=[True, False, True], kind="stable"
    )
    memberships = data.analysis.memberships[["team_id", "employee_id"]].drop_duplicates()
    members = memberships[memberships["team_id"].isin(list(data.team_ids))]
    pairs = requirements[["team_id", "competency_id"]].merge(members, on="team_id")
    level = _level_lookup(pairs, planned)
    load = Counter(data.open_items["employee_id"].tolist())
    for row in carried.itertuples(index=False):
        key = (row.employee_id, row.competency_id)
        level[key] = max(level.get(key, 0), row.target_level)
        load[row.employee_id] += 1
    interested = set(
        zip(data.interests["employee_id"].tolist(), data.interests["competency_id"].tolist(), strict=True)
    )
    team_members = {
        team_id: sorted(group.tolist()) for team_id, group in members.groupby("team_id")["employee_id"]
    }
    by_team = defaultdict(list)
    for row in requirements.itertuples(index=False):
        by_team[row.team_id].append(row)
    rows, unfilled = [], Counter()
    team_ids = sorted(data.team_ids)
    for done, team_id in enumerate(team_ids, start=1):
        people = team_members.get(team_id, [])
        for r in by_team.get(team_id, []):
            c, needed = r.competency_id, r.required_level
            shortfall = r.min_people - sum(1 for m in people if level.get((m, c), 0) >= needed)
            if shortfall <= 0:
                continue
            if data.scale_max.get(c, needed) < needed:
                unfilled[team_id] += shortfall
                continue
            candidates = sorted(
                (m for m in people if m in data.eligible_ids and level.get((m, c), 0) < needed),
                key=lambda m, c=c, needed=needed: (
                    (m, c) not in interested,
                    needed - level.get((m, c), 0),
                    load[m],
                    m,
                ),
            )
            for m in candidates[:shortfall]:
                rows.append((m, c, needed, team_id, PRIORITY_BY_WEIGHT[r.weight], 0, False))
                level[(m, c)] = needed
                load[m] += 1
            unfilled[team_id] += max(0, shortfall - len(candidates))
        if on_progress is not None:
            on_progress(done, len(team_ids))
    return _demand_frame(rows), unfilled


def _role_demand(data, planned):
    targets = data.analysis.role_targets
    targets = targets[targets["employee_id"].isin(list(data.eligible_ids))]
    targets = targets.assign(target_level=_cap(targets, "target", data.scale_max))
    targets = targets.merge(planned, on=_KEYS, how="left")
    targets = targets[targets["target_level"] > targets["level"].fillna(0)]
    return _demand_of(targets, "target_level", priority=PRIORITY_ROLE_PROFILE, reason_rank=1)


def _interest_demand(data, current, planned):
    interests = data.interests[data.interests["employee_id"].isin(list(data.eligible_ids))]
    interests = interests.merge(current, on=_KEYS, how="left")
    now = interests["level"].fillna(0).astype("int64")
    interests = interests.assign(
        wanted=interests["target_level"].where(interests["target_level"] > 0, now + 1)
    )
    interests = interests.assign(wanted=_cap(interests, "wanted", data.scale_max)).drop(columns="level")
    interests = interests.merge(planned, on=_KEYS, how="left")
    interests = interests[interests["wanted"] > interests["level"].fillna(0)]
    return _demand_of(interests, "wanted", priority=PRIORITY_INTEREST, reason_rank=2)


def _merge_demand(demand, current):
    """One item per (employee, competency): highest target, strongest reason, best priority."""
    ordered = demand.sort_values(
        [*_KEYS, "reason_rank", "target_level", "priority", "team_id"],
        ascending=[True, True, True, False, True, True],
        kind="stable",
    )
    items = ordered.groupby(_KEYS, as_index=False, sort=True).agg(
        target_level=("target_level", "max"), priority=("priority", "min"), reason_rank=("reason_rank", "min")
    )
    first = ordered.drop_duplicates(_KEYS, keep="first")[[*_KEYS, "team_id", "carried_approval"]]
    items = items.merge(first, on=_KEYS).merge(current, on=_KEYS, how="left")
    items["current_level"] = items.pop("level").fillna(0).astype("int64")
    return items[items["target_level"] > items["current_level"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Measures, capacity, mentors, budget


def _tenths(values):
    return (pd.to_numeric(values, errors="coerce").astype("float64") * 10).round().astype("int64")


def _cents(values):
    return (pd.to_numeric(values, errors="coerce").astype("float64") * 100).round().astype("int64")


def _choose_measures(items, measures):
    measures = measures.assign(
        hours_tenths=_tenths(measures["hours"]),
        cost_cents=_cents(measures["cost"]),
        is_mentoring=measures["kind"] == KIND_MENTORING,
    )
    fit = items[[*_KEYS, "current_level", "target_level"]].merge(
        measures.drop(columns=["hours", "cost"]), on="competency_id"
    )
    fit = fit[(fit["from_level"] <= fit["current_level"]) & (fit["to_level"] >= fit["target_level"])]
    fit = fit.sort_values([*_KEYS, "is_mentoring", "cost_cents", "hours_tenths", "measure_id"], kind="stable")
    fit = fit.drop_duplicates(_KEYS, keep="first")
    chosen = fit[[*_KEYS, "measure_id", "kind", "title", "hours_tenths", "cost_cents"]]
    items = items.merge(chosen, on=_KEYS, how="left")
    without = items["measure_id"].isna()
    return items.assign(
        measure_id=items["measure_id"].fillna(0).astype("int64"),
        kind=items["kind"].where(~without, KIND_MENTORING).astype("object"),
        title=items["title"].where(~without, "").astype("object"),
        hours_tenths=items["hours_tenths"].where(~without, int(MENTORING_HOURS * 10)).astype("int64"),
        cost_cents=items["cost_cents"].where(~without, int(MENTORING_COST * 100)).astype("int64"),
    )


def _place_in_periods(items, data):
    """``offset``: quarters after the requested period that each item is planned in."""
    items = items.sort_values(
        ["employee_id", "priority", "reason_rank", "competency_id"], kind="stable"
    ).reset_index(drop=True)
    capacity = int((Decimal(data.capacity_hours) * 10).to_integral_value())
    labels = {}

    def label(offset):
        if offset not in labels:
            labels[offset] = str(data.period.shifted(offset))
        return labels[offset]

    offsets, used, previous = [], defaultdict(int), None
    for employee_id, hours in zip(items["employee_id"].tolist(), items["hours_tenths"].tolist(), strict=True):
        if employee_id != previous:
            used, previous = defaultdict(int), employee_id
        offset = 0
        while (employee_id, label(offset)) in data.locked or (
            used[offset] and used[offset] + hours > capacity
        ):
            offset += 1
        used[offset] += hours
        offsets.append(offset)
    return items.assign(offset=pd.Series(offsets, dtype="int64"))


def _teams_by_employee(memberships):
    grouped = memberships.drop_duplicates().sort_values(["employee_id", "team_id"])
    return {e: tuple(group.tolist()) for e, group in grouped.groupby("employee_id")["team_id"]}


class _Holders:
    """Active members' levels by (team, competency) as sorted arrays, so that a mentor search reads only
    the teams it concerns."""

    def __init__(self, data, current, competency_ids):
        memberships = data.analysis.memberships[["team_id", "employee_id"]].drop_duplicates()
        memberships = memberships[memberships["employee_id"].isin(list(data.active_ids))]
        levels = current[current["competency_id"].isin(competency_ids) & (current["level"] > 0)]
        rows = memberships.merge(levels, on="employee_id").sort_values(
            ["team_id", "competency_id", "employee_id"], kind="stable"
        )
        teams, competencies = rows["team_id"].to_numpy(), rows["competency_id"].to_numpy()
        self._employees, self._levels = rows["employee_id"].to_numpy(), rows["level"].to_numpy()
        changes = (teams[1:] != teams[:-1]) | (competencies[1:] != competencies[:-1])
        starts = np.flatnonzero(np.r_[True, changes]) if len(rows) else np.empty(0, "int64")
        ends = np.r_[starts[1:], len(rows)] if len(rows) else starts
        self._slices = {
            (int(teams[start]), int(competencies[start])): (int(start), int(end))
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
        }
        self._cache = {}

    def at_least(self, teams, competency_id, level):
        """Sorted ids of the active members of ``teams`` holding ``competency_id`` at ``level`` or above."""
        key = (teams, competency_id)
        if key not in self._cache:
            parts = [self._slices[(t, competency_id)] for t in teams if (t, competency_id) in self._slices]
            self._cache[key] = (
                np.concatenate([self._employees[a:b] for a, b in parts] or [np.empty(0, "int64")]),
                np.concatenate([self._levels[a:b] for a, b in parts] or [np.empty(0, "int64")]),
            )
        employees, levels = self._cache[key]
        return np.unique(employees[levels >= level]).tolist()


def _choose_mentors(items, data, current):
    """Mentors for mentoring items. Candidates of one (teams, competency, target, period) share a heap
    of (mentees, id) that is refreshed lazily: mentee counts only grow, so a stale entry is never too
    high and the first fresh entry is the colleague with the fewest mentees, then the lowest id."""
    items = items.assign(mentor_id=0)
    wanted = items[items["kind"] == KIND_MENTORING]
    if wanted.empty:
        return items
    teams_of = _teams_by_employee(data.analysis.memberships[["team_id", "employee_id"]])
    holders = _Holders(data, current, wanted["competency_id"].unique().tolist())
    mentees = defaultdict(set)
    for mentor_id, period, mentee_id in zip(
        *(data.mentor_load[c].tolist() for c in MENTOR_LOAD_COLUMNS), strict=True
    ):
        mentees[(mentor_id, period)].add(mentee_id)
    heaps, departments, labels = {}, {}, {}

    def pick(teams, competency_id, target, period, mentee_id):
        key = (teams, competency_id, target, period)
        if key not in heaps:
            heaps[key] = [
                (len(mentees.get((m, period), ())), m) for m in holders.at_least(teams, competency_id, target)
            ]
            heapq.heapify(heaps[key])
        heap, aside, chosen = heaps[key], [], None
        while heap:
            count, mentor_id = heap[0]
            actual = len(mentees.get((mentor_id, period), ()))
            if actual != count:
                heapq.heapreplace(heap, (actual, mentor_id))
            elif mentor_id == mentee_id:
                aside.append(heapq.heappop(heap))
            else:
                chosen = mentor_id if actual < MAX_MENTEES else None
                break
        for entry in aside:
            heapq.heappush(heap, entry)
        return chosen

    ordered = wanted.sort_values(
        ["offset", "priority", "reason_rank", "employee_id", "competency_id"], kind="stable"
    )
    chosen = {}
    for row, employee_id, competency_id, target, team_id, offset in zip(
        ordered.index.tolist(),
        *(ordered[c].tolist() for c in ["employee_id", "competency_id", "target_level", "team_id", "offset"]),
        strict=True,
    ):
        if offset not in labels:
            labels[offset] = str(data.period.shifted(offset))
        period = labels[offset]
        own = (team_id,) if team_id else teams_of.get(employee_id, ())
        if own not in departments:
            departments[own] = tuple(sorted({t for team in own for t in data.departments.get(team, ())}))
        mentor_id = pick(own, competency_id, target, period, employee_id)
        if mentor_id is None:
            mentor_id = pick(departments[own], competency_id, target, period, employee_id)
        if mentor_id is not None:
            mentees[(mentor_id, period)].add(employee_id)
            chosen[row] = mentor_id
    return items.assign(mentor_id=pd.Series(chosen, dtype="int64").reindex(items.index, fill_value=0))


def _flag_budget(items, data):
    """``budget_team``: the shortfall's team, else the person's first planned team; ``needs_approval``."""
    scope = set(data.team_ids)
    teams_of = _teams_by_employee(data.analysis.memberships[["team_id", "employee_id"]])
    primary = {e: next((t for t in teams if t in scope), 0) for e, teams in teams_of.items()}
    budget_team = items["team_id"].where(items["team_id"] > 0, items["employee_id"].map(primary).fillna(0))
    items = items.assign(budget_team=budget_team.astype("int64"))
    in_scope = items["budget_team"].isin(list(scope))
    needs_approval = items["carried_approval"] & ~in_scope
    if data.budget_per_team is not None:
        budget = int((Decimal(data.budget_per_team) * 100).to_integral_value())
        ordered = items.sort_values(["priority", "offset", "employee_id", "competency_id"], kind="stable")
        spent = ordered.groupby("budget_team")["cost_cents"].cumsum().reindex(items.index)
        needs_approval = needs_approval | (in_scope & (items["cost_cents"] > 0) & (spent > budget))
    return items.assign(needs_approval=needs_approval.astype("bool"))


# --------------------------------------------------------------------------------------------------
# Output


def incentive_texts():
    """The incentive templates in the active language, looked up once per run."""
    return {
        "certificate": _("Certificate: %(measure)s"),
        "level": _("Level %(level)s · %(competency)s"),
        "mentor": _("%(badge)s · Mentor recognition for the mentor"),
        "no_mentor": _("%(badge)s · no mentor available yet"),
    }


def incentive_text(*, kind, measure_title, target_level, competency_name, has_mentor, texts=None):
    """What completing the item earns: a level badge or a certificate; mentoring also recognises the
    mentor."""
    texts = texts or incentive_texts()
    if kind == KIND_CERTIFICATION:
        text = texts["certificate"] % {"measure": measure_title}
    else:
        text = texts["level"] % {"level": target_level, "competency": competency_name}
    if kind == KIND_MENTORING:
        text = texts["mentor" if has_mentor else "no_mentor"] % {"badge": text}
    return text[:INCENTIVE_MAX_LENGTH]


def _records(items, data):
    items = items.sort_values(
        ["employee_id", "offset", "priority", "reason_rank", "competency_id"], kind="stable"
    )
    records, texts, periods = [], incentive_texts(), {}
    for row in items.itertuples(index=False):
        if row.offset not in periods:
            shifted = data.period.shifted(row.offset)
            periods[row.offset] = (str(shifted), shifted.end)
        period, due_date = periods[row.offset]
        records.append(
            {
                "employee_id": row.employee_id,
                "period": period,
                "competency_id": row.competency_id,
                "current_level": row.current_level,
                "target_level": row.target_level,
                "measure_id": row.measure_id or None,
                "mentor_id": row.mentor_id or None,
                "team_id": row.team_id or None,
                "budget_team_id": row.budget_team or None,
                "due_date": due_date,
                "reason": REASONS[row.reason_rank],
                "priority": row.priority,
                "hours": Decimal(row.hours_tenths).scaleb(-1),
                "cost": Decimal(row.cost_cents).scaleb(-2),
                "needs_approval": bool(row.needs_approval),
                "incentive": incentive_text(
                    kind=row.kind,
                    measure_title=row.title,
                    target_level=row.target_level,
                    competency_name=data.competency_names.get(row.competency_id, str(row.competency_id)),
                    has_mentor=bool(row.mentor_id),
                    texts=texts,
                ),
            }
        )
    return records


def _team_summaries(items, data, unfilled):
    team_ids = sorted(data.team_ids)
    before = engine.coverage_by_team(engine.requirement_table(data.analysis), team_ids)
    reached = pd.concat(
        [data.open_items[OPEN_ITEM_COLUMNS], items[OPEN_ITEM_COLUMNS]], ignore_index=True
    ).astype("int64")
    after_input = replace(data.analysis, levels=_with_targets(data.analysis.levels, reached))
    after = engine.coverage_by_team(engine.requirement_table(after_input), team_ids)
    sums = (
        items.assign(later=items["offset"] > 0, approval=items["needs_approval"], count=1)
        .groupby("budget_team")[["count", "hours_tenths", "cost_cents", "later", "approval"]]
        .sum()
    )
    summaries = []
    for team_id in team_ids:
        row = sums.loc[team_id] if team_id in sums.index else None
        summaries.append(
            {
                "team_id": team_id,
                "coverage_before": round(float(before.loc[team_id]), 4),
                "coverage_after": round(float(after.loc[team_id]), 4),
                "items": 0 if row is None else int(row["count"]),
                "hours": Decimal(0 if row is None else int(row["hours_tenths"])).scaleb(-1),
                "cost": Decimal(0 if row is None else int(row["cost_cents"])).scaleb(-2),
                "items_next_period": 0 if row is None else int(row["later"]),
                "items_needing_approval": 0 if row is None else int(row["approval"]),
                "unfilled_shortfall": int(unfilled.get(team_id, 0)),
            }
        )
    return summaries
