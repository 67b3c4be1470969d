"""HR export of qualification plans for a team, a department (with the teams below) or the organisation.

xlsx: an items sheet (one row per plan item) and a summary sheet with one row per team: hours, cost and
coverage before and after the exported plans. csv: the items sheet alone. Every text cell goes through
``safe_cell`` so a spreadsheet never runs a name or title as a formula, and the xlsx writer writes every
cell as what it is (text as text). Reading takes a fixed number of queries whatever the scope, as tuples
(no model instances); the workbook is written by XlsxWriter row by row (constant_memory)."""

import csv
import datetime
import io
import numbers
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

import pandas as pd
import xlsxwriter
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from competencies.i18n import localized, localized_columns
from competencies.spreadsheets import safe_cell
from teams.gaps import engine
from teams.gaps.inputs import analysis_input, organisation_analysis
from teams.models import Team
from teams.selectors import memberships_active

from . import generation
from .models import Measure, PlanItem, QualificationPlan
from .selectors import scope_members

FORMATS = ("xlsx", "csv")
EXPORTED_PLAN_STATUSES = tuple(
    status
    for status, _label in QualificationPlan.Status.choices
    if status != QualificationPlan.Status.CANCELLED
)

_QUERY_COLUMNS = (
    "plan__employee_id",
    "plan__employee__personnel_no",
    "plan__employee__name",
    "plan__period",
    "plan__status",
    "competency_id",
    "competency__name",
    "current_level",
    "target_level",
    "measure__title",
    "measure__kind",
    "mentor__name",
    "due_date",
    "status",
    "progress",
    "hours",
    "cost",
    "reason",
    "needs_approval",
    "team_id",
)


def item_headings():
    return [
        _("Personnel number"),
        _("Employee"),
        _("Team"),
        _("Period"),
        _("Plan status"),
        _("Competency"),
        _("Current level"),
        _("Target level"),
        _("Measure"),
        _("Kind"),
        _("Mentor"),
        _("Due"),
        _("Item status"),
        _("Progress (%)"),
        _("Hours"),
        _("Cost (EUR)"),
        _("Reason"),
        _("Needs budget approval"),
        _("Incentive"),
    ]


def summary_headings():
    return [
        _("Team"),
        _("Members"),
        _("People with a plan"),
        _("Items"),
        _("Hours"),
        _("Cost (EUR)"),
        _("Items needing approval"),
        _("Coverage before (%)"),
        _("Coverage after (%)"),
    ]


@dataclass(frozen=True)
class PlanExport:
    """What an export holds: ``items`` as row lists in ``item_headings`` order, ``summary`` as row lists in
    ``summary_headings`` order."""

    title: str
    on: object
    period: str | None
    items: list
    summary: list


ROWS_PER_FETCH = 20000


def _labels(choices):
    """value → label as text, for a column of many rows."""
    return {value: str(label) for value, label in choices}


class _Memo(dict):
    """``fn(key)`` computed once per distinct key: names, titles and incentives repeat across rows."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __call__(self, key):
        try:
            return self[key]
        except KeyError:
            value = self[key] = self.fn(key)
            return value


def _scope_team_ids(team_ids):
    if team_ids is None:
        return list(Team.objects.order_by("id").values_list("id", flat=True))
    return sorted(set(team_ids))


def export_item_count(*, team_ids=None, period=None, on=None):
    """How many items an export of the scope would hold (to decide between a download and a job)."""
    return _items(team_ids=team_ids, period=period, on=on).count()


def _items(*, team_ids, period, on):
    items = PlanItem.objects.filter(
        plan__employee_id__in=scope_members(team_ids=team_ids, on=on),
        plan__status__in=EXPORTED_PLAN_STATUSES,
    ).exclude(status=PlanItem.Status.DROPPED)
    if period:
        items = items.filter(plan__period=str(period))
    return items


def export_build(*, team_ids=None, period=None, on=None, title=""):
    """Read the plans of the scope (``team_ids`` None: the organisation) for ``period`` (None: all) into a
    PlanExport. Five queries plus the gap analysis' four, whatever the scope (for the whole organisation its
    cached analysis is read instead while nothing changed, and only the teams of people with open planned
    items are analysed again with those items reached)."""
    on = on or timezone.localdate()
    scope = _scope_team_ids(team_ids)
    team_names = dict(Team.objects.filter(pk__in=scope).values_list("id", "name"))
    # Each person's teams in the scope, by name: the team of an item that does not name its own.
    teams_of = defaultdict(list)
    members = defaultdict(set)
    for employee_id, team_id in (
        memberships_active(on=on)
        .filter(team_id__in=scope)
        .order_by("team__name", "team_id")
        .values_list("employee_id", "team_id")
    ):
        if team_id not in teams_of[employee_id]:
            teams_of[employee_id].append(team_id)
        members[team_id].add(employee_id)
    rows = (
        _items(team_ids=team_ids, period=period, on=on)
        .order_by(
            "plan__employee__name",
            "plan__employee_id",
            "plan__period",
            "priority",
            localized("competency__name"),
        )
        .values_list(*localized_columns(PlanItem, _QUERY_COLUMNS))
    )
    # Labels and texts resolved once: a lazy label turned into text per cell cost more than the query.
    status_labels = _labels(QualificationPlan.Status.choices)
    item_labels = _labels(PlanItem.Status.choices)
    reason_labels = _labels(PlanItem.Reason.choices)
    kind_labels = _labels(Measure.Kind.choices)
    mentoring = str(_("Mentoring"))
    yes, no = str(_("yes")), str(_("no"))
    incentives = generation.incentive_texts()
    safe = _Memo(safe_cell)
    incentive = _Memo(
        lambda key: safe_cell(
            generation.incentive_text(
                kind=key[0] or generation.KIND_MENTORING,
                measure_title=key[1] or "",
                target_level=key[2],
                competency_name=key[3],
                has_mentor=key[4],
                texts=incentives,
            )
        )
    )
    items = []
    per_team = defaultdict(lambda: {"people": set(), "items": 0, "hours": Decimal(0), "cost": Decimal(0),
                                    "approval": 0})  # fmt: skip
    projected = []
    open_statuses = frozenset(PlanItem.OPEN_STATUSES)
    planned_statuses = frozenset(QualificationPlan.LIVE_STATUSES)
    for (
        employee_id, personnel_no, name, plan_period, plan_status, competency_id, competency, current, target,
        measure, kind, mentor, due_date, status, progress, hours, cost, reason, needs_approval, item_team_id,
    ) in rows.iterator(chunk_size=ROWS_PER_FETCH):  # fmt: skip
        team_id = item_team_id if item_team_id in team_names else None
        if team_id is None and teams_of.get(employee_id):
            team_id = teams_of[employee_id][0]
        if team_id is not None:
            figures = per_team[team_id]
            figures["people"].add(employee_id)
            figures["items"] += 1
            figures["hours"] += hours
            figures["cost"] += cost
            figures["approval"] += bool(needs_approval)
        if plan_status in planned_statuses and status in open_statuses:
            projected.append((employee_id, competency_id, target))
        items.append(
            [
                safe(personnel_no),
                safe(name),
                safe(team_names.get(team_id, "")),
                plan_period,
                status_labels.get(plan_status, plan_status),
                safe(competency),
                current,
                target,
                safe(measure or ""),
                kind_labels.get(kind, mentoring) if kind or mentor else "",
                safe(mentor or ""),
                due_date,
                item_labels.get(status, status),
                progress,
                float(hours),
                float(cost),
                reason_labels.get(reason, reason),
                yes if needs_approval else no,
                incentive((kind, measure, target, competency, bool(mentor))),
            ]
        )
    affected = {
        team_id for employee_id, _competency, _level in projected for team_id in teams_of.get(employee_id, ())
    }
    before, after = _coverage(scope, team_ids is None, projected, affected, on)
    summary = []
    for team_id in sorted(team_names, key=lambda t: (team_names[t], t)):
        figures = per_team.get(team_id)
        summary.append(
            [
                safe_cell(team_names[team_id]),
                len(members.get(team_id, ())),
                len(figures["people"]) if figures else 0,
                figures["items"] if figures else 0,
                float(figures["hours"]) if figures else 0.0,
                float(figures["cost"]) if figures else 0.0,
                figures["approval"] if figures else 0,
                round(before.get(team_id, 1.0) * 100, 1),
                round(after.get(team_id, 1.0) * 100, 1),
            ]
        )
    return PlanExport(title=title, on=on, period=period, items=items, summary=summary)


def _coverage(team_ids, everyone, projected, affected, on):
    """Coverage per team today and with the exported plans' open items reached (the gap engine's what-if).

    A team's coverage depends only on its own requirements and members: with the items reached it changes
    only for the ``affected`` teams (those with a member who has such items), which alone are analysed
    again; for the whole organisation today's figures come from its cached analysis."""
    if not team_ids:
        return {}, {}
    if everyone:
        table = organisation_analysis(on=on).table
    else:
        table = engine.requirement_table(analysis_input(on=on, team_ids=team_ids))
    before = engine.coverage_by_team(table, team_ids).to_dict()
    after = dict(before)
    affected = sorted(set(affected) & set(team_ids))
    if projected and affected:
        frame = pd.DataFrame.from_records(projected, columns=["employee_id", "competency_id", "level"])
        frame = frame.astype("int64").groupby(["employee_id", "competency_id"], as_index=False)["level"].max()
        data = analysis_input(on=on, team_ids=affected)
        changed = replace(data, levels=engine.apply_projected_levels(data.levels, frame))
        after.update(engine.coverage_by_team(engine.requirement_table(changed), affected).to_dict())
    return before, after


def export_csv(export, stream, *, delimiter=","):
    """The items as UTF-8 csv with a byte-order mark (so Excel detects the encoding)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(item_headings())
    writer.writerows(
        [value.isoformat() if hasattr(value, "isoformat") else value for value in row] for row in export.items
    )
    text.detach()


ITEM_WIDTHS = (14, 26, 24, 10, 13, 30, 9, 9, 34, 14, 24, 12, 12, 10, 8, 10, 18, 12, 44)
SUMMARY_WIDTHS = (30, 10, 12, 10, 10, 12, 12, 14, 14)
# Cells are written as what they are, never interpreted: a text starting with "=" stays text (and
# safe_cell has prefixed it anyway), "1e3" is not a number, "http://…" not a link. constant_memory writes
# each row out as the next one starts.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def _sheet(workbook, title, headings, widths, heading_format):
    sheet = workbook.add_worksheet(title[:31])
    sheet.freeze_panes(1, 0)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    for column, heading in enumerate(headings):
        sheet.write_string(0, column, safe_cell(str(heading)), heading_format)
    return sheet


def _write_rows(sheet, rows, date_format, first=1):
    """Each value with the writer for its type: text with ``write_string`` (neutralised here too, whoever
    built the row), dates with ``write_datetime``, numbers with ``write_number``; None leaves the cell
    empty."""
    text, number, when = sheet.write_string, sheet.write_number, sheet.write_datetime
    for row_number, row in enumerate(rows, start=first):
        for column, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if value:
                    text(row_number, column, safe_cell(value))
            elif value is None:
                continue
            elif kind is datetime.date or kind is datetime.datetime:
                when(row_number, column, value, date_format)
            elif kind is bool:
                sheet.write_boolean(row_number, column, value)
            elif kind is int or kind is float or isinstance(value, numbers.Real | Decimal):
                number(row_number, column, value)
            elif isinstance(value, datetime.date):
                when(row_number, column, value, date_format)
            else:
                text(row_number, column, safe_cell(str(value)))


def export_xlsx(export, stream):
    """An items sheet and a summary sheet with one row per team, written with XlsxWriter (in this app's
    measurements twice as fast as openpyxl's write-only mode, see bench/plans.py)."""
    workbook = xlsxwriter.Workbook(stream, WORKBOOK_OPTIONS)
    heading_format = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    items = _sheet(workbook, _("Items"), item_headings(), ITEM_WIDTHS, heading_format)
    _write_rows(items, export.items, date_format)
    summary = _sheet(workbook, _("Summary"), summary_headings(), SUMMARY_WIDTHS, heading_format)
    _write_rows(summary, export.summary, date_format)
    note = _(
        "%(title)s, exported on %(date)s, period %(period)s. Coverage after: with the open items of the "
        "exported draft, proposed, agreed and running plans reached."
    ) % {"title": export.title, "date": export.on.isoformat(), "period": export.period or _("all")}
    summary.write_string(len(export.summary) + 2, 0, safe_cell(note))
    workbook.close()


def plans_export(*, file_format, stream, team_ids=None, period=None, on=None, title="", progress=None):
    """Build the export of the scope and write it to the binary ``stream``; returns the PlanExport. The one
    way the page, the export job and ``manage.py export_plans`` write an export; ``progress(percent,
    message)``, when given, hears when reading and writing start."""
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {FORMATS}")
    if progress is not None:
        progress(10, _("Reading the plans …"))
    export = export_build(team_ids=team_ids, period=period, on=on, title=title)
    if progress is not None:
        progress(60, _("Writing %(count)s items …") % {"count": len(export.items)})
    if file_format == "csv":
        export_csv(export, stream)
    else:
        export_xlsx(export, stream)
    return export


def export_filename(*, scope_name, period, file_format, on=None):
    """A file name such as ``qualification-plans_field-service-north_2027-Q1_2026-11-27.xlsx``."""
    on = on or timezone.localdate()
    parts = ["qualification-plans", slugify(scope_name) or "scope", period or "all-periods", on.isoformat()]
    return "_".join(parts) + f".{file_format}"
