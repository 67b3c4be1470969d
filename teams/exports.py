"""The competency matrix of a team (with its subtree) or of the organisation, as xlsx or csv.

Two layouts, each exactly one of the importer's formats, so that exporting and importing the file again
changes nothing:
- wide: personnel_no, name, team, then one column per competency headed "Category / Competency", a cell
  holding the effective level or nothing when unassessed;
- long: one row per assessed level: personnel_no, name, team, competency ("Category / Competency"),
  level. It has five columns whatever the catalogue's size.
A file the importer would refuse (a wide matrix with more competencies than it reads columns, more rows
than it reads) is not written: ``MatrixTooLarge`` says which layout or scope to export instead. Every text
cell goes through ``safe_cell``; the importer undoes that neutralisation when it reads the file back."""

import csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from competencies.i18n import localized
from competencies.imports.columns import CANONICAL, LONG, WIDE
from competencies.imports.limits import limit
from competencies.imports.lookups import current_levels
from competencies.models import Competency, Employee, ScaleLevel
from competencies.selectors import employees_active
from competencies.spreadsheets import safe_cell

from .models import TeamRequirement
from .selectors import memberships_active
from .tree import TeamTree

FORMATS = ("xlsx", "csv")
LAYOUTS = (WIDE, LONG)
MATRIX_SHEET = "Matrix"
LONG_SHEET = "Levels"
# The wide layout's columns before the competencies: personnel_no, name, team.
PERSON_COLUMNS = 3
BELOW_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
MEETS_FILL = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
HEADING_FONT = Font(bold=True)
UNCONFIRMED_FONT = Font(italic=True, color="555555")
# Level cells: (against the requirement: None, "below" or "meets"; unconfirmed) → named style. Number
# formats keep the cell a number, so it imports, while showing what colour and italics mean as well.
LEVEL_STYLES = {
    (None, True): ("Level unconfirmed", None, UNCONFIRMED_FONT, '0"*"'),
    ("below", False): ("Level below requirement", BELOW_FILL, None, '0" ↓"'),
    ("below", True): ("Level below requirement, unconfirmed", BELOW_FILL, UNCONFIRMED_FONT, '0"* ↓"'),
    ("meets", False): ("Level meets requirement", MEETS_FILL, None, "0"),
    ("meets", True): ("Level meets requirement, unconfirmed", MEETS_FILL, UNCONFIRMED_FONT, '0"*"'),
}


@dataclass(frozen=True, eq=False)
class Matrix:
    """People × competencies on a date. ``levels``/``confirmed``/``required`` are aligned frames indexed
    by employee id with competency ids as columns (levels NaN = unassessed, required NaN = no
    requirement). They are plain float and bool frames, one block each: a catalogue of 14,000
    competencies would make 14,000 columns of nullable integers, which pandas handles one by one."""

    title: str
    on: object
    people: pd.DataFrame  # employee_id (index), personnel_no, name, team
    competencies: pd.DataFrame  # id (index), name, category, heading, scale_id
    levels: pd.DataFrame
    confirmed: pd.DataFrame
    required: pd.DataFrame
    requirements: pd.DataFrame  # team, competency, required_level, min_people

    @property
    def headings(self):
        return [
            CANONICAL["personnel_no"],
            CANONICAL["name"],
            CANONICAL["team"],
            *self.competencies["heading"],
        ]


class MatrixTooLarge(ValueError):
    """The export would be a file the importer refuses; the message says what to export instead."""


def matrix_check_importable(matrix, *, layout):
    """Raise MatrixTooLarge when the importer's limits would refuse ``matrix`` written in ``layout``."""
    max_columns = limit("SERVICELEAD_IMPORT_MAX_COLUMNS")
    max_rows = limit("SERVICELEAD_IMPORT_MAX_ROWS")
    if layout == WIDE and PERSON_COLUMNS + len(matrix.competencies) > max_columns:
        raise MatrixTooLarge(
            _(
                "The matrix has %(count)s competencies, one column each, but the import reads at most "
                "%(limit)s columns, so the file could not be imported again. Export the long layout (one "
                "row per level, five columns), which imports whatever the catalogue's size."
            )
            % {"count": len(matrix.competencies), "limit": max_columns}
        )
    rows = len(matrix.people) if layout == WIDE else int(matrix.levels.notna().to_numpy().sum())
    if rows > max_rows:
        raise MatrixTooLarge(
            _(
                "The export would have %(count)s rows, but the import reads at most %(limit)s, so the file "
                "could not be imported again. Export one team at a time, or raise "
                "SERVICELEAD_IMPORT_MAX_ROWS."
            )
            % {"count": rows, "limit": max_rows}
        )


def matrix_build(*, team=None, on=None):
    """The matrix of ``team`` and the teams below it (its members' levels in the competencies those teams
    require or the members hold), or of every active employee in every competency when ``team`` is None."""
    on = on or timezone.localdate()
    memberships = memberships_active(on=on)
    if team is not None:
        team_ids = TeamTree.load().subtree(team.pk)
        memberships = memberships.filter(team_id__in=team_ids)
        title = team.name
    else:
        title = _("Organisation")
    member_teams = pd.DataFrame.from_records(
        list(memberships.order_by().values_list("employee_id", "team_id", "team__name").distinct()),
        columns=["employee_id", "team_id", "team"],
    )
    if team is not None:
        people = _people(Employee.objects.filter(pk__in=memberships.values("employee_id")))
    else:
        people = _people(employees_active(on=on))
    teams_of = member_teams.sort_values("team").groupby("employee_id")["team"].agg(", ".join)
    people = people.assign(team=people.index.map(teams_of).fillna(""))

    requirement_rows = TeamRequirement.objects.filter(team_id__in=set(member_teams["team_id"].tolist()))
    requirements = pd.DataFrame.from_records(
        list(
            requirement_rows.values_list(
                "team_id", "team__name", "competency_id", "required_level", "min_people"
            )
        ),
        columns=["team_id", "team", "competency_id", "required_level", "min_people"],
    )
    levels = current_levels(employee_ids=people.index.tolist(), competency_ids=None, on=on)
    competencies = Competency.objects.all()
    if team is not None:
        wanted = set(requirements["competency_id"].tolist()) | set(levels["competency_id"].tolist())
        competencies = competencies.filter(pk__in=wanted)
    catalogue = pd.DataFrame.from_records(
        list(competencies.values_list("id", "name", localized("category__name"), "scale_id")),
        columns=["id", "name", "category", "scale_id"],
    ).set_index("id", drop=False)
    catalogue["heading"] = catalogue["category"] + " / " + catalogue["name"]
    levels = levels[levels["competency_id"].isin(catalogue.index)]

    shape = {"index": people.index, "columns": catalogue.index}
    grid = {"index": "employee_id", "columns": "competency_id", "observed": True}
    level_frame = levels.pivot_table(values="level", aggfunc="first", **grid)
    confirmed = levels.pivot_table(values="confirmed", aggfunc="first", **grid)
    needed = (
        member_teams[["employee_id", "team_id"]]
        .merge(requirements[["team_id", "competency_id", "required_level"]], on="team_id")
        .pivot_table(values="required_level", aggfunc="max", **grid)
    )
    catalogue_names = dict(zip(catalogue["id"], catalogue["heading"], strict=True))
    return Matrix(
        title=title,
        on=on,
        people=people,
        competencies=catalogue,
        levels=level_frame.reindex(**shape).astype("float64"),
        confirmed=confirmed.reindex(**shape).astype("float64").fillna(1.0).astype(bool),
        required=needed.reindex(**shape).astype("float64"),
        requirements=requirements.assign(
            competency=requirements["competency_id"].map(catalogue_names)
        ).dropna(subset=["competency"])[["team", "competency", "required_level", "min_people"]],
    )


def _people(employees):
    frame = pd.DataFrame.from_records(
        list(employees.order_by("name", "personnel_no").values_list("id", "personnel_no", "name")),
        columns=["employee_id", "personnel_no", "name"],
    )
    return frame.set_index("employee_id")


def matrix_csv(matrix, stream, *, delimiter=","):
    """Write the matrix as UTF-8 csv with a byte-order mark (so Excel detects the encoding)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(heading) for heading in matrix.headings])
    levels = _integers(matrix.levels, missing="")
    texts = matrix.people[["personnel_no", "name", "team"]].map(safe_cell).to_numpy(dtype=object)
    writer.writerows(np.concatenate([texts, levels], axis=1).tolist())
    text.detach()


def _integers(frame, *, missing):
    """The float frame as an object array of ints, ``missing`` where it holds NaN."""
    values = frame.to_numpy(dtype="float64")
    present = ~np.isnan(values)
    cells = np.full(values.shape, missing, dtype=object)
    cells[present] = values[present].astype("int64").tolist()
    return cells


def matrix_xlsx(matrix, stream):
    """Write the matrix as xlsx: levels coloured against the team requirement (red below, green meeting
    it), unconfirmed levels in italics with an asterisk, frozen headings, and a legend sheet."""
    workbook = _workbook()
    sheet = workbook.create_sheet(MATRIX_SHEET)
    sheet.freeze_panes = "D2"
    for position, width in enumerate([14, 28, 22], start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    for position in range(4, len(matrix.competencies) + 4):
        sheet.column_dimensions[get_column_letter(position)].width = 16
    sheet.append([_heading(sheet, safe_cell(heading)) for heading in matrix.headings])

    levels = _integers(matrix.levels, missing=None)
    confirmed = matrix.confirmed.to_numpy()
    required = _integers(matrix.required, missing=None)
    texts = matrix.people[["personnel_no", "name", "team"]].map(safe_cell).to_numpy(dtype=object)
    for row_texts, row_levels, row_confirmed, row_required in zip(
        texts, levels, confirmed, required, strict=True
    ):
        sheet.append(
            [
                *row_texts,
                *(
                    _level_cell(sheet, level, is_confirmed, needed)
                    for level, is_confirmed, needed in zip(
                        row_levels, row_confirmed, row_required, strict=True
                    )
                ),
            ]
        )
    _legend(workbook, matrix)
    workbook.save(stream)


def _workbook():
    """A write-only workbook with the named styles of the level cells (the legend shows them too)."""
    workbook = Workbook(write_only=True)
    # Named styles: assigning one per cell is several times cheaper than setting font and fill objects.
    for name, fill, font, number_format in LEVEL_STYLES.values():
        style = NamedStyle(name=name, number_format=number_format)
        if fill is not None:
            style.fill = fill
        if font is not None:
            style.font = font
        workbook.add_named_style(style)
    return workbook


def _heading(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = HEADING_FONT
    return cell


def _cell_in_style(sheet, value, key):
    cell = WriteOnlyCell(sheet, value=value)
    cell.style = LEVEL_STYLES[key][0]
    return cell


def _level_cell(sheet, level, is_confirmed, needed):
    """A plain value when there is nothing to mark; else a cell in the style of its state."""
    unconfirmed = level is not None and not is_confirmed
    if needed is None:
        return _cell_in_style(sheet, level, (None, True)) if unconfirmed else level
    state = "below" if (level or 0) < needed else "meets"
    return _cell_in_style(sheet, level, (state, unconfirmed))


def _legend(workbook, matrix):
    sheet = workbook.create_sheet(_("Legend")[:31])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 70
    title = _("Competency matrix: %(title)s, %(date)s") % {
        "title": matrix.title,
        "date": matrix.on.isoformat(),
    }
    sheet.append([_heading(sheet, safe_cell(title))])
    sheet.append([])
    sheet.append([_heading(sheet, _("Colours and marks"))])
    for value, key, meaning in (
        (2, ("below", False), _("below the level a team of the person requires")),
        (3, ("meets", False), _("meets or exceeds the required level")),
        (3, (None, True), _("self-assessment, not yet confirmed (italics, asterisk)")),
        (None, ("below", False), _("not assessed, but required")),
    ):
        sheet.append([_cell_in_style(sheet, value, key), meaning])
    sheet.append([3, _("no team of the person requires this competency")])
    sheet.append(["", _("not assessed")])
    sheet.append([])
    sheet.append(
        [
            _(
                "Levels are effective levels on the date above. Edit them and import the file again: only "
                "changed levels are recorded, as import assessments."
            )
        ]
    )
    sheet.append([])
    sheet.append([_heading(sheet, _("Scales"))])
    scale_ids = sorted(set(matrix.competencies["scale_id"].tolist()))
    for scale, value, label, descriptor in (
        ScaleLevel.objects.filter(scale_id__in=scale_ids)
        .order_by(localized("scale__name"), "value")
        .values_list(localized("scale__name"), "value", "label", "descriptor")
    ):
        sheet.append([safe_cell(scale), value, safe_cell(f"{label}: {descriptor}" if descriptor else label)])
    if not matrix.requirements.empty:
        sheet.append([])
        sheet.append([_heading(sheet, _("Team requirements"))])
        headings = (_("team"), _("competency"), _("required level"), _("minimum people"))
        sheet.append([_heading(sheet, text) for text in headings])
        for team_name, competency, level, people in matrix.requirements.sort_values(
            ["team", "competency"]
        ).itertuples(index=False):
            sheet.append([safe_cell(team_name), safe_cell(competency), int(level), int(people)])


def matrix_long(matrix):
    """The long layout's rows: personnel_no, name, team, competency ("Category / Competency"), level;
    one per assessed level, people in the matrix's order, competencies in catalogue order."""
    values = matrix.levels.to_numpy(dtype="float64")
    person_at, competency_at = np.nonzero(~np.isnan(values))  # row by row: people, then competencies
    people = matrix.people.iloc[person_at][["personnel_no", "name", "team"]].reset_index(drop=True)
    return people.assign(
        competency=matrix.competencies["heading"].to_numpy()[competency_at],
        level=values[person_at, competency_at].astype("int64"),
    )


LONG_HEADINGS = ("personnel_no", "name", "team", "competency", "level")


def matrix_long_csv(matrix, stream, *, delimiter=","):
    """Write the long layout as UTF-8 csv with a byte-order mark."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([CANONICAL[field] for field in LONG_HEADINGS])
    rows = matrix_long(matrix)
    texts = rows[["personnel_no", "name", "team", "competency"]].map(safe_cell)
    writer.writerows(texts.assign(level=rows["level"]).itertuples(index=False, name=None))
    text.detach()


def matrix_long_xlsx(matrix, stream):
    """Write the long layout as xlsx, with frozen headings and the legend sheet."""
    workbook = _workbook()
    sheet = workbook.create_sheet(LONG_SHEET)
    sheet.freeze_panes = "A2"
    for position, width in enumerate([14, 28, 22, 48, 8], start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.append([_heading(sheet, CANONICAL[field]) for field in LONG_HEADINGS])
    rows = matrix_long(matrix)
    texts = rows[["personnel_no", "name", "team", "competency"]].map(safe_cell)
    for row in texts.assign(level=rows["level"]).itertuples(index=False, name=None):
        sheet.append(row)
    _legend(workbook, matrix)
    workbook.save(stream)


WRITERS = {
    (WIDE, "csv"): matrix_csv,
    (WIDE, "xlsx"): matrix_xlsx,
    (LONG, "csv"): matrix_long_csv,
    (LONG, "xlsx"): matrix_long_xlsx,
}


def matrix_export(*, file_format, stream, team=None, on=None, delimiter=",", layout=WIDE):
    """Build the matrix of ``team`` (None: the organisation) and write it to the binary ``stream`` in
    ``layout`` ("wide" or "long"). Raises MatrixTooLarge, before writing anything, when the importer would
    refuse the file."""
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {FORMATS}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    matrix = matrix_build(team=team, on=on)
    matrix_check_importable(matrix, layout=layout)
    writer = WRITERS[layout, file_format]
    if file_format == "csv":
        writer(matrix, stream, delimiter=delimiter)
    else:
        writer(matrix, stream)
    return matrix
