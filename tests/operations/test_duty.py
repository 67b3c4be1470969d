"""Rosters from iCalendar and CSV: recurring events, time zones across DST, reversed and overlapping rows."""

import datetime
import io

import pytest

from operations import duty
from operations.models import DutyEntry
from tests.factories import EmployeeFactory

D = datetime.date
WINDOW = (D(2026, 1, 1), D(2026, 12, 31))


def ics(*events):
    body = "".join(f"BEGIN:VEVENT\r\nUID:{i}@test\r\n{e}END:VEVENT\r\n" for i, e in enumerate(events))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()


def test_daily_event_after_midnight_keeps_its_local_day_across_the_change_to_summer_time():
    # 00:30 in Berlin is 23:30 UTC the day before in winter and 22:30 in summer: dates come from local time.
    data = ics(
        "SUMMARY:P-1: Bereitschaft\r\nDTSTART;TZID=Europe/Berlin:20260327T003000\r\n"
        "DTEND;TZID=Europe/Berlin:20260327T010000\r\nRRULE:FREQ=DAILY;COUNT=4\r\n"
    )
    entries = duty.parse_ical(data, window=WINDOW)
    assert [(e.kind, e.start, e.end) for e in entries] == [
        (DutyEntry.ON_CALL, D(2026, 3, d), D(2026, 3, d)) for d in (27, 28, 29, 30)
    ]


def test_utc_event_moves_to_the_next_local_day_when_summer_time_starts():
    # 22:30 UTC is 23:30 in Berlin in winter but 00:30 the next day in summer time.
    data = ics(
        "SUMMARY:P-1: Schicht\r\nDTSTART:20260327T223000Z\r\nDTEND:20260327T224500Z\r\n"
        "RRULE:FREQ=DAILY;COUNT=3\r\n"
    )
    days = [e.start for e in duty.parse_ical(data, window=WINDOW)]
    assert days == [D(2026, 3, 27), D(2026, 3, 28), D(2026, 3, 30)]


def test_weekly_rule_across_the_end_of_summer_time_with_an_exception():
    data = ics(
        "SUMMARY:P-1: on call\r\nDTSTART;TZID=Europe/Berlin:20261017T230000\r\n"
        "DTEND;TZID=Europe/Berlin:20261018T070000\r\nRRULE:FREQ=WEEKLY;UNTIL=20261108T000000Z\r\n"
        "EXDATE;TZID=Europe/Berlin:20261024T230000\r\n"
    )
    entries = duty.parse_ical(data, window=WINDOW)
    assert [(e.start, e.end) for e in entries] == [
        (D(2026, 10, 17), D(2026, 10, 18)),
        (D(2026, 10, 31), D(2026, 11, 1)),
        (D(2026, 11, 7), D(2026, 11, 8)),
    ]


def test_all_day_holiday_ends_the_day_before_its_exclusive_end():
    data = ics("SUMMARY:P-1: Urlaub\r\nDTSTART;VALUE=DATE:20260803\r\nDTEND;VALUE=DATE:20260815\r\n")
    (entry,) = duty.parse_ical(data, window=WINDOW)
    assert (entry.kind, entry.start, entry.end) == (DutyEntry.ABSENT, D(2026, 8, 3), D(2026, 8, 14))


def test_event_ending_before_it_starts_is_rejected():
    data = ics("SUMMARY:P-1: Urlaub\r\nDTSTART;VALUE=DATE:20260810\r\nDTEND;VALUE=DATE:20260803\r\n")
    with pytest.raises(duty.RosterRejected):
        duty.parse_ical(data, window=WINDOW)


def test_csv_reversed_entry_is_rejected_and_nothing_written(db):
    EmployeeFactory(personnel_no="P-1")
    data = (
        b"personnel_no;kind;start;end\nP-1;absent;2026-08-03;2026-08-14\nP-1;absent;2026-09-10;2026-09-01\n"
    )
    with pytest.raises(duty.RosterRejected) as rejected:
        duty.import_roster(io.BytesIO(data), "roster.csv", window=WINDOW)
    assert [(p.row, p.column) for p in rejected.value.problems] == [(3, "end")]
    assert not DutyEntry.objects.exists()


def test_csv_unknown_person_is_reported_with_closest_number(db):
    EmployeeFactory(personnel_no="P-1001")
    data = b"personnel_no;kind;start;end\nP-1010;absent;2026-08-03;2026-08-14\n"
    with pytest.raises(duty.RosterRejected) as rejected:
        duty.import_roster(io.BytesIO(data), "roster.csv", window=WINDOW)
    assert rejected.value.problems[0].suggestions == ["P-1001"]


def test_overlapping_entries_of_one_person_are_merged_and_duty_during_absence_warned(db):
    person = EmployeeFactory(personnel_no="P-1")
    data = (
        b"personnel_no;kind;start;end\n"
        b"P-1;absent;2026-08-03;2026-08-10\nP-1;absent;2026-08-08;2026-08-14\n"
        b"P-1;on_call;2026-08-12;2026-08-20\n"
    )
    report = duty.import_roster(io.BytesIO(data), "roster.csv", window=WINDOW)
    assert report.merged == 1
    assert len(report.warnings) == 1
    assert sorted(DutyEntry.objects.filter(employee=person).values_list("kind", "start", "end")) == [
        ("absent", D(2026, 8, 3), D(2026, 8, 14)),
        ("on_call", D(2026, 8, 12), D(2026, 8, 20)),
    ]
    # Importing the same file again adds nothing.
    assert duty.import_roster(io.BytesIO(data), "roster.csv", window=WINDOW).created == 0
