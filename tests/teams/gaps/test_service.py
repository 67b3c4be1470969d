"""teams.gaps.service against plain references (docs/service-operations.md)."""

import datetime
import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teams.gaps import engine, service

D = datetime.date


def make_input(levels=(), memberships=(), requirements=()):
    return engine.AnalysisInput(
        levels=pd.DataFrame(list(levels), columns=engine.LEVEL_COLUMNS).astype(
            {"employee_id": "int64", "competency_id": "int64", "level": "int64", "confirmed": "bool"}
        ),
        memberships=pd.DataFrame(list(memberships), columns=engine.MEMBERSHIP_COLUMNS, dtype="int64"),
        requirements=pd.DataFrame(list(requirements), columns=engine.REQUIREMENT_COLUMNS, dtype="int64"),
        role_targets=engine.empty_frame(engine.ROLE_TARGET_COLUMNS),
    )


def needs(rows):
    return pd.DataFrame(list(rows), columns=service.NEED_COLUMNS, dtype="int64")


def units(rows):
    return pd.DataFrame(list(rows), columns=["team_id", "system_id", "units"], dtype="int64")


def test_server_must_hold_every_need_of_the_system():
    data = make_input(
        levels=[(1, 10, 3, True), (1, 11, 2, True), (2, 10, 3, True), (2, 11, 1, True), (3, 10, 4, True)],
        memberships=[(7, 1), (7, 2), (7, 3)],
    )
    table = service.system_table(
        data, needs([(100, 10, 3), (100, 11, 2)]), units([(7, 100, 1800)]), team_ids=[7]
    )
    row = table.iloc[0]
    assert row["servers"] == [1]
    assert row["status"] == service.STATUS_SINGLE_SERVER
    assert row["units_per_server"] == 1800


def test_system_nobody_can_serve_is_a_risk_and_has_no_units_per_server():
    data = make_input(levels=[(1, 10, 1, True)], memberships=[(7, 1)])
    table = service.system_table(
        data, needs([(100, 10, 3)]), units([(7, 100, 50), (7, 101, 0)]), team_ids=[7]
    )
    # System 101 needs nothing: its one member serves it, but it has no units, so it is no risk.
    assert table["status"].tolist() == [service.STATUS_UNSERVED, service.STATUS_SINGLE_SERVER]
    assert math.isnan(table.iloc[0]["units_per_server"])
    assert service.system_risks(table)["system_id"].tolist() == [100]


def test_subsystem_inherits_needs_at_the_higher_level():
    merged = service.needs_with_ancestors(needs([(1, 10, 2), (2, 10, 3), (2, 11, 1)]), {1: None, 2: 1, 3: 2})
    assert merged.to_numpy().tolist() == [[1, 10, 2], [2, 10, 3], [2, 11, 1], [3, 10, 3], [3, 11, 1]]


def test_end_of_life_lowers_and_launch_raises_the_forecast():
    installed = pd.DataFrame(
        [(7, 1, D(2026, 1, 1), 100), (7, 1, D(2026, 6, 1), 120), (7, 2, D(2026, 1, 1), 40)],
        columns=service.INSTALLED_COLUMNS,
    )
    systems = pd.DataFrame(
        [(1, None, D(2027, 1, 1)), (2, D(2027, 3, 1), None)], columns=service.SYSTEM_COLUMNS
    )
    now = service.installed_units(installed, systems, on=D(2026, 7, 1))
    assert now.to_numpy().tolist() == [[7, 1, 120], [7, 2, 0]]
    later = service.installed_units(installed, systems, on=D(2027, 4, 1))
    assert later.to_numpy().tolist() == [[7, 1, 0], [7, 2, 40]]


def work_of(tickets, needs_rows=()):
    """``ticket_work`` from rows (ticket_id, team, system, duration, outside, {competency: level})."""
    system_work = (
        pd.DataFrame(
            [(t, s, 1, d, int(o)) for _i, t, s, d, o, _tags in tickets], columns=service.SYSTEM_WORK_COLUMNS
        )
        .groupby(["team_id", "system_id"], as_index=False)
        .sum()
    )
    tag_rows = [(t, s, c, lvl, 1, d, int(o)) for _i, t, s, d, o, tags in tickets for c, lvl in tags.items()]
    tag_work = (
        pd.DataFrame(tag_rows, columns=service.WORK_COLUMNS)
        .groupby(service.WORK_COLUMNS[:4], as_index=False)
        .sum()
    )
    return service.ticket_work(system_work, tag_work, needs(needs_rows))


def test_suggestion_counts_hours_and_outside_share():
    tickets = [(i, 7, 100, 10.0, i < 10, {}) for i in range(100)]
    work = work_of(tickets, [(100, 10, 3)])
    result = service.demand_suggestions(
        work, engine.empty_frame(engine.REQUIREMENT_COLUMNS), hours_per_person=400
    )
    row = result.iloc[0]
    # 1000 h / 400 h = 3 people, +1 for 10 % outside office hours, weight 2.
    assert (row["jobs"], row["min_people"], row["weight"], row["system_id"]) == (100, 4, 2, 100)


def test_suggestion_already_met_is_not_shown():
    work = work_of([(1, 7, 100, 2.0, False, {10: 3})])
    have = pd.DataFrame([(7, 10, 4, 2, 3)], columns=engine.REQUIREMENT_COLUMNS)
    assert service.demand_suggestions(work, have, hours_per_person=1000).empty


def ref_work(tickets, needs_rows):
    """Ticket by ticket: each needed competency at the higher of system and tag level."""
    system_needs = {}
    for s, c, lvl in needs_rows:
        system_needs.setdefault(s, {})[c] = lvl
    totals = {}
    for _i, team, system, duration, outside, tags in tickets:
        pairs = dict(system_needs.get(system, {}))
        for c, lvl in tags.items():
            pairs[c] = max(lvl, pairs.get(c, 0))
        for c, lvl in pairs.items():
            jobs, hours, out = totals.get((team, system, c, lvl), (0, 0.0, 0))
            totals[(team, system, c, lvl)] = (jobs + 1, hours + duration, out + int(outside))
    return {k: (j, round(h, 6), o) for k, (j, h, o) in totals.items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tickets=st.lists(
        st.tuples(
            st.integers(1, 2),
            st.integers(1, 3),
            st.sampled_from([0.5, 1.0, 2.0]),
            st.booleans(),
            st.dictionaries(st.integers(1, 3), st.integers(1, 4), max_size=2),
        ),
        max_size=15,
    ),
    needs_rows=st.lists(
        st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4)),
        max_size=5,
        unique_by=lambda r: r[:2],
    ),
)
def test_ticket_work_matches_counting_ticket_by_ticket(tickets, needs_rows):
    numbered = [(i, *t) for i, t in enumerate(tickets)]
    work = work_of(numbered, needs_rows) if numbered else pd.DataFrame(columns=service.WORK_COLUMNS)
    got = {
        (int(r.team_id), int(r.system_id), int(r.competency_id), int(r.required_level)): (
            int(r.jobs),
            round(float(r.hours), 6),
            int(r.outside),
        )
        for r in work.itertuples(index=False)
    }
    assert got == ref_work(numbered, needs_rows)


def test_absent_people_are_not_on_duty_and_a_roster_names_who_works():
    days = [D(2026, 3, 1) + datetime.timedelta(days=i) for i in range(4)]
    absent = pd.DataFrame([(1, D(2026, 3, 2), D(2026, 3, 3))], columns=service.RANGE_COLUMNS)
    frame = service.on_duty_frame([1, 2], days=days, absent=absent, on_duty=None)
    assert sorted(zip(frame["on"], frame["employee_id"], strict=True)) == [
        (days[0], 1),
        (days[0], 2),
        (days[1], 2),
        (days[2], 2),
        (days[3], 1),
        (days[3], 2),
    ]
    roster = pd.DataFrame([(2, D(2026, 3, 3), D(2026, 3, 9))], columns=service.RANGE_COLUMNS)
    frame = service.on_duty_frame([1, 2], days=days, absent=absent, on_duty=roster)
    assert sorted(zip(frame["on"], frame["employee_id"], strict=True)) == [(days[2], 2), (days[3], 2)]


# --- References ------------------------------------------------------------------------------------------


def ref_servers(levels, members, system_needs):
    level = {(e, c): lvl for e, c, lvl in levels}
    return sorted(m for m in set(members) if all(level.get((m, c), 0) >= lvl for c, lvl in system_needs))


def ref_duty(levels, members, requirement, days, absent):
    level = {(e, c): lvl for e, c, lvl in levels}
    c, lvl, k = requirement
    out = []
    for d in days:
        present = [m for m in set(members) if not any(e == m and s <= d <= t for e, s, t in absent)]
        covered = sum(1 for m in present if level.get((m, c), 0) >= lvl)
        out.append((d, covered, "gap" if covered < k else "single_point" if covered == 1 else "ok"))
    return out


people = st.integers(1, 6)
topics = st.integers(1, 4)
level_rows = st.lists(st.tuples(people, topics, st.integers(0, 4)), max_size=20, unique_by=lambda r: r[:2])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    levels=level_rows,
    members=st.lists(people, max_size=6),
    system_needs=st.lists(st.tuples(topics, st.integers(1, 4)), max_size=3, unique_by=lambda r: r[0]),
    count=st.integers(0, 50),
)
def test_system_table_matches_reference(levels, members, system_needs, count):
    data = make_input(levels=[(*r, True) for r in levels], memberships=[(1, m) for m in set(members)])
    table = service.system_table(
        data, needs([(5, c, lvl) for c, lvl in system_needs]), units([(1, 5, count)]), team_ids=[1]
    )
    expected = ref_servers(levels, members, system_needs)
    assert table.iloc[0]["servers"] == expected
    assert table.iloc[0]["status"] == (
        "unserved" if not expected else "single_server" if len(expected) == 1 else "ok"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    levels=level_rows,
    members=st.lists(people, min_size=1, max_size=6),
    requirement=st.tuples(topics, st.integers(1, 4), st.integers(1, 3)),
    absences=st.lists(st.tuples(people, st.integers(0, 9), st.integers(0, 4)), max_size=6),
)
def test_duty_table_matches_reference(levels, members, requirement, absences):
    first = D(2026, 3, 27)  # spans the change to summer time; dates are days, not instants
    days = [first + datetime.timedelta(days=i) for i in range(10)]
    absent_rows = [
        (e, first + datetime.timedelta(days=s), first + datetime.timedelta(days=s + n))
        for e, s, n in absences
    ]
    c, lvl, k = requirement
    data = make_input(
        levels=[(*r, True) for r in levels],
        memberships=[(1, m) for m in set(members)],
        requirements=[(1, c, lvl, k, 2)],
    )
    table = service.duty_table(
        data,
        team_id=1,
        days=days,
        absent=pd.DataFrame(absent_rows, columns=service.RANGE_COLUMNS),
        on_duty=None,
    )
    got = list(zip(table["on"], table["covered"].astype(int), table["status"], strict=True))
    assert got == ref_duty(levels, members, requirement, days, absent_rows)


def test_competency_need_sums_the_units_of_the_systems_needing_each_pair():
    installed = units([(7, 1, 100), (7, 2, 40), (8, 1, 5)])
    need = service.competency_need(installed, needs([(1, 10, 3), (2, 10, 3), (2, 11, 1)]))
    assert need.to_numpy().tolist() == [[7, 10, 3, 140], [7, 11, 1, 40], [8, 10, 3, 5]]
