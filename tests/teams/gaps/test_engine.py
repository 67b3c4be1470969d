"""teams.gaps.engine on small hand-built frames, and property tests against a plain-loop reference.

The reference below is written from SPEC.md's text ("Effective level", "Gap analysis") with the
slowest, most obvious loops; the engine and the effective-level selector must agree with it."""

import datetime
import itertools
import math
from dataclasses import replace

import pandas as pd
import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competencies.models import Assessment, Employee, RoleRequirement
from competencies.selectors import effective_levels, effective_levels_at
from teams.gaps import engine
from teams.gaps.inputs import analysis_input
from teams.gaps.report import gap_reports
from teams.models import Membership, TeamRequirement
from tests.factories import CompetencyFactory, EmployeeFactory, RoleProfileFactory, TeamFactory

# --------------------------------------------------------------------------------------------------
# Building engine input by hand


def make_input(levels=(), memberships=(), requirements=(), role_targets=()):
    """AnalysisInput from plain tuples: levels (e, c, level[, confirmed]), memberships (t, e),
    requirements (t, c, L, k, w), role_targets (e, c, target)."""
    level_rows = [(*row, True) if len(row) == 3 else row for row in levels]
    return engine.AnalysisInput(
        levels=_frame(level_rows, engine.LEVEL_COLUMNS).astype({"confirmed": "bool"}),
        memberships=_frame(memberships, engine.MEMBERSHIP_COLUMNS),
        requirements=_frame(requirements, engine.REQUIREMENT_COLUMNS),
        role_targets=_frame(role_targets, engine.ROLE_TARGET_COLUMNS),
    )


def _frame(rows, columns):
    if not rows:
        return engine.empty_frame(columns)
    return pd.DataFrame(list(rows), columns=columns).astype({c: "int64" for c in columns if c != "confirmed"})


def rows_by_requirement(table):
    return {(int(r.team_id), int(r.competency_id)): r for r in table.itertuples(index=False)}


# Team 1: members 10, 11, 12, 13. Team 2: members 13 (also in team 1), 20.
MEMBERSHIPS = [(1, 10), (1, 11), (1, 12), (1, 13), (2, 13), (2, 20)]
LEVELS = [
    (10, 100, 3),
    (11, 100, 2),
    (12, 100, 4),
    (10, 101, 2),
    (11, 101, 1),
    (12, 102, 1),
    (13, 102, 3),
    (20, 102, 2),
    (13, 100, 1, False),  # a self-assessment: unconfirmed
]
REQUIREMENTS = [
    (1, 100, 3, 2, 3),  # holders 10, 12 → ok
    (1, 101, 2, 2, 1),  # holder 10 only → gap, shortfall 1
    (1, 102, 2, 1, 2),  # holder 13 → single point
    (2, 102, 3, 2, 3),  # holder 13 → gap, near 20
    (2, 100, 1, 1, 1),  # holder 13 (unconfirmed self level 1)
]


@pytest.fixture
def sample():
    return make_input(LEVELS, MEMBERSHIPS, REQUIREMENTS)


def test_requirement_table_counts_holders_near_holders_and_status(sample):
    rows = rows_by_requirement(engine.requirement_table(sample))
    ok, gap, single = rows[(1, 100)], rows[(1, 101)], rows[(1, 102)]
    assert (ok.covered, ok.shortfall, ok.status, ok.holders, ok.near_holders) == (2, 0, "ok", [10, 12], [11])
    assert (gap.covered, gap.shortfall, gap.status, gap.holders, gap.near_holders) == (
        1,
        1,
        "gap",
        [10],
        [11],
    )
    assert (single.covered, single.shortfall, single.status) == (1, 0, "single_point")
    assert (single.holders, single.near_holders) == ([13], [12])
    other = rows[(2, 102)]
    assert (other.covered, other.shortfall, other.status, other.holders, other.near_holders) == (
        1,
        1,
        "gap",
        [13],
        [20],
    )


def test_requirement_table_is_ordered_by_team_and_competency(sample):
    table = engine.requirement_table(sample)
    assert list(zip(table["team_id"], table["competency_id"], strict=True)) == [
        (1, 100),
        (1, 101),
        (1, 102),
        (2, 100),
        (2, 102),
    ]


def test_near_holders_of_level_one_are_the_unassessed_members():
    data = make_input([(10, 100, 1), (11, 100, 4)], [(1, 10), (1, 11), (1, 12), (1, 13)], [(1, 100, 1, 3, 2)])
    row = engine.requirement_table(data).iloc[0]
    assert (row["holders"], row["near_holders"], row["shortfall"]) == ([10, 11], [12, 13], 1)


def test_no_holder_is_a_gap_even_for_one_person_requirement():
    data = make_input([], [(1, 10)], [(1, 100, 2, 1, 2)])
    row = engine.requirement_table(data).iloc[0]
    assert (row["covered"], row["shortfall"], row["status"]) == (0, 1, "gap")


def test_two_holders_of_a_one_person_requirement_are_ok():
    data = make_input([(10, 100, 2), (11, 100, 3)], [(1, 10), (1, 11)], [(1, 100, 2, 1, 2)])
    row = engine.requirement_table(data).iloc[0]
    assert (row["covered"], row["shortfall"], row["status"]) == (2, 0, "ok")


def test_coverage_weights_shortfalls(sample):
    table = engine.requirement_table(sample)
    coverage = engine.coverage_by_team(table, [1, 2, 3])
    # team 1: lost 1·1 of 3·2 + 1·2 + 2·1 = 10; team 2: lost 3·1 of 3·2 + 1·1 = 7; team 3 has none.
    assert coverage[1] == pytest.approx(1 - 1 / 10)
    assert coverage[2] == pytest.approx(1 - 3 / 7)
    assert coverage[3] == 1.0


def test_team_without_requirements_has_full_coverage():
    data = make_input([(10, 100, 4)], [(1, 10)], [])
    table = engine.requirement_table(data)
    assert table.empty
    assert engine.coverage_by_team(table, [1]).to_dict() == {1: 1.0}


def test_team_with_requirements_and_no_members_has_everything_short():
    data = make_input([(10, 100, 4)], [(2, 10)], [(1, 100, 2, 2, 3), (1, 101, 1, 1, 1)])
    table = engine.requirement_table(data)
    assert table["covered"].tolist() == [0, 0]
    assert table["shortfall"].tolist() == [2, 1]
    assert table["status"].tolist() == ["gap", "gap"]
    assert table["holders"].tolist() == [[], []]
    assert table["near_holders"].tolist() == [[], []]
    assert engine.coverage_by_team(table, [1]).to_dict() == {1: 0.0}


def test_nobody_anywhere_still_yields_requirement_rows():
    data = make_input([], [], [(1, 100, 2, 2, 3)])
    table = engine.requirement_table(data)
    assert (table.loc[0, "covered"], table.loc[0, "shortfall"]) == (0, 2)


def test_member_of_several_teams_counts_in_each(sample):
    rows = rows_by_requirement(engine.requirement_table(sample))
    assert 13 in rows[(1, 102)].holders
    assert 13 in rows[(2, 102)].holders


def test_counting_without_unconfirmed_levels_drops_self_assessments(sample):
    counted = rows_by_requirement(engine.requirement_table(sample.counting(count_unconfirmed=True)))
    assert counted[(2, 100)].holders == [13]
    strict = rows_by_requirement(engine.requirement_table(sample.counting(count_unconfirmed=False)))
    assert strict[(2, 100)].holders == []
    assert strict[(2, 100)].near_holders == [13, 20]


def test_role_gaps_and_role_fit():
    data = make_input(
        levels=[(10, 100, 1), (10, 101, 4), (11, 100, 3)],
        role_targets=[(10, 100, 3), (10, 101, 2), (10, 102, 2), (11, 100, 3)],
    )
    gaps, fit = engine.member_role_fit(data, [10, 11, 12])
    assert gaps[["employee_id", "competency_id", "target", "level", "gap"]].to_dict("records") == [
        {"employee_id": 10, "competency_id": 100, "target": 3, "level": 1, "gap": 2},
        {"employee_id": 10, "competency_id": 102, "target": 2, "level": 0, "gap": 2},
    ]
    # 10: Σgap 4 of Σtarget 7 (exceeding a target does not offset another gap); 11 fits; 12 has no role.
    assert fit.to_dict() == pytest.approx({10: 1 - 4 / 7, 11: 1.0, 12: 1.0})


def test_role_fit_is_undefined_for_people_without_a_role_profile():
    data = replace(make_input(role_targets=[(10, 100, 3)]), without_role_profile=frozenset({12}))
    gaps, fit = engine.member_role_fit(data, [10, 11, 12])
    assert fit[10] == 0.0
    assert fit[11] == 1.0  # a role profile without requirements
    assert math.isnan(fit[12])
    assert 12 not in set(gaps["employee_id"])


def test_rollup_coverage_sums_over_the_subtree(sample):
    table = engine.requirement_table(sample)
    rollup = engine.rollup_coverage(table, {99: [1, 2], 1: [1], 3: [3]})
    assert rollup[99] == pytest.approx(1 - (1 + 3) / (10 + 7))
    assert rollup[1] == pytest.approx(1 - 1 / 10)
    assert rollup[3] == 1.0


def test_team_members_are_sorted_and_distinct():
    data = make_input([], [(1, 12), (1, 10), (1, 12), (2, 11)], [])
    assert engine.team_members(data, 1) == [10, 12]
    assert engine.team_members(data, 3) == []


def test_what_if_join_adds_a_holder_without_touching_the_input(sample):
    before = sample.memberships.copy()
    changed = engine.what_if(sample, team_id=1, join=[20])
    rows = rows_by_requirement(engine.requirement_table(changed))
    assert rows[(1, 101)].holders == [10]
    assert rows[(1, 102)].holders == [13, 20]
    assert rows[(1, 102)].status == "ok"
    pd.testing.assert_frame_equal(sample.memberships, before)


def test_what_if_leave_removes_only_that_team_membership(sample):
    changed = engine.what_if(sample, team_id=1, leave=[13, 12])
    rows = rows_by_requirement(engine.requirement_table(changed))
    assert rows[(1, 102)].holders == []
    assert rows[(1, 100)].holders == [10]
    assert rows[(2, 102)].holders == [13]


def test_what_if_raise_replaces_the_effective_level(sample):
    before = sample.levels.copy()
    changed = engine.what_if(sample, team_id=1, raise_levels=[(11, 101, 2), (13, 101, 3)])
    rows = rows_by_requirement(engine.requirement_table(changed))
    assert rows[(1, 101)].holders == [10, 11, 13]
    assert rows[(1, 101)].status == "ok"
    assert engine.coverage_by_team(engine.requirement_table(changed), [1])[1] == 1.0
    pd.testing.assert_frame_equal(sample.levels, before)
    assert len(changed.levels) == len(before) + 1


def test_what_if_raise_on_empty_levels():
    data = make_input([], [(1, 10)], [(1, 100, 2, 1, 1)])
    changed = engine.what_if(data, team_id=1, raise_levels=[(10, 100, 2)])
    assert engine.requirement_table(changed).loc[0, "holders"] == [10]


def test_coverage_drop_without_counts_only_needed_holders():
    data = make_input(
        levels=[(10, 100, 3), (11, 100, 3), (12, 100, 3), (20, 100, 3), (21, 101, 2)],
        memberships=[(1, 10), (1, 11), (1, 12), (2, 20), (2, 21)],
        requirements=[(1, 100, 3, 2, 3), (1, 101, 1, 1, 1), (2, 100, 3, 1, 2), (2, 101, 2, 1, 2)],
    )
    table = engine.requirement_table(data)
    drop = engine.coverage_drop_without(table, [10, 11, 12, 20, 21])
    # team 1 has three holders for two places: nobody is missed. team 2: Σ w·k = 4, each is alone.
    assert drop == pytest.approx({20: 2 / 4, 21: 2 / 4})
    assert engine.coverage_drop_without(table.iloc[0:0], [10]) == {}


def test_staffing_hints_rank_by_smallest_coverage_drop_then_id():
    data = make_input(
        levels=[
            (10, 100, 1),
            (20, 100, 4),
            (21, 100, 3),
            (22, 102, 3),
            (30, 100, 3),
            (31, 100, 3),
            (40, 100, 2),
            (50, 100, 3),
        ],
        memberships=[(1, 10), (2, 20), (2, 21), (2, 22), (3, 30), (3, 31), (4, 40)],
        requirements=[
            (1, 100, 3, 1, 3),
            (2, 100, 3, 2, 3),  # 20 and 21 both needed there
            (2, 102, 3, 1, 1),
            (3, 100, 3, 1, 2),  # 30 and 31: either can go
        ],
    )
    table = engine.requirement_table(data)
    hints = engine.staffing_hints(
        data,
        table,
        team_id=1,
        competency_id=100,
        required_level=3,
        candidate_ids=[10, 20, 21, 30, 31, 40, 50],
    )
    assert [(h["employee_id"], h["level"]) for h in hints] == [(30, 3), (31, 3), (50, 3), (20, 4), (21, 3)]
    assert [h["coverage_drop"] for h in hints] == pytest.approx([0, 0, 0, 3 / 7, 3 / 7])


def test_staffing_hints_without_candidates_are_empty(sample):
    table = engine.requirement_table(sample)
    assert (
        engine.staffing_hints(
            sample, table, team_id=1, competency_id=100, required_level=3, candidate_ids=[10]
        )
        == []
    )
    assert (
        engine.staffing_hints(
            sample, table, team_id=1, competency_id=100, required_level=4, candidate_ids=[20]
        )
        == []
    )


# --------------------------------------------------------------------------------------------------
# The reference: SPEC.md in plain loops

CONFIRMED = {"manager", "certificate", "import"}
D0 = datetime.date(2026, 6, 15)


def ref_effective(history, on):
    """SPEC.md "Effective level" over ``history`` (dicts in creation order): (level, confirmed) or None."""
    best_confirmed = best_self = None
    for order, a in enumerate(history):
        if a["assessed_on"] > on:
            continue
        if a["valid_until"] is not None and a["valid_until"] < on:
            continue
        key = (a["assessed_on"], order)
        if a["source"] in CONFIRMED:
            if best_confirmed is None or key > best_confirmed[0]:
                best_confirmed = (key, a["level"])
        elif best_self is None or key > best_self[0]:
            best_self = (key, a["level"])
    if best_confirmed is not None:
        return best_confirmed[1], True
    if best_self is not None:
        return best_self[1], False
    return None


def ref_level(histories, employee, competency, on, count_unconfirmed):
    found = ref_effective(histories.get((employee, competency), []), on)
    if found is None:
        return 0
    level, confirmed = found
    if not confirmed and not count_unconfirmed:
        return 0
    return level


def ref_gap_analysis(*, histories, members, requirements, role_targets, on, count_unconfirmed):
    """members: team → set of employees; requirements: list of (t, c, L, k, w);
    role_targets: employee → {competency: target}. Returns (requirement rows, coverage, members)."""

    def level(e, c):
        return ref_level(histories, e, c, on, count_unconfirmed)

    rows = {}
    for t, c, required, k, _w in requirements:
        team = sorted(members.get(t, ()))
        holders = [e for e in team if level(e, c) >= required]
        near = [e for e in team if level(e, c) == required - 1]
        covered = len(holders)
        if covered < k:
            status = "gap"
        elif covered == 1:
            status = "single_point"
        else:
            status = "ok"
        rows[(t, c)] = {
            "covered": covered,
            "shortfall": max(0, k - covered),
            "status": status,
            "holders": holders,
            "near_holders": near,
        }
    coverage = {}
    for t in set(members) | {r[0] for r in requirements}:
        lost = needed = 0
        for t2, c, _required, k, w in requirements:
            if t2 == t:
                lost += w * rows[(t, c)]["shortfall"]
                needed += w * k
        coverage[t] = 1.0 if needed == 0 else 1 - lost / needed
    people = {}
    for e in sorted(set().union(*members.values()) if members else ()):
        targets = role_targets.get(e, {})
        gaps = []
        for c in sorted(targets):
            if level(e, c) < targets[c]:
                gaps.append(
                    {
                        "competency": c,
                        "target": targets[c],
                        "level": level(e, c),
                        "gap": targets[c] - level(e, c),
                    }
                )
        total = sum(targets.values())
        if e not in role_targets:
            fit = None  # no role profile
        elif total == 0:
            fit = 1.0
        else:
            fit = 1 - sum(g["gap"] for g in gaps) / total
        people[e] = {"role_fit": fit, "gaps": gaps}
    return rows, coverage, people


# --------------------------------------------------------------------------------------------------
# Strategies

EMPLOYEES = range(6)
COMPETENCIES = range(4)
TEAMS = range(3)
SOURCES = ["self", "manager", "certificate", "import"]


@st.composite
def assessment(draw):
    assessed = draw(st.integers(-6, 6))
    valid_for = draw(st.one_of(st.none(), st.integers(0, 8)))
    return {
        "level": draw(st.integers(0, 4)),
        "source": draw(st.sampled_from(SOURCES)),
        "assessed_on": D0 + datetime.timedelta(days=assessed),
        "valid_until": None if valid_for is None else D0 + datetime.timedelta(days=assessed + valid_for),
    }


def histories_strategy(employees=EMPLOYEES, competencies=COMPETENCIES, max_pairs=12):
    pairs = st.tuples(st.sampled_from(list(employees)), st.sampled_from(list(competencies)))
    return st.dictionaries(pairs, st.lists(assessment(), min_size=1, max_size=5), max_size=max_pairs)


requirement_values = st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3))
scenario = st.fixed_dictionaries(
    {
        "histories": histories_strategy(),
        "memberships": st.sets(st.tuples(st.sampled_from(list(TEAMS)), st.sampled_from(list(EMPLOYEES)))),
        "requirements": st.dictionaries(
            st.tuples(st.sampled_from(list(TEAMS)), st.sampled_from(list(COMPETENCIES))), requirement_values
        ),
        "role_targets": st.dictionaries(
            st.sampled_from(list(EMPLOYEES)),
            st.dictionaries(st.sampled_from(list(COMPETENCIES)), st.integers(1, 4), max_size=3),
        ),
        "offset": st.integers(-7, 7),
        "count_unconfirmed": st.booleans(),
    }
)


def engine_input_from(s, on):
    """Engine input whose levels are the reference's effective levels (the selector is checked
    against the same reference below, on the database)."""
    levels = []
    for (e, c), history in s["histories"].items():
        found = ref_effective(history, on)
        if found is not None:
            levels.append((e, c, found[0], found[1]))
    requirements = [(t, c, *values) for (t, c), values in s["requirements"].items()]
    role_targets = [
        (e, c, target) for e, targets in s["role_targets"].items() for c, target in targets.items()
    ]
    data = make_input(levels, sorted(s["memberships"]), requirements, role_targets)
    data = replace(
        data, without_role_profile=frozenset(e for _t, e in s["memberships"] if e not in s["role_targets"])
    )
    return data.counting(count_unconfirmed=s["count_unconfirmed"]), requirements


def members_of(memberships):
    members = {}
    for t, e in memberships:
        members.setdefault(t, set()).add(e)
    return members


@settings(max_examples=200, deadline=None)
@given(scenario)
def test_engine_agrees_with_reference(s):
    on = D0 + datetime.timedelta(days=s["offset"])
    data, requirements = engine_input_from(s, on)
    members = members_of(s["memberships"])
    ref_rows, ref_coverage, ref_people = ref_gap_analysis(
        histories=s["histories"],
        members=members,
        requirements=requirements,
        role_targets=s["role_targets"],
        on=on,
        count_unconfirmed=s["count_unconfirmed"],
    )

    table = engine.requirement_table(data)
    got_rows = {
        (int(r.team_id), int(r.competency_id)): {
            "covered": int(r.covered),
            "shortfall": int(r.shortfall),
            "status": r.status,
            "holders": [int(e) for e in r.holders],
            "near_holders": [int(e) for e in r.near_holders],
        }
        for r in table.itertuples(index=False)
    }
    assert got_rows == ref_rows

    coverage = engine.coverage_by_team(table, list(TEAMS))
    for t in TEAMS:
        assert coverage[t] == pytest.approx(ref_coverage.get(t, 1.0))

    member_ids = sorted(ref_people)
    gaps, fit = engine.member_role_fit(data, member_ids)
    got_gaps = {e: [] for e in member_ids}
    for r in gaps.itertuples(index=False):
        got_gaps[int(r.employee_id)].append(
            {
                "competency": int(r.competency_id),
                "target": int(r.target),
                "level": int(r.level),
                "gap": int(r.gap),
            }
        )
    assert got_gaps == {e: ref_people[e]["gaps"] for e in member_ids}
    assert {e: None if math.isnan(fit[e]) else fit[e] for e in member_ids} == pytest.approx(
        {e: ref_people[e]["role_fit"] for e in member_ids}
    )

    subtrees = {100: list(TEAMS), 101: [0, 1]}
    for department, team_ids in subtrees.items():
        lost = sum(w * ref_rows[(t, c)]["shortfall"] for t, c, _l, _k, w in requirements if t in team_ids)
        needed = sum(w * k for t, _c, _l, k, w in requirements if t in team_ids)
        expected = 1.0 if needed == 0 else 1 - lost / needed
        assert engine.rollup_coverage(table, subtrees)[department] == pytest.approx(expected)


@settings(max_examples=100, deadline=None)
@given(scenario, st.sampled_from(list(TEAMS)), st.sets(st.sampled_from(list(EMPLOYEES)), max_size=3))
def test_what_if_join_equals_having_the_members(s, team, joiners):
    on = D0 + datetime.timedelta(days=s["offset"])
    data, _ = engine_input_from(s, on)
    hypothetical = engine.requirement_table(engine.what_if(data, team_id=team, join=sorted(joiners)))
    real = dict(s, memberships=s["memberships"] | {(team, e) for e in joiners})
    actual = engine.requirement_table(engine_input_from(real, on)[0])
    pd.testing.assert_frame_equal(hypothetical, actual)

    left = engine.requirement_table(engine.what_if(data, team_id=team, leave=sorted(joiners)))
    real = dict(s, memberships={(t, e) for t, e in s["memberships"] if not (t == team and e in joiners)})
    actual = engine.requirement_table(engine_input_from(real, on)[0])
    pd.testing.assert_frame_equal(left, actual)


# --------------------------------------------------------------------------------------------------
# The effective-level selector against the reference, on the database

DB_PROPERTY = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def people(db):
    return [e.pk for e in EmployeeFactory.create_batch(len(EMPLOYEES))], [
        c.pk for c in CompetencyFactory.create_batch(len(COMPETENCIES))
    ]


def write_histories(histories, employee_ids, competency_ids):
    """Assessments in the order of each history (creation order = id order), interleaving pairs."""
    queues = {pair: list(history) for pair, history in histories.items()}
    rows = []
    for step in itertools.count():
        batch = [(pair, queue[step]) for pair, queue in queues.items() if step < len(queue)]
        if not batch:
            break
        for (e, c), a in batch:
            rows.append(Assessment(employee_id=employee_ids[e], competency_id=competency_ids[c], **a))
    Assessment.objects.bulk_create(rows)


@pytest.mark.django_db
@DB_PROPERTY
@given(histories=histories_strategy(), offsets=st.lists(st.integers(-8, 8), min_size=1, max_size=3))
def test_effective_levels_agree_with_reference(people, histories, offsets):
    employee_ids, competency_ids = people
    dates = [D0 + datetime.timedelta(days=o) for o in offsets]
    with transaction.atomic():
        write_histories(histories, employee_ids, competency_ids)
        single = effective_levels(on=dates[0], employee_ids=employee_ids)
        stacked = effective_levels_at(dates=dates, employee_ids=employee_ids)
        transaction.set_rollback(True)

    def expected(on):
        result = {}
        for (e, c), history in histories.items():
            found = ref_effective(history, on)
            if found is not None:
                result[(employee_ids[e], competency_ids[c])] = found
        return result

    assert {
        (r.employee_id, r.competency_id): (r.level, r.confirmed) for r in single.itertuples()
    } == expected(dates[0])
    for on in set(dates):
        at = stacked[stacked["on"] == on]
        assert {
            (r.employee_id, r.competency_id): (r.level, r.confirmed) for r in at.itertuples()
        } == expected(on)


membership_span = st.tuples(
    st.sampled_from(list(TEAMS)),
    st.sampled_from(list(EMPLOYEES)),
    st.integers(-5, 5),
    st.one_of(st.none(), st.integers(0, 6)),
)


@pytest.mark.django_db
@DB_PROPERTY
@given(
    histories=histories_strategy(),
    spans=st.lists(membership_span, max_size=10),
    requirements=st.dictionaries(
        st.tuples(st.sampled_from(list(TEAMS)), st.sampled_from(list(COMPETENCIES))),
        requirement_values,
        max_size=6,
    ),
    profiles=st.lists(
        st.dictionaries(st.sampled_from(list(COMPETENCIES)), st.integers(1, 4), max_size=3),
        min_size=2,
        max_size=2,
    ),
    roles=st.dictionaries(st.sampled_from(list(EMPLOYEES)), st.integers(0, 1)),
    offset=st.integers(-6, 6),
    count_unconfirmed=st.booleans(),
)
def test_gap_reports_agree_with_reference(
    people, histories, spans, requirements, profiles, roles, offset, count_unconfirmed
):
    """End to end through selectors and reports: membership dates, several teams, the setting."""
    employee_ids, competency_ids = people
    on = D0 + datetime.timedelta(days=offset)
    with transaction.atomic():
        teams = TeamFactory.create_batch(len(TEAMS))
        write_histories(histories, employee_ids, competency_ids)
        Membership.objects.bulk_create(
            Membership(
                team=teams[t],
                employee_id=employee_ids[e],
                start=D0 + datetime.timedelta(days=start),
                end=None if length is None else D0 + datetime.timedelta(days=start + length),
            )
            for t, e, start, length in spans
        )
        TeamRequirement.objects.bulk_create(
            TeamRequirement(
                team=teams[t], competency_id=competency_ids[c], required_level=L, min_people=k, weight=w
            )
            for (t, c), (L, k, w) in requirements.items()
        )
        role_profiles = RoleProfileFactory.create_batch(len(profiles))
        RoleRequirement.objects.bulk_create(
            RoleRequirement(
                role_profile=role_profiles[p], competency_id=competency_ids[c], target_level=target
            )
            for p, targets in enumerate(profiles)
            for c, target in targets.items()
        )
        for e, p in roles.items():
            Employee.objects.filter(pk=employee_ids[e]).update(role_profile=role_profiles[p])
        with override_settings(SERVICELEAD_COUNT_UNCONFIRMED=count_unconfirmed):
            reports = gap_reports(teams=teams, on=on)
        transaction.set_rollback(True)

    members = {}
    for t, e, start, length in spans:
        if start <= offset and (length is None or start + length >= offset):
            members.setdefault(t, set()).add(e)
    ref_rows, ref_coverage, ref_people = ref_gap_analysis(
        histories=histories,
        members=members,
        requirements=[(t, c, *values) for (t, c), values in requirements.items()],
        role_targets={e: profiles[p] for e, p in roles.items()},
        on=on,
        count_unconfirmed=count_unconfirmed,
    )
    employee_index = {pk: i for i, pk in enumerate(employee_ids)}
    competency_index = {pk: i for i, pk in enumerate(competency_ids)}
    for t, report in enumerate(reports):
        assert report["coverage"] == round(ref_coverage.get(t, 1.0), 4)
        got = {
            (t, competency_index[r["competency"]["id"]]): {
                "covered": r["covered"],
                "shortfall": r["shortfall"],
                "status": r["status"],
                "holders": [employee_index[e] for e in r["holders"]],
                "near_holders": [employee_index[e] for e in r["near_holders"]],
            }
            for r in report["requirements"]
        }
        assert got == {key: row for key, row in ref_rows.items() if key[0] == t}
        assert [employee_index[m["employee"]["id"]] for m in report["members"]] == sorted(members.get(t, ()))
        for member in report["members"]:
            expected = ref_people[employee_index[member["employee"]["id"]]]
            fit = expected["role_fit"]
            assert member["role_fit"] == (None if fit is None else round(fit, 4))
            assert member["gaps"] == [
                dict(gap, competency=competency_ids[gap["competency"]]) for gap in expected["gaps"]
            ]


@pytest.mark.django_db
def test_analysis_input_lists_each_membership_once_and_only_active_ones():
    team, other = TeamFactory(), TeamFactory()
    twice, once, gone = EmployeeFactory.create_batch(3)
    Membership.objects.bulk_create(
        [
            Membership(team=team, employee=twice, start=D0 - datetime.timedelta(days=90)),
            Membership(team=team, employee=twice, start=D0 - datetime.timedelta(days=10), end=D0),
            Membership(team=other, employee=twice, start=D0),
            Membership(team=team, employee=once, start=D0 - datetime.timedelta(days=1)),
            Membership(
                team=team,
                employee=gone,
                start=D0 - datetime.timedelta(days=9),
                end=D0 - datetime.timedelta(days=1),
            ),
            Membership(team=other, employee=once, start=D0 + datetime.timedelta(days=1)),
        ]
    )
    data = analysis_input(on=D0, team_ids=[team.pk, other.pk])
    assert sorted(map(tuple, data.memberships.to_numpy().tolist())) == sorted(
        [(team.pk, twice.pk), (team.pk, once.pk), (other.pk, twice.pk)]
    )


def test_projection_raises_lower_levels_to_the_highest_target_per_date():
    levels = pd.DataFrame(
        {"on": [1, 1, 2], "employee_id": [10, 11, 10], "competency_id": [100, 100, 100], "level": [1, 4, 1]}
    ).assign(confirmed=False)
    projected = pd.DataFrame(
        {"on": [1, 1, 1, 2], "employee_id": [10, 10, 11, 11], "competency_id": 100, "level": [2, 3, 3, 2]}
    )
    raised = engine.apply_projected_levels(levels, projected, by=("on",))
    got = {(r.on, r.employee_id): (r.level, r.confirmed) for r in raised.itertuples()}
    # 10 on day 1: the highest target (3); 11 keeps a higher level; day 2: 11 had none, now 2; 10 stays 1.
    assert got == {(1, 10): (3, True), (1, 11): (4, False), (2, 10): (1, False), (2, 11): (2, True)}
