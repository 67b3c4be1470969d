"""teams.gaps.records: the one requirement record of an engine row, and the record filters."""

import pandas as pd

from teams.gaps import engine
from teams.gaps.records import categories_of, requirement_matches, requirement_records

ROW = {
    "team_id": 7, "competency_id": 3, "required_level": 3, "min_people": 2, "weight": 3, "covered": 1,
    "shortfall": 1, "status": "gap", "holders": [12], "near_holders": [15, 19],
}  # fmt: skip


def test_requirement_record_carries_spec_figures_under_the_callers_head():
    table = pd.DataFrame([ROW])
    [record] = requirement_records(
        table, head=lambda team_id, competency_id: {"team": team_id, "competency": {"id": competency_id}}
    )
    assert record == {
        "team": 7,
        "competency": {"id": 3},
        "required_level": 3,
        "min_people": 2,
        "weight": 3,
        "covered": 1,
        "shortfall": 1,
        "status": "gap",
        "holders": [12],
        "near_holders": [15, 19],
    }


def test_requirement_record_maps_holders_through_person():
    table = pd.DataFrame([ROW])
    [record] = requirement_records(table, head=lambda *_ids: {}, person=lambda e: f"P{e}")
    assert record["holders"] == ["P12"]
    assert record["near_holders"] == ["P15", "P19"]


def test_filters_and_categories_of_records():
    records = [
        {"category_id": 2, "category": "Methods", "weight": 1},
        {"category_id": 1, "category": "Technical", "weight": 3},
    ]
    assert [r["weight"] for r in records if requirement_matches(r, min_weight=2)] == [3]
    assert [r["weight"] for r in records if requirement_matches(r, category_id=2)] == [1]
    assert categories_of(records) == [(2, "Methods"), (1, "Technical")]


def test_coverage_formula_from_its_sums():
    assert engine.coverage(3, 7) == 1 - 3 / 7
    assert engine.coverage(0, 0) == 1.0
    got = engine.coverage(pd.Series([3, 0]), pd.Series([7, 0]))
    assert got.tolist() == [1 - 3 / 7, 1.0]
