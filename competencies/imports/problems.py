"""What can be wrong with an import file: one ``Problem`` per finding, ``ImportRejected`` for a refused file.

A problem stores a reason code and its parameters, not a sentence: the sentence is made when it is read,
so a report built by a worker in English shows in German on a German page."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from competencies.texts import LEVEL_OFF_SCALE

# Reason code → message template. Parameters are filled with ``%``; ``suggestions`` is added separately.
MESSAGES = {
    # The file as a whole.
    "file_too_large": gettext_lazy("The file is %(size)s large; at most %(limit)s are accepted."),
    "upload_gone": gettext_lazy(
        "The uploaded file is no longer stored (it was recorded, rejected or not committed in time); "
        "please upload it again."
    ),
    "file_empty": gettext_lazy("The file holds no data: a heading row and at least one row below it."),
    "file_type": gettext_lazy("Files of type “%(extension)s” cannot be imported; use .xlsx or .csv."),
    "legacy_excel": gettext_lazy(
        "This is an old Excel workbook (.xls) or an encrypted one; save it as .xlsx (unprotected) or .csv."
    ),
    "xlsx_is_text": gettext_lazy(
        "The file is named .xlsx but holds text, perhaps CSV; rename it to .csv or save it as a workbook."
    ),
    "xlsx_not_zip": gettext_lazy("The file is named .xlsx but is not an Excel workbook."),
    "xlsx_part_missing": gettext_lazy(
        "The file is named .xlsx but is not an Excel workbook: the part %(part)s is missing."
    ),
    "csv_is_workbook": gettext_lazy(
        "The file is named .csv but is an Excel workbook or another zip archive; name it .xlsx."
    ),
    "csv_is_binary": gettext_lazy("The file is named .csv but is not a text file."),
    "zip_members": gettext_lazy("The workbook holds %(count)s parts; at most %(limit)s are accepted."),
    "zip_unpacked": gettext_lazy(
        "The workbook unpacks to more than %(limit)s; it is refused as a possible zip bomb."
    ),
    "zip_doctype": gettext_lazy(
        "The workbook contains an XML document type declaration, which Excel never writes; refused."
    ),
    "xlsx_damaged": gettext_lazy("The workbook cannot be read: %(detail)s."),
    "encoding": gettext_lazy("The file is neither UTF-8 nor Windows-1252 text."),
    "csv_damaged": gettext_lazy("The CSV file cannot be read near line %(line)s: %(detail)s."),
    "mixed_encoding": ngettext_lazy(
        "The file is UTF-8 text, but line %(lines)s is not, probably pasted from a Windows-1252 file: "
        "save the whole file as UTF-8 again.",
        "The file is UTF-8 text, but %(count)s lines are not (lines %(lines)s), probably pasted from a "
        "Windows-1252 file: save the whole file as UTF-8 again.",
        "count",
    ),
    "csv_quote_spans_lines": gettext_lazy(
        "A quotation mark in line %(line)s is not closed in that line, so lines %(line)s to %(last)s "
        "would be read as one record: remove the stray quotation mark or close it."
    ),
    "csv_field_count": gettext_lazy(
        "This line has %(count)s fields, the heading %(expected)s: a delimiter is missing or one too many, "
        "which would move the values into other columns."
    ),
    "reader_memory": gettext_lazy(
        "Reading the file needed more memory than allowed (%(limit)s); nothing was imported. Split the "
        "file or remove unused rows and columns."
    ),
    "reader_time": gettext_lazy(
        "Reading the file took longer than allowed (%(seconds)s seconds); nothing was imported. Split the "
        "file or remove unused rows and columns."
    ),
    "reader_failed": gettext_lazy("The file could not be read; nothing was imported (%(detail)s)."),
    "merged_cells": gettext_lazy(
        "Merged cells: the value stands in the first cell only, the others would be read as empty. "
        "Unmerge the cells and fill in every one."
    ),
    "formula_without_value": gettext_lazy(
        "A formula without a calculated result (the program that saved the file did not compute it): "
        "open the file in Excel or LibreOffice, let it calculate, and save again, or enter the value."
    ),
    "formula_external": gettext_lazy(
        "A formula taking its value from another workbook, which may be outdated or missing: replace it "
        "by the value (copy, paste values)."
    ),
    "sheet_missing": gettext_lazy("There is no sheet named “%(sheet)s”; the workbook has: %(sheets)s."),
    "too_many_rows": gettext_lazy("The sheet has %(count)s rows; at most %(limit)s are accepted."),
    "too_many_columns": gettext_lazy("The sheet has %(count)s columns; at most %(limit)s are accepted."),
    # Headings.
    "missing_column": gettext_lazy(
        "The required column “%(field)s” is missing (accepted headings: %(aliases)s)."
    ),
    "other_sheets": gettext_lazy(
        "The workbook has other sheets too (%(sheets)s): if the table is on one of them, choose that sheet."
    ),
    "duplicate_column": gettext_lazy("This column repeats column %(other)s."),
    "unnamed_column": gettext_lazy("This column holds values but has no heading."),
    "wrong_format_column": gettext_lazy(
        "This column belongs to the long format (one row per assessment), not to the wide matrix."
    ),
    "unknown_column": gettext_lazy("Unknown column; the long format has: %(columns)s."),
    "no_competency_columns": gettext_lazy("The matrix has no competency columns."),
    "unknown_competency": gettext_lazy("Unknown competency."),
    "ambiguous_competency": gettext_lazy(
        "Several competencies have this name (%(matches)s); write it as “Category / Competency”."
    ),
    "duplicate_competency": gettext_lazy("Competency “%(competency)s” also has column %(other)s."),
    # Cells.
    "personnel_no_missing": gettext_lazy("The personnel number is missing."),
    "too_long": gettext_lazy("Longer than %(limit)s characters."),
    "unknown_person": gettext_lazy("No employee has this personnel number."),
    "unknown_person_no_name": gettext_lazy(
        "No employee has this personnel number, and no name is given to create them with."
    ),
    # Differences from the stored person: warnings that the user confirms, not problems.
    "name_differs": gettext_lazy(
        "The stored name for this personnel number is “%(stored)s”: the levels would be recorded for that "
        "person. Correct the personnel number if the row is about someone else."
    ),
    "team_differs": gettext_lazy(
        "The person is not a member of this team (their teams: %(teams)s). The levels are recorded for "
        "the person all the same; the team column changes no membership."
    ),
    "team_none": gettext_lazy(
        "The person is in no team at the moment. The levels are recorded for the person all the same; the "
        "team column changes no membership."
    ),
    "duplicate_person": gettext_lazy("This person also appears in row %(other)s."),
    "duplicate_assessment": gettext_lazy(
        "The same person, competency and date also appear in row %(other)s."
    ),
    "competency_missing": gettext_lazy("The competency is missing."),
    "level_missing": gettext_lazy("The level is missing."),
    "level_not_integer": gettext_lazy("The level must be a whole number."),
    "level_outside_scale": LEVEL_OFF_SCALE,
    "date_unparseable": gettext_lazy(
        "Not a date; write it as YYYY-MM-DD or DD.MM.YYYY, with a four-digit year."
    ),
    "date_in_future": gettext_lazy("The date lies in the future."),
    "date_too_early": gettext_lazy("The date lies before 1900; check the year."),
    "valid_until_before": gettext_lazy("“Valid until” is before the assessment date."),
    "source_unknown": gettext_lazy("Unknown source; use one of: %(sources)s."),
    # Commit.
    "changed_meanwhile": gettext_lazy(
        "The data changed while the file was being imported; nothing was written. Check the file again."
    ),
}


@dataclass(frozen=True)
class Problem:
    """One finding, located as the spreadsheet shows it (row 1 is the first row, column A the first)."""

    code: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the heading as written in the file
    column_letter: str = ""
    value: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The reason in the active language."""
        template = MESSAGES[self.code]
        # A plural message (ngettext_lazy) picks its form from the parameters, so it is filled lazily.
        text = str(template % self.params) if self.params else str(template)
        suggestions = self.params.get("suggestions")
        if suggestions:
            text = " ".join([text, _("Closest: %(names)s.") % {"names": ", ".join(suggestions)}])
        if self.params.get("create_hint"):
            text = " ".join([text, _("To add them, give a name and allow creating missing people.")])
        return text

    @property
    def location(self) -> str:
        """“Sheet, row 4, column C (Stufe)” in the active language, leaving out what is unknown."""
        parts = [self.sheet] if self.sheet else []
        if self.row is not None:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column_letter:
            parts.append(
                _("column %(letter)s (%(heading)s)") % {"letter": self.column_letter, "heading": self.column}
                if self.column
                else _("column %(letter)s") % {"letter": self.column_letter}
            )
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the message rendered in the active language."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_letter": self.column_letter,
            "value": self.value,
            "code": self.code,
            "params": self.params,
            "message": self.message,
        }

    def __str__(self) -> str:
        location = self.location
        value = f" “{self.value}”" if self.value else ""
        return f"{location}:{value} {self.message}" if location else self.message


class ImportRejected(Exception):
    """The file cannot be imported; ``problems`` says why (the first ones, ``problem_count`` in all)."""

    def __init__(self, problems: Iterable[Problem], problem_count: int | None = None) -> None:
        self.problems = list(problems)
        self.problem_count = problem_count if problem_count is not None else len(self.problems)
        super().__init__(str(self.problems[0]) if self.problems else "rejected")

    def __str__(self) -> str:
        if self.problem_count == 1 and self.problems:
            return str(self.problems[0])
        return _("The file was rejected with %(count)s problems.") % {"count": self.problem_count}


def column_letter(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA, as spreadsheets name columns."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def human_size(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"
