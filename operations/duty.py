"""Absences and on-call/shift rosters from iCalendar or CSV files (docs/service-operations.md, "Duty").

Files only: the server never fetches a calendar URL. Every entry is validated before anything is written;
recurring events are expanded within a window; times are turned into dates in the organisation's time
zone, so a change to or from summer time never moves an event to another day."""

import csv
import datetime
import io
import zoneinfo
from dataclasses import dataclass, field
from typing import IO

from dateutil.rrule import rruleset, rrulestr
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from competencies.dates import parse_iso_date
from competencies.imports.lookups import closest

from .imports import Problem
from .models import DutyEntry

KIND_WORDS = {
    DutyEntry.ON_CALL: ("on call", "on-call", "bereitschaft", "rufbereitschaft"),
    DutyEntry.SHIFT: ("shift", "schicht", "dienst"),
}
CSV_KINDS = {
    "absent": DutyEntry.ABSENT,
    "abwesend": DutyEntry.ABSENT,
    "urlaub": DutyEntry.ABSENT,
    "holiday": DutyEntry.ABSENT,
    "on_call": DutyEntry.ON_CALL,
    "on call": DutyEntry.ON_CALL,
    "bereitschaft": DutyEntry.ON_CALL,
    "shift": DutyEntry.SHIFT,
    "schicht": DutyEntry.SHIFT,
}
MAX_OCCURRENCES = 5000


class RosterRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class RosterReport:
    created: int = 0
    merged: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    row: int
    person: str
    kind: str
    start: datetime.date
    end: datetime.date


def _zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _day(value, *, zone, is_end: bool) -> datetime.date:
    """The local date of an iCalendar DATE or DATE-TIME; an end is exclusive (the day of its last moment)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # floating time: already local
            value = value.replace(tzinfo=zone)
        local = value.astimezone(zone)
        if is_end:
            local -= datetime.timedelta(microseconds=1)
        return local.date()
    return value - datetime.timedelta(days=1) if is_end else value


def parse_ical(data: bytes, *, window: tuple[datetime.date, datetime.date]) -> list[Entry]:
    """Entries of the events of ``data``: the person is an attendee's e-mail or the personnel number
    before the first colon of the summary ("P-0012: Urlaub"); the kind comes from words of the summary
    (on call, shift; anything else is an absence). Recurring events are expanded within ``window``."""
    import icalendar

    zone = _zone()
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        raise RosterRejected([Problem(0, "", "", _("The calendar cannot be read: %s") % error)]) from None
    entries: list[Entry] = []
    problems: list[Problem] = []
    first, last = window
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        summary = str(event.get("SUMMARY", ""))
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
        emails = [str(a).removeprefix("mailto:").removeprefix("MAILTO:") for a in attendees]
        person = emails[0] if emails else summary.split(":", 1)[0].strip()
        words = summary.casefold()
        kind = next(
            (k for k, names in KIND_WORDS.items() if any(n in words for n in names)), DutyEntry.ABSENT
        )
        if "DTSTART" not in event:
            problems.append(Problem(number, "DTSTART", summary, _("The event has no start.")))
            continue
        start = event.decoded("DTSTART")
        if "DTEND" in event:
            end = event.decoded("DTEND")
        elif "DURATION" in event:
            end = start + event.decoded("DURATION")
        else:
            end = start + datetime.timedelta(days=1) if not isinstance(start, datetime.datetime) else start
        if end < start:
            problems.append(Problem(number, "DTEND", summary, _("The event ends before it starts.")))
            continue
        length = end - start
        for occurrence in _occurrences(event, start, window=window, zone=zone):
            first_day = _day(occurrence, zone=zone, is_end=False)
            last_day = max(first_day, _day(occurrence + length, zone=zone, is_end=True))
            if last_day < first or first_day > last:
                continue
            entries.append(Entry(number, person, kind, first_day, last_day))
    if problems:
        raise RosterRejected(problems)
    return entries


def _occurrences(event, start, *, window, zone):
    if "RRULE" not in event:
        return [start]
    rule_text = event["RRULE"].to_ical().decode()
    aware = isinstance(start, datetime.datetime)
    begin = start if aware else datetime.datetime.combine(start, datetime.time())
    rules = rruleset()
    rules.rrule(rrulestr(rule_text, dtstart=begin, ignoretz=not (aware and begin.tzinfo)))
    exdates = event.get("EXDATE")
    for group in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
        for moment in group.dts:
            value = moment.dt
            rules.exdate(
                value
                if isinstance(value, datetime.datetime)
                else datetime.datetime.combine(value, datetime.time())
            )
    until = datetime.datetime.combine(window[1] + datetime.timedelta(days=1), datetime.time())
    if begin.tzinfo:
        until = until.replace(tzinfo=zone)
    found = []
    for occurrence in rules:
        if occurrence > until or len(found) >= MAX_OCCURRENCES:
            break
        found.append(occurrence if aware else occurrence.date())
    return found


def parse_csv(data: bytes) -> list[Entry]:
    """Entries of a CSV with personnel_no (or email), kind, start, end."""
    text = data.decode("utf-8-sig", errors="replace")
    first_line = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=max((";", ",", "\t"), key=first_line.count))
    entries, problems = [], []
    aliases = {
        "personalnummer": "personnel_no",
        "art": "kind",
        "von": "start",
        "bis": "end",
        "email": "personnel_no",
    }
    for number, raw in enumerate(reader, start=2):
        row = {
            aliases.get(k.strip().lower(), k.strip().lower()): (v or "").strip() for k, v in raw.items() if k
        }
        kind = CSV_KINDS.get(row.get("kind", "").casefold())
        if kind is None:
            problems.append(
                Problem(
                    number,
                    "kind",
                    row.get("kind", ""),
                    _("Unknown kind; use absent, on_call or shift."),
                    closest(row.get("kind", ""), list(CSV_KINDS), cutoff=0.5),
                )
            )
        dates = []
        for column in ("start", "end"):
            try:
                dates.append(parse_iso_date(row.get(column, "")))
            except ValueError as error:
                problems.append(Problem(number, column, row.get(column, ""), str(error)))
        if len(dates) == 2 and dates[1] < dates[0]:
            problems.append(
                Problem(
                    number, "end", row.get("end", ""), _("The end lies before the start (reversed entry).")
                )
            )
        if not row.get("personnel_no"):
            problems.append(Problem(number, "personnel_no", "", _("A personnel number is needed.")))
        if kind and len(dates) == 2 and dates[0] <= dates[1] and row.get("personnel_no"):
            entries.append(Entry(number, row["personnel_no"], kind, dates[0], dates[1]))
    if problems:
        raise RosterRejected(problems)
    return entries


def merge_overlaps(entries: list[Entry]) -> tuple[list[Entry], int]:
    """Entries of the same person and kind that overlap or touch become one; returns (entries, merged)."""
    merged, count = [], 0
    ordered = sorted(entries, key=lambda e: (e.person, e.kind, e.start, e.end))
    for entry in ordered:
        previous = merged[-1] if merged else None
        if (
            previous
            and (previous.person, previous.kind) == (entry.person, entry.kind)
            and entry.start <= previous.end + datetime.timedelta(days=1)
        ):
            merged[-1] = Entry(
                previous.row, previous.person, previous.kind, previous.start, max(previous.end, entry.end)
            )
            count += 1
        else:
            merged.append(entry)
    return merged, count


def import_roster(
    file_obj: IO[bytes], filename: str, *, window: tuple[datetime.date, datetime.date]
) -> RosterReport:
    """Validate and record the entries of a roster file (.ics or .csv); nothing is written on a problem."""
    from competencies.models import Employee

    data = file_obj.read()
    if filename.lower().endswith(".ics"):
        entries = parse_ical(data, window=window)
    elif filename.lower().endswith(".csv"):
        entries = parse_csv(data)
    else:
        raise RosterRejected([Problem(0, "", filename, _("Use an iCalendar (.ics) or CSV file."))])
    people = {}
    for pk, number, email in Employee.objects.values_list("pk", "personnel_no", "email"):
        people[number.casefold()] = pk
        if email:
            people.setdefault(email.casefold(), pk)
    numbers = list(Employee.objects.values_list("personnel_no", flat=True))
    problems = [
        Problem(
            e.row,
            "person",
            e.person,
            _("Unknown person “%s”.") % e.person,
            closest(e.person, numbers, cutoff=0.6),
        )
        for e in entries
        if e.person.casefold() not in people
    ]
    if problems:
        raise RosterRejected(problems)
    entries, merged = merge_overlaps(entries)
    report = RosterReport(merged=merged)
    absences = [e for e in entries if e.kind == DutyEntry.ABSENT]
    for entry in entries:
        if entry.kind != DutyEntry.ABSENT and any(
            a.person == entry.person and a.start <= entry.end and entry.start <= a.end for a in absences
        ):
            report.warnings.append(
                _("%(person)s is on duty and absent on the same days from %(start)s; the absence counts.")
                % {"person": entry.person, "start": entry.start.isoformat()}
            )
    with transaction.atomic():
        existing = set(DutyEntry.objects.values_list("employee_id", "kind", "start", "end"))
        new = [
            DutyEntry(employee_id=people[e.person.casefold()], kind=e.kind, start=e.start, end=e.end)
            for e in entries
            if (people[e.person.casefold()], e.kind, e.start, e.end) not in existing
        ]
        DutyEntry.objects.bulk_create(new)
        report.created = len(new)
    return report
