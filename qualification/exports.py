"""HR export of qualification plans for a team, a department (with the teams below) or the organisation.

xlsx: an items sheet (one row per plan item) and a summary sheet with one row per team: hours, cost and
coverage before and after the exported plans. csv: the items sheet alone. Every text cell goes through
``safe_cell`` so a spreadsheet never runs a name or title as a formula. Reading takes a fixed number of
queries whatever the scope; the workbook is written in openpyxl's streaming mode."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, NamedStyle
from openpyxl.utils import get_column_letter

from competencies.spreadsheets import safe_cell
from teams import analysis
from teams.models import Team
from teams.selectors import analysis_input, memberships_active

from . import generation
from .models import Measure, PlanItem, QualificationPlan
from .selectors import OPEN_ITEM_STATUSES, scope_members

FORMATS = ("xlsx", "csv")
HEADING_FONT = Font(bold=True)
EXPORTED_PLAN_STATUSES = tuple(
    status
    for status, _label in QualificationPlan.Status.choices
    if status != QualificationPlan.Status.CANCELLED
)
# Plans whose open items are expected to be reached: the "after" coverage counts them.
PLANNED_STATUSES = (
    QualificationPlan.Status.DRAFT,
    QualificationPlan.Status.PROPOSED,
    QualificationPlan.Status.AGREED,
    QualificationPlan.Status.IN_PROGRESS,
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
    PlanExport. Five queries plus the gap analysis' four, whatever the scope."""
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
    rows = list(
        _items(team_ids=team_ids, period=period, on=on)
        .order_by("plan__employee__name", "plan__employee_id", "plan__period", "priority", "competency__name")
        .values_list(*_QUERY_COLUMNS)
    )
    status_labels = dict(QualificationPlan.Status.choices)
    item_labels = dict(PlanItem.Status.choices)
    reason_labels = dict(PlanItem.Reason.choices)
    kind_labels = dict(Measure.Kind.choices)
    yes, no = _("yes"), _("no")
    incentives = generation.incentive_texts()
    items = []
    per_team = defaultdict(lambda: {"people": set(), "items": 0, "hours": Decimal(0), "cost": Decimal(0),
                                    "approval": 0})  # fmt: skip
    projected = []
    for row in rows:
        record = dict(zip(_QUERY_COLUMNS, row, strict=True))
        employee_id = record["plan__employee_id"]
        team_id = record["team_id"] if record["team_id"] in team_names else None
        if team_id is None and teams_of.get(employee_id):
            team_id = teams_of[employee_id][0]
        if team_id is not None:
            figures = per_team[team_id]
            figures["people"].add(employee_id)
            figures["items"] += 1
            figures["hours"] += record["hours"]
            figures["cost"] += record["cost"]
            figures["approval"] += bool(record["needs_approval"])
        if record["plan__status"] in PLANNED_STATUSES and record["status"] in OPEN_ITEM_STATUSES:
            projected.append((employee_id, record["competency_id"], record["target_level"]))
        items.append(
            [
                safe_cell(record["plan__employee__personnel_no"]),
                safe_cell(record["plan__employee__name"]),
                safe_cell(team_names.get(team_id, "")),
                record["plan__period"],
                str(status_labels.get(record["plan__status"], record["plan__status"])),
                safe_cell(record["competency__name"]),
                record["current_level"],
                record["target_level"],
                safe_cell(record["measure__title"] or ""),
                str(kind_labels.get(record["measure__kind"], _("Mentoring")))
                if record["measure__kind"] or record["mentor__name"]
                else "",
                safe_cell(record["mentor__name"] or ""),
                record["due_date"],
                str(item_labels.get(record["status"], record["status"])),
                record["progress"],
                float(record["hours"]),
                float(record["cost"]),
                str(reason_labels.get(record["reason"], record["reason"])),
                yes if record["needs_approval"] else no,
                safe_cell(
                    generation.incentive_text(
                        kind=record["measure__kind"] or generation.KIND_MENTORING,
                        measure_title=record["measure__title"] or "",
                        target_level=record["target_level"],
                        competency_name=record["competency__name"],
                        has_mentor=bool(record["mentor__name"]),
                        texts=incentives,
                    )
                ),
            ]
        )
    before, after = _coverage(scope, team_ids is None, projected, on)
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


def _coverage(team_ids, everyone, projected, on):
    """Coverage per team today and with the exported plans' open items reached (the gap engine's what-if)."""
    if not team_ids:
        return {}, {}
    data = analysis_input(on=on, team_ids=None if everyone else team_ids)
    before = analysis.coverage_by_team(analysis.requirement_table(data), team_ids)
    frame = pd.DataFrame.from_records(projected, columns=["employee_id", "competency_id", "level"]).astype(
        "int64"
    )
    if not frame.empty:
        frame = frame.groupby(["employee_id", "competency_id"], as_index=False)["level"].max()
    changed = analysis.AnalysisInput(
        levels=analysis.apply_projected_levels(data.levels, frame),
        memberships=data.memberships,
        requirements=data.requirements,
        role_targets=data.role_targets,
    )
    after = analysis.coverage_by_team(analysis.requirement_table(changed), team_ids)
    return before.to_dict(), after.to_dict()


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


def _sheet(workbook, title, headings, widths):
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.append([_heading(sheet, heading) for heading in headings])
    return sheet


def _heading(sheet, value):
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    cell.font = HEADING_FONT
    return cell


DUE_COLUMN = 11  # index of "Due" in item_headings()
DATE_STYLE = "Date"


def export_xlsx(export, stream):
    """An items sheet and a summary sheet with one row per team."""
    workbook = Workbook(write_only=True)
    workbook.add_named_style(NamedStyle(name=DATE_STYLE, number_format="yyyy-mm-dd"))
    items = _sheet(workbook, _("Items"), item_headings(), ITEM_WIDTHS)
    for row in export.items:
        due = row[DUE_COLUMN]
        if due is not None:
            row = list(row)
            cell = WriteOnlyCell(items, value=due)
            cell.style = DATE_STYLE
            row[DUE_COLUMN] = cell
        items.append(row)
    summary = _sheet(workbook, _("Summary"), summary_headings(), SUMMARY_WIDTHS)
    for row in export.summary:
        summary.append(row)
    summary.append([])
    summary.append(
        [
            safe_cell(
                _(
                    "%(title)s, exported on %(date)s, period %(period)s. Coverage after: with the open "
                    "items of the exported draft, proposed, agreed and running plans reached."
                )
                % {
                    "title": export.title,
                    "date": export.on.isoformat(),
                    "period": export.period or _("all"),
                }
            )
        ]
    )
    workbook.save(stream)


def plans_export(*, file_format, stream, team_ids=None, period=None, on=None, title=""):
    """Build the export of the scope and write it to the binary ``stream``; returns the PlanExport."""
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {FORMATS}")
    export = export_build(team_ids=team_ids, period=period, on=on, title=title)
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
