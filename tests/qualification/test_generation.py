"""qualification.generation on small hand-built frames (no database), and property tests against a
plain-loop reference of SPEC.md's demand rules plus the invariants of capacity, mentors and budget."""

import datetime
import random
from collections import Counter, defaultdict
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification import generation
from qualification.generation import GenerationError, GenerationInput, Period, generate
from qualification.models import Measure, PlanItem
from teams.gaps import engine

COURSE, MENTORING, CERTIFICATION = "course", generation.KIND_MENTORING, generation.KIND_CERTIFICATION


def _frame(rows, columns, dtypes=None):
    dtypes = dtypes or {}
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "int64")) for c in columns})
    return pd.DataFrame(list(rows), columns=columns).astype(
        {c: dtypes.get(c, "int64") for c in columns if dtypes.get(c, "int64") != "object"}
    )


def make(
    *,
    memberships,
    levels=(),
    requirements=(),
    role_targets=(),
    team_ids=None,
    eligible=None,
    active=None,
    departments=None,
    interests=(),
    measures=(),
    scale_max=None,
    open_items=(),
    mentor_load=(),
    carried=(),
    locked=(),
    capacity=40,
    budget=None,
    period="2027-Q1",
):
    """GenerationInput from tuples: levels (e, c, level), memberships (t, e), requirements (t, c, L, k, w),
    role_targets (e, c, target), interests (e, c, target or 0), measures (id, c, from, to, kind, title,
    hours, cost), open_items (e, c, target), mentor_load (mentor, period, mentee), carried (e, c, target,
    team, priority, needs_approval)."""
    team_ids = (
        tuple(sorted({t for t, _e in memberships} | {r[0] for r in requirements}))
        if team_ids is None
        else team_ids
    )
    members = {e for t, e in memberships if t in team_ids}
    competencies = {r[1] for r in (*levels, *requirements, *role_targets, *interests)}
    data = engine.AnalysisInput(
        levels=_frame([(*row, True) for row in levels], engine.LEVEL_COLUMNS, {"confirmed": "bool"}),
        memberships=_frame(memberships, engine.MEMBERSHIP_COLUMNS),
        requirements=_frame(requirements, engine.REQUIREMENT_COLUMNS),
        role_targets=_frame(role_targets, engine.ROLE_TARGET_COLUMNS),
    )
    return GenerationInput(
        period=Period.parse(period),
        analysis=data,
        team_ids=team_ids,
        eligible_ids=frozenset(members if eligible is None else eligible),
        active_ids=frozenset({e for _t, e in memberships} if active is None else active),
        departments=departments or {},
        interests=_frame(interests, generation.INTEREST_COLUMNS),
        measures=_frame(
            measures,
            generation.MEASURE_COLUMNS,
            {"kind": "object", "title": "object", "hours": "float64", "cost": "float64"},
        ),
        scale_max={c: 4 for c in competencies} if scale_max is None else scale_max,
        competency_names={c: f"Competency {c}" for c in competencies},
        open_items=_frame(open_items, generation.OPEN_ITEM_COLUMNS),
        mentor_load=_frame(mentor_load, generation.MENTOR_LOAD_COLUMNS, {"period": "object"}),
        carried=_frame(carried, generation.CARRIED_COLUMNS, {"needs_approval": "bool"}),
        locked=frozenset(locked),
        capacity_hours=Decimal(capacity),
        budget_per_team=None if budget is None else Decimal(budget),
    )


def items_by_key(result):
    return {(item["employee_id"], item["competency_id"]): item for item in result.items}


# --------------------------------------------------------------------------------------------------
# Periods


def test_period_parses_and_steps_across_the_year():
    period = Period.parse("2027-Q4")
    assert str(period) == "2027-Q4"
    assert period.start == datetime.date(2027, 10, 1)
    assert period.end == datetime.date(2027, 12, 31)
    assert str(period.shifted(1)) == "2028-Q1"
    assert Period.parse("2027-Q1").end == datetime.date(2027, 3, 31)
    assert str(Period.parse("2027-Q1").shifted(-1)) == "2026-Q4"


@pytest.mark.parametrize("text", ["2027Q1", "2027-Q5", "2027-q1", "27-Q1", "", "2027-Q1x"])
def test_period_rejects_other_formats(text):
    with pytest.raises(GenerationError, match="YYYY-Qn"):
        Period.parse(text)


def test_constants_match_the_models():
    assert set(generation.REASONS) == set(PlanItem.Reason.values)
    assert {generation.KIND_MENTORING, generation.KIND_CERTIFICATION} <= set(Measure.Kind.values)


# --------------------------------------------------------------------------------------------------
# Demand

# Team 1 needs competency 100 at level 3 from two people; 10 holds it.
TEAM = [(1, 10), (1, 11), (1, 12), (1, 13)]


def test_shortfall_goes_to_the_interested_member_first():
    data = make(
        memberships=TEAM,
        levels=[(10, 100, 3), (11, 100, 2), (12, 100, 1)],
        requirements=[(1, 100, 3, 2, 3)],
        interests=[(12, 100, 0)],
    )
    items = items_by_key(generate(data))
    assert list(items) == [(12, 100)]
    item = items[(12, 100)]
    assert (item["target_level"], item["reason"], item["team_id"], item["priority"]) == (
        3,
        "team_shortfall",
        1,
        1,
    )


def test_shortfall_then_prefers_the_smallest_step_then_fewest_open_items_then_lowest_id():
    levels = [(10, 100, 3), (11, 100, 1), (12, 100, 2), (13, 100, 2)]
    smallest_step = make(memberships=TEAM, levels=levels, requirements=[(1, 100, 3, 2, 3)])
    assert list(items_by_key(generate(smallest_step))) == [(12, 100)]  # 12 and 13 need one step: 12

    busy = make(
        memberships=TEAM,
        levels=levels,
        requirements=[(1, 100, 3, 2, 3)],
        open_items=[(12, 200, 2)],
    )
    assert list(items_by_key(generate(busy))) == [(13, 100)]


def test_shortfall_items_assigned_earlier_in_the_run_count_as_load():
    # Two requirements, each short by one; 11 and 12 are equal, so the second goes to the other person.
    data = make(
        memberships=[(1, 10), (1, 11), (1, 12)],
        requirements=[(1, 100, 2, 1, 3), (1, 101, 2, 1, 2)],
    )
    items = items_by_key(generate(data))
    assert set(items) == {(10, 100), (11, 101)}
    assert items[(10, 100)]["priority"] == 1 and items[(11, 101)]["priority"] == 2


def test_shortfall_is_not_planned_twice_when_a_kept_plan_already_closes_it():
    data = make(
        memberships=TEAM,
        levels=[(10, 100, 3), (11, 100, 2)],
        requirements=[(1, 100, 3, 2, 3)],
        open_items=[(11, 100, 3)],
    )
    result = generate(data)
    assert result.items == []
    assert result.teams[0]["coverage_before"] == 0.5
    assert result.teams[0]["coverage_after"] == 1.0


def test_shortfall_skips_members_who_may_not_receive_items_and_reports_what_stays_open():
    data = make(
        memberships=[(1, 10), (1, 11)],
        requirements=[(1, 100, 2, 3, 1)],
        eligible={11},
    )
    result = generate(data)
    assert list(items_by_key(result)) == [(11, 100)]
    assert result.teams[0]["unfilled_shortfall"] == 2


def test_one_item_per_person_and_competency_keeps_highest_target_and_strongest_reason():
    data = make(
        memberships=TEAM,
        levels=[(11, 100, 1)],
        requirements=[(1, 100, 2, 1, 1)],
        role_targets=[(11, 100, 3)],
        interests=[(11, 100, 4)],
    )
    items = items_by_key(generate(data))
    assert list(items) == [(11, 100)]
    item = items[(11, 100)]
    assert (item["current_level"], item["target_level"], item["reason"], item["team_id"]) == (
        1,
        4,
        "team_shortfall",
        1,
    )
    assert item["priority"] == 2  # a useful shortfall (3) merged with a role gap (2)


def test_role_gaps_and_interests_capped_by_the_scale():
    data = make(
        memberships=[(1, 10)],
        levels=[(10, 100, 1), (10, 101, 2), (10, 102, 4)],
        role_targets=[(10, 100, 5)],
        interests=[(10, 101, 0), (10, 102, 0), (10, 103, 0)],
        scale_max={100: 4, 101: 4, 102: 4, 103: 4},
    )
    items = items_by_key(generate(data))
    assert {key: (i["current_level"], i["target_level"], i["reason"]) for key, i in items.items()} == {
        (10, 100): (1, 4, "role_profile"),
        (10, 101): (2, 3, "interest"),
        (10, 103): (0, 1, "interest"),
    }
    assert items[(10, 100)]["priority"] == 2 and items[(10, 101)]["priority"] == 3
    assert items[(10, 100)]["team_id"] is None


def test_interest_with_a_target_already_reached_or_planned_gives_no_item():
    data = make(
        memberships=[(1, 10)],
        levels=[(10, 100, 3)],
        interests=[(10, 100, 2), (10, 101, 2)],
        open_items=[(10, 101, 2)],
    )
    assert generate(data).items == []


def test_carried_shortfall_items_of_other_teams_are_kept():
    data = make(
        memberships=[(1, 10)],
        team_ids=(1,),
        carried=[(10, 100, 3, 7, 1, True)],
    )
    item = items_by_key(generate(data))[(10, 100)]
    assert (item["reason"], item["team_id"], item["priority"], item["needs_approval"]) == (
        "team_shortfall",
        7,
        1,
        True,
    )


# --------------------------------------------------------------------------------------------------
# Measures

MEASURES = [
    (1, 100, 1, 3, COURSE, "Expensive course", 8, 900),
    (2, 100, 0, 3, COURSE, "Cheap course", 16, 300),
    (3, 100, 0, 3, "elearning", "Cheap e-learning", 12, 300),
    (4, 100, 2, 4, COURSE, "Does not start low enough", 1, 10),
    (5, 100, 0, 2, COURSE, "Does not reach far enough", 1, 10),
    (6, 100, 0, 4, MENTORING, "Mentoring programme", 4, 0),
]


def test_cheapest_fitting_measure_wins_ties_on_hours_then_id():
    data = make(memberships=[(1, 10)], levels=[(10, 100, 1)], role_targets=[(10, 100, 3)], measures=MEASURES)
    item = generate(data).items[0]
    assert (item["measure_id"], item["hours"], item["cost"]) == (3, Decimal("12.0"), Decimal("300.00"))
    assert item["mentor_id"] is None
    assert item["incentive"] == "Level 3 · Competency 100"


def test_mentoring_measure_when_nothing_else_fits_else_mentoring_without_measure():
    data = make(
        memberships=[(1, 10), (1, 11)],
        levels=[(11, 101, 4)],
        role_targets=[(10, 100, 4), (10, 101, 2)],
        measures=MEASURES,
    )
    items = items_by_key(generate(data))
    programme, plain = items[(10, 100)], items[(10, 101)]
    assert (programme["measure_id"], programme["hours"], programme["cost"]) == (
        6,
        Decimal("4.0"),
        Decimal("0.00"),
    )
    assert (plain["measure_id"], plain["hours"], plain["cost"]) == (
        None,
        generation.MENTORING_HOURS,
        generation.MENTORING_COST,
    )
    assert plain["mentor_id"] == 11
    assert plain["incentive"].endswith("Mentor recognition for the mentor")


def test_certification_earns_a_certificate():
    data = make(
        memberships=[(1, 10)],
        role_targets=[(10, 100, 2)],
        measures=[(9, 100, 0, 2, CERTIFICATION, "F-gas certificate", 32, 1490)],
    )
    assert generate(data).items[0]["incentive"] == "Certificate: F-gas certificate"


# --------------------------------------------------------------------------------------------------
# Mentors


def test_mentor_from_the_same_team_else_the_department_never_the_mentee():
    # 10 (team 1) needs 100 at 3. 11 in team 1 holds only 2; 20 in sibling team 2 holds 3.
    data = make(
        memberships=[(1, 10), (1, 11), (2, 20), (2, 21)],
        team_ids=(1,),
        levels=[(10, 100, 2), (11, 100, 2), (20, 100, 3), (21, 100, 4)],
        role_targets=[(10, 100, 3)],
        departments={1: (1, 2, 9), 2: (1, 2, 9)},
    )
    assert generate(data).items[0]["mentor_id"] == 20  # both fit: the lower id (no mentees yet)

    same_team = make(
        memberships=[(1, 10), (1, 11), (2, 20)],
        team_ids=(1,),
        levels=[(10, 100, 2), (11, 100, 3), (20, 100, 4)],
        role_targets=[(10, 100, 3)],
        departments={1: (1, 2), 2: (1, 2)},
    )
    assert generate(same_team).items[0]["mentor_id"] == 11


def test_mentor_with_fewest_mentees_and_at_most_three_per_period():
    # Five mentees need 100 at level 2; 1 and 2 can teach; 1 already mentors two people in 2027-Q1.
    mentees = [10, 11, 12, 13, 14]
    data = make(
        memberships=[(1, e) for e in [1, 2, *mentees]],
        levels=[(1, 100, 4), (2, 100, 4)],
        role_targets=[(e, 100, 2) for e in mentees],
        mentor_load=[(1, "2027-Q1", 90), (1, "2027-Q1", 91), (2, "2027-Q2", 92)],
        eligible=set(mentees),
    )
    items = items_by_key(generate(data))
    mentors = {e: items[(e, 100)]["mentor_id"] for e in mentees}
    assert mentors == {10: 2, 11: 2, 12: 1, 13: 2, 14: None}
    assert items[(14, 100)]["incentive"].endswith("no mentor available yet")


def test_active_employees_only_mentor():
    data = make(
        memberships=[(1, 10), (1, 11)],
        levels=[(11, 100, 4)],
        role_targets=[(10, 100, 2)],
        active={10},
    )
    assert generate(data).items[0]["mentor_id"] is None


# --------------------------------------------------------------------------------------------------
# Capacity and budget


def test_items_beyond_capacity_move_to_the_next_quarters_first_fit_in_priority_order():
    measures = [
        (c, c, 0, 2, COURSE, f"Course {c}", hours, 0) for c, hours in [(100, 30), (101, 20), (102, 10)]
    ]
    data = make(
        memberships=[(1, 10), (1, 11)],
        requirements=[(1, 100, 2, 2, 3)],  # priority 1 for 100
        role_targets=[(10, 101, 2)],  # priority 2
        interests=[(10, 102, 2)],  # priority 3
        measures=measures,
        period="2027-Q4",
    )
    items = items_by_key(generate(data))
    assert {key: item["period"] for key, item in items.items() if key[0] == 10} == {
        (10, 100): "2027-Q4",
        (10, 101): "2028-Q1",
        (10, 102): "2027-Q4",  # 30 + 10 fits the 40 hours
    }
    assert items[(10, 101)]["due_date"] == datetime.date(2028, 3, 31)
    assert items[(10, 100)]["due_date"] == datetime.date(2027, 12, 31)


def test_item_larger_than_the_capacity_fills_a_quarter_alone_and_locked_quarters_are_passed_over():
    measures = [(1, 100, 0, 2, COURSE, "Long", 60, 0), (2, 101, 0, 2, COURSE, "Short", 8, 0)]
    data = make(
        memberships=[(1, 10)],
        role_targets=[(10, 100, 2), (10, 101, 2)],
        measures=measures,
        locked={(10, "2027-Q2")},
    )
    items = items_by_key(generate(data))
    assert (items[(10, 100)]["period"], items[(10, 101)]["period"]) == ("2027-Q1", "2027-Q3")


def test_budget_flags_items_beyond_it_in_priority_order_per_team():
    measures = [
        (c, c, 0, 2, COURSE, f"Course {c}", 1, cost) for c, cost in [(100, 600), (101, 600), (102, 0)]
    ]
    data = make(
        memberships=[(1, 10), (2, 20)],
        role_targets=[(10, 100, 2), (20, 100, 2)],
        interests=[(10, 101, 2), (10, 102, 2)],
        measures=measures,
        budget=1000,
    )
    result = generate(data)
    flags = {key: item["needs_approval"] for key, item in items_by_key(result).items()}
    assert flags == {(10, 100): False, (10, 101): True, (10, 102): False, (20, 100): False}
    assert [team["items_needing_approval"] for team in result.teams] == [1, 0]
    unlimited = make(**{**BUDGETED, "measures": measures})
    assert not any(item["needs_approval"] for item in generate(unlimited).items)


BUDGETED = {"memberships": [(1, 10)], "role_targets": [(10, 100, 2)], "interests": [(10, 101, 2)]}


def test_team_summary_reports_coverage_before_and_after_and_totals():
    data = make(
        memberships=TEAM,
        levels=[(10, 100, 3)],
        requirements=[(1, 100, 3, 2, 3), (1, 101, 1, 1, 1)],
        measures=[(1, 100, 0, 3, COURSE, "Course", 16, 500), (2, 101, 0, 1, COURSE, "Intro", 4, 100)],
    )
    (team,) = generate(data).teams
    assert team["coverage_before"] == round(1 - (3 * 1 + 1 * 1) / (3 * 2 + 1 * 1), 4)
    assert team["coverage_after"] == 1.0
    assert (team["items"], team["hours"], team["cost"]) == (2, Decimal("20.0"), Decimal("600.00"))


def test_same_data_in_any_row_order_gives_identical_items():
    kwargs = {
        "memberships": [(1, e) for e in range(10, 20)] + [(2, e) for e in range(18, 26)],
        "levels": [(e, c, (e * c) % 5) for e in range(10, 26) for c in (100, 101, 102)],
        "requirements": [(1, 100, 3, 4, 3), (1, 101, 4, 2, 2), (2, 102, 3, 3, 1), (2, 100, 4, 2, 3)],
        "role_targets": [(e, 101, 3) for e in range(10, 26, 3)],
        "interests": [(e, 102, 0) for e in range(11, 26, 4)],
        "measures": MEASURES,
        "departments": {1: (1, 2), 2: (1, 2)},
        "capacity": 20,
        "budget": 1500,
    }
    expected = generate(make(**kwargs))
    shuffled = dict(kwargs)
    for key in ("memberships", "levels", "requirements", "role_targets", "interests", "measures"):
        rows = list(kwargs[key])
        random.Random(7).shuffle(rows)
        shuffled[key] = rows
    assert generate(make(**shuffled)) == expected
    assert expected.items  # not vacuous


def test_progress_is_reported_per_team():
    calls = []
    generate(
        make(memberships=[(1, 10), (2, 20), (3, 30)]),
        on_progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


# --------------------------------------------------------------------------------------------------
# Property tests: demand against a plain-loop reference, invariants of the rest

EMPLOYEES = range(10, 18)
COMPETENCIES = (100, 101, 102)
TEAMS = (1, 2)


@st.composite
def scenarios(draw):
    memberships = draw(
        st.sets(st.tuples(st.sampled_from(TEAMS), st.sampled_from(list(EMPLOYEES))), max_size=12)
    )
    levels = {(e, c): draw(st.integers(0, 4)) for e in EMPLOYEES for c in COMPETENCIES if draw(st.booleans())}
    requirements = {
        (t, c): (draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        for t in TEAMS
        for c in COMPETENCIES
        if draw(st.booleans())
    }
    role_targets = {
        (e, c): draw(st.integers(1, 5))
        for e in EMPLOYEES
        for c in COMPETENCIES
        if draw(st.integers(0, 3)) == 0
    }
    interests = {
        (e, c): draw(st.integers(0, 4))
        for e in EMPLOYEES
        for c in COMPETENCIES
        if draw(st.integers(0, 4)) == 0
    }
    open_items = {
        (e, c): draw(st.integers(1, 4))
        for e in EMPLOYEES
        for c in COMPETENCIES
        if draw(st.integers(0, 6)) == 0
    }
    measures = [
        (
            m,
            draw(st.sampled_from(COMPETENCIES)),
            low,
            low + draw(st.integers(1, 3)),
            draw(st.sampled_from([COURSE, MENTORING, CERTIFICATION])),
            f"M{m}",
            draw(st.sampled_from([2, 8, 16, 24, 48])),
            draw(st.sampled_from([0, 100, 400])),
        )
        for m, low in enumerate(draw(st.lists(st.integers(0, 2), max_size=5)), start=1)
    ]
    return {
        "memberships": sorted(memberships),
        "levels": [(e, c, level) for (e, c), level in sorted(levels.items())],
        "requirements": [(t, c, *values) for (t, c), values in sorted(requirements.items())],
        "role_targets": [(e, c, target) for (e, c), target in sorted(role_targets.items())],
        "interests": [(e, c, target) for (e, c), target in sorted(interests.items())],
        "open_items": [(e, c, target) for (e, c), target in sorted(open_items.items())],
        "measures": measures,
        "scale_max": {100: 4, 101: 3, 102: 4},
        "departments": {1: TEAMS, 2: TEAMS},
        "team_ids": (1,) if draw(st.booleans()) else TEAMS,
        "locked": {(e, "2027-Q2") for e in EMPLOYEES if draw(st.integers(0, 5)) == 0},
        "capacity": draw(st.sampled_from([8, 20, 40])),
        "budget": draw(st.sampled_from([None, 0, 500])),
    }


def reference_demand(s):
    """SPEC.md's demand rules, read literally, with plain loops: (e, c) → (target, reason, team, priority)."""
    members = defaultdict(list)
    for t, e in s["memberships"]:
        members[t].append(e)
    eligible = {e for t, e in s["memberships"] if t in s["team_ids"]}
    current = {(e, c): level for e, c, level in s["levels"]}
    planned = dict(current)
    for e, c, target in s["open_items"]:
        planned[(e, c)] = max(planned.get((e, c), 0), target)
    run = dict(planned)
    load = Counter(e for e, _c, _t in s["open_items"])
    wants = {(e, c) for e, c, _t in s["interests"]}
    demand = []
    for t in sorted(s["team_ids"]):
        for _t, c, level, k, w in sorted(
            (r for r in s["requirements"] if r[0] == t), key=lambda r: (-r[4], r[1])
        ):
            shortfall = k - sum(1 for m in members[t] if run.get((m, c), 0) >= level)
            if shortfall <= 0 or s["scale_max"][c] < level:
                continue
            candidates = sorted(
                (m for m in sorted(members[t]) if m in eligible and run.get((m, c), 0) < level),
                key=lambda m, c=c, level=level: ((m, c) not in wants, level - run.get((m, c), 0), load[m], m),
            )
            for m in candidates[:shortfall]:
                demand.append((m, c, level, 0, t, {3: 1, 2: 2, 1: 3}[w]))
                run[(m, c)] = level
                load[m] += 1
    for e, c, target in s["role_targets"]:
        target = min(target, s["scale_max"][c])
        if e in eligible and target > planned.get((e, c), 0):
            demand.append((e, c, target, 1, None, 2))
    for e, c, target in s["interests"]:
        target = min(target or current.get((e, c), 0) + 1, s["scale_max"][c])
        if e in eligible and target > planned.get((e, c), 0):
            demand.append((e, c, target, 2, None, 3))
    merged = {}
    for e, c, target, rank, team, priority in demand:
        merged.setdefault((e, c), []).append((rank, -target, priority, team or 0, target))
    result = {}
    for key, rows in merged.items():
        best = min(rows)
        result[key] = (
            max(row[4] for row in rows),
            generation.REASONS[best[0]],
            best[3] or None,
            min(row[2] for row in rows),
        )
    return result


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_generation_agrees_with_reference_and_keeps_its_invariants(s):
    data = make(**s)
    result = generate(data)
    items = items_by_key(result)
    assert len(items) == len(result.items)  # one item per (employee, competency)

    expected = reference_demand(s)
    assert {
        key: (i["target_level"], i["reason"], i["team_id"], i["priority"]) for key, i in items.items()
    } == expected

    current = {(e, c): level for e, c, level in s["levels"]}
    capacity = Decimal(s["capacity"])
    hours = defaultdict(list)
    mentees = defaultdict(set)
    for (e, c), item in items.items():
        assert item["current_level"] == current.get((e, c), 0) < item["target_level"] <= s["scale_max"][c]
        assert item["period"] >= "2027-Q1" and (e, item["period"]) not in data.locked
        hours[(e, item["period"])].append(item["hours"])
        if item["mentor_id"] is not None:
            assert item["mentor_id"] != e
            assert current.get((item["mentor_id"], c), 0) >= item["target_level"]
            mentees[(item["mentor_id"], item["period"])].add(e)
        if item["measure_id"] is not None:
            measure = next(m for m in s["measures"] if m[0] == item["measure_id"])
            assert (
                measure[1] == c and measure[2] <= item["current_level"] and measure[3] >= item["target_level"]
            )
        if s["budget"] is None:
            assert item["needs_approval"] is False
    for load in hours.values():
        assert sum(load) <= capacity or len(load) == 1
    assert all(len(people) <= generation.MAX_MENTEES for people in mentees.values())

    shuffled = {
        key: (list(reversed(value)) if isinstance(value, list) else value) for key, value in s.items()
    }
    assert generate(make(**shuffled)) == result
