"""The effective-level rule of SPEC.md, branch by branch, as competencies.selectors implements it."""

import datetime
import random

import pandas as pd
import pytest
from django.utils import timezone

from competencies.models import Assessment, Employee
from competencies.selectors import (
    effective_level_records,
    effective_levels,
    effective_levels_at,
    employee_effective_levels,
)
from tests.factories import AssessmentFactory, CompetencyFactory, EmployeeFactory

SELF = Assessment.Source.SELF
MANAGER = Assessment.Source.MANAGER
CERTIFICATE = Assessment.Source.CERTIFICATE
IMPORT = Assessment.Source.IMPORT

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 6, 15)


def day(offset):
    return D + datetime.timedelta(days=offset)


@pytest.fixture
def employee():
    return EmployeeFactory()


@pytest.fixture
def competency():
    return CompetencyFactory()


@pytest.fixture
def assess(employee, competency):
    def record(level, source, assessed_on, valid_until=None, **kwargs):
        kwargs.setdefault("employee", employee)
        kwargs.setdefault("competency", competency)
        return AssessmentFactory(
            level=level, source=source, assessed_on=assessed_on, valid_until=valid_until, **kwargs
        )

    return record


def effective(employee, competency, on=D):
    """(level, source, confirmed) of the pair on ``on``, or None when unassessed."""
    frame = effective_levels(on=on, employee_ids=[employee.pk], competency_ids=[competency.pk])
    if frame.empty:
        return None
    assert len(frame) == 1
    row = frame.iloc[0]
    return int(row["level"]), row["source"], bool(row["confirmed"])


def test_confirmed_beats_a_newer_self_assessment(assess, employee, competency):
    assess(2, MANAGER, day(-30))
    assess(4, SELF, day(-1))
    assert effective(employee, competency) == (2, MANAGER, True)


@pytest.mark.parametrize("latest", [MANAGER, CERTIFICATE, IMPORT])
def test_most_recent_confirmed_wins_among_confirmed_sources(assess, employee, competency, latest):
    older = [source for source in (MANAGER, CERTIFICATE, IMPORT) if source != latest]
    assess(1, older[0], day(-20))
    assess(2, older[1], day(-10))
    assess(3, latest, day(-5))
    assess(4, older[0], day(5))  # in the future of D: not yet known
    assert effective(employee, competency) == (3, latest, True)


def test_tie_on_assessed_on_takes_the_later_created_row(assess, employee, competency):
    first = assess(3, MANAGER, day(-5))
    second = assess(1, IMPORT, day(-5))
    assert second.pk > first.pk
    assert effective(employee, competency) == (1, IMPORT, True)


def test_tie_between_self_assessments_takes_the_later_created_row(assess, employee, competency):
    assess(4, SELF, day(-5))
    assess(2, SELF, day(-5))
    assert effective(employee, competency) == (2, SELF, False)


def test_certificate_expired_before_date_is_ignored(assess, employee, competency):
    assess(1, MANAGER, day(-100))
    assess(4, CERTIFICATE, day(-50), valid_until=day(-1))
    assert effective(employee, competency) == (1, MANAGER, True)


def test_certificate_valid_until_the_date_still_counts(assess, employee, competency):
    assess(1, MANAGER, day(-100))
    assess(4, CERTIFICATE, day(-50), valid_until=D)
    assert effective(employee, competency) == (4, CERTIFICATE, True)


def test_expired_confirmed_falls_back_to_self(assess, employee, competency):
    assess(4, CERTIFICATE, day(-50), valid_until=day(-1))
    assess(2, SELF, day(-60))
    assert effective(employee, competency) == (2, SELF, False)


def test_assessment_after_the_date_is_ignored(assess, employee, competency):
    assess(3, MANAGER, day(1))
    assert effective(employee, competency) is None
    assess(2, MANAGER, D)
    assert effective(employee, competency) == (2, MANAGER, True)


def test_past_date_gives_the_level_as_of_then(assess, employee, competency):
    assess(1, MANAGER, day(-300))
    assess(2, SELF, day(-250))
    assess(3, MANAGER, day(-100))
    assess(4, CERTIFICATE, day(-10), valid_until=day(100))
    assert effective(employee, competency, on=day(-301)) is None
    assert effective(employee, competency, on=day(-300)) == (1, MANAGER, True)
    assert effective(employee, competency, on=day(-200)) == (1, MANAGER, True)
    assert effective(employee, competency, on=day(-50)) == (3, MANAGER, True)
    assert effective(employee, competency, on=D) == (4, CERTIFICATE, True)
    assert effective(employee, competency, on=day(101)) == (3, MANAGER, True)


def test_only_self_assessments_give_the_latest_marked_unconfirmed(assess, employee, competency):
    assess(1, SELF, day(-30))
    assess(3, SELF, day(-3))
    assess(4, SELF, day(3))
    assert effective(employee, competency) == (3, SELF, False)


def test_nothing_assessed_means_absent_that_is_level_zero_unassessed(employee, competency):
    AssessmentFactory(competency=competency, level=4)  # somebody else's
    AssessmentFactory(employee=employee, level=4)  # another competency
    assert effective(employee, competency) is None


def test_filters_keep_pairs_apart(employee, competency):
    other_employee, other_competency = EmployeeFactory(), CompetencyFactory()
    AssessmentFactory(employee=employee, competency=competency, level=1, assessed_on=day(-1))
    AssessmentFactory(employee=employee, competency=other_competency, level=2, assessed_on=day(-1))
    AssessmentFactory(employee=other_employee, competency=competency, level=3, assessed_on=day(-1))
    frame = effective_levels(on=D)
    got = {(r.employee_id, r.competency_id): r.level for r in frame.itertuples()}
    assert got == {
        (employee.pk, competency.pk): 1,
        (employee.pk, other_competency.pk): 2,
        (other_employee.pk, competency.pk): 3,
    }
    only = effective_levels(on=D, employee_ids=[employee.pk], competency_ids=[other_competency.pk])
    assert only[["employee_id", "competency_id", "level"]].to_dict("records") == [
        {"employee_id": employee.pk, "competency_id": other_competency.pk, "level": 2}
    ]


def test_effective_levels_at_answers_several_dates_at_once(assess, employee, competency):
    assess(1, MANAGER, day(-30))
    assess(3, CERTIFICATE, day(-2), valid_until=day(2))
    assess(4, SELF, day(-1))
    frame = effective_levels_at(dates=[day(3), day(-40), D, day(-10)])
    got = [(r.on, r.level, r.confirmed) for r in frame.itertuples()]
    assert got == [(day(-10), 1, True), (D, 3, True), (day(3), 1, True)]


def test_one_date_and_several_dates_pick_the_same_rows():
    """One date on PostgreSQL takes DISTINCT ON over assessment_effective_idx, several dates a window
    function: over random histories (same-day ties, expiries, every source) both give the same rows."""
    rng = random.Random(7)
    people = EmployeeFactory.create_batch(4)
    topics = CompetencyFactory.create_batch(3)
    for _ in range(120):
        assessed = day(rng.randint(-60, 10))
        AssessmentFactory(
            employee=rng.choice(people),
            competency=rng.choice(topics),
            level=rng.randint(1, 4),
            source=rng.choice([SELF, MANAGER, CERTIFICATE, IMPORT]),
            assessed_on=assessed,
            valid_until=assessed + datetime.timedelta(days=rng.randint(0, 40))
            if rng.random() < 0.3
            else None,
        )
    dates = [day(offset) for offset in (-45, -20, -5, 0, 7)]
    together = effective_levels_at(dates=dates)
    for on in dates:
        expected = together[together["on"] == on].drop(columns="on").reset_index(drop=True)
        alone = effective_levels(on=on)
        assert len(alone) > 0
        pd.testing.assert_frame_equal(alone.reset_index(drop=True), expected)


def test_employee_filter_accepts_a_values_queryset(employee, competency):
    other = EmployeeFactory()
    AssessmentFactory(employee=employee, competency=competency, level=1, assessed_on=day(-1))
    AssessmentFactory(employee=other, competency=competency, level=2, assessed_on=day(-1))
    subquery = Employee.objects.filter(pk=other.pk).values("id")
    frame = effective_levels(on=D, employee_ids=subquery)
    assert frame["employee_id"].tolist() == [other.pk]
    assert effective_levels(on=D, employee_ids=[]).empty


def test_empty_result_has_the_documented_columns_and_types():
    frame = effective_levels(on=D)
    assert frame.empty
    assert list(frame.columns) == [
        "employee_id",
        "competency_id",
        "level",
        "source",
        "assessed_on",
        "confirmed",
    ]
    assert str(frame["level"].dtype) == "int64"


def test_employee_effective_levels_records(assess, employee, competency):
    assess(3, MANAGER, timezone.localdate() - datetime.timedelta(days=2))
    other = CompetencyFactory()
    AssessmentFactory(employee=employee, competency=other, level=1, source=SELF)
    records = {r["competency"].pk: r for r in employee_effective_levels(employee=employee)}
    assert set(records) == {competency.pk, other.pk}
    assert (records[competency.pk]["level"], records[competency.pk]["confirmed"]) == (3, True)
    assert (records[other.pk]["level"], records[other.pk]["confirmed"]) == (1, False)


def _history(employees, competencies):
    rows = []
    for e in employees:
        for c in competencies:
            rows += [
                Assessment(employee=e, competency=c, level=1, source=SELF, assessed_on=day(-40)),
                Assessment(employee=e, competency=c, level=2, source=MANAGER, assessed_on=day(-30)),
                Assessment(
                    employee=e,
                    competency=c,
                    level=4,
                    source=CERTIFICATE,
                    assessed_on=day(-20),
                    valid_until=day(-1),
                ),
            ]
    Assessment.objects.bulk_create(rows)


@pytest.mark.parametrize("size", [2, 20])
def test_effective_levels_is_one_query_however_many_people(django_assert_num_queries, size):
    employees = EmployeeFactory.create_batch(size)
    competencies = CompetencyFactory.create_batch(5)
    _history(employees, competencies)
    with django_assert_num_queries(1):
        frame = effective_levels(on=D, employee_ids=[e.pk for e in employees])
    assert len(frame) == size * 5
    assert set(frame["level"]) == {2}


def test_effective_level_records_are_the_frame_s_rows_without_pandas(django_assert_num_queries):
    employees = EmployeeFactory.create_batch(3)
    competencies = CompetencyFactory.create_batch(4)
    _history(employees, competencies)
    Assessment.objects.create(
        employee=employees[0], competency=competencies[0], level=3, source=SELF, assessed_on=day(-5)
    )
    ids = [e.pk for e in employees]
    with django_assert_num_queries(1):
        records = effective_level_records(on=D, employee_ids=ids)
    frame = effective_levels(on=D, employee_ids=ids)
    assert [tuple(record) for record in records] == [
        (int(r.employee_id), int(r.competency_id), int(r.level), r.source, r.assessed_on, bool(r.confirmed))
        for r in frame.itertuples(index=False)
    ]
    assert isinstance(records[0].assessed_on, datetime.date) and records[0].confirmed is True
