"""The ranked "closest to closing the gap" list: pending self-assessments that reach the level first, then
near-holders with an agreed plan item, then with an interest, then the rest; five shown, the rest "more"."""

from teams.gaps.team import closest_to_closing


def person(pk, name):
    return {"id": pk, "name": name}


PEOPLE = [person(pk, name) for pk, name in enumerate(["Ada", "Ben", "Cem", "Dora", "Emil", "Fay", "Gus"], 1)]


def requirement(*, status="gap", weight=3, shortfall=1, near=(), holders=(), competency_id=7, level=3):
    return {
        "competency_id": competency_id,
        "competency": f"Competency {competency_id}",
        "required_level": level,
        "status": status,
        "weight": weight,
        "shortfall": shortfall,
        "holders": [p for p in PEOPLE if p["id"] in holders],
        "near_holders": [p for p in PEOPLE if p["id"] in near],
    }


def names(entries):
    return [p["employee"]["name"] for p in entries]


def test_pending_first_then_planned_then_interested_then_the_rest_five_shown():
    # Gus (7) is two levels below but rated himself 3, waiting for confirmation.
    [found] = closest_to_closing(
        [requirement(near=(1, 2, 3, 4, 5, 6))],
        members=PEOPLE,
        pending={(7, 7): 3, (1, 7): 2},  # Ada's pending rating does not reach the level
        planned={(5, 7)},
        interests={(3, 7), (5, 7)},
    )
    assert names(found["candidates"]) == ["Gus", "Emil", "Cem", "Ada", "Ben"]
    assert [p["rank"] for p in found["candidates"]] == ["pending", "planned", "interested", "near", "near"]
    assert names(found["more"]) == ["Dora", "Fay"]


def test_a_pending_self_assessment_that_closes_a_critical_gap_is_flagged():
    [critical] = closest_to_closing(
        [requirement(weight=3, shortfall=1, near=(2,))],
        members=PEOPLE,
        pending={(1, 7): 4},
        planned=(),
        interests=(),
    )
    assert critical["closes_critical"] and critical["candidates"][0]["closes_critical"]
    assert not critical["candidates"][1]["closes_critical"]
    [useful] = closest_to_closing(
        [requirement(weight=1, shortfall=1)], members=PEOPLE, pending={(1, 7): 4}, planned=(), interests=()
    )
    assert not useful["closes_critical"]
    [two_short] = closest_to_closing(
        [requirement(weight=3, shortfall=2)], members=PEOPLE, pending={(1, 7): 4}, planned=(), interests=()
    )
    assert not two_short["closes_critical"]


def test_covered_requirements_and_holders_are_left_out_and_gaps_come_first():
    found = closest_to_closing(
        [
            requirement(
                status="single_point", weight=3, shortfall=0, holders=(1,), near=(2,), competency_id=8
            ),
            requirement(status="ok", shortfall=0, near=(3,), competency_id=9),
            requirement(weight=1, near=(4,), competency_id=10),
        ],
        members=PEOPLE,
        pending={(1, 8): 4},
        planned=(),
        interests=(),
    )
    assert [f["requirement"]["competency_id"] for f in found] == [10, 8]
    assert names(found[1]["candidates"]) == ["Ben"]
