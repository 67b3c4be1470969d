"""Reading an upload into a ``ParsedFile``: safety checks, CSV decoding and sniffing, xlsx via calamine,
and the headings. Nothing here touches the database."""

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, NoReturn

import pandas as pd

from . import cells, columns, isolation, limits
from .limits import CellFinding
from .problems import ImportRejected, Problem, column_letter

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx",)
DELIMITERS = (";", ",", "\t")
HEADER_SEARCH_ROWS = 10
# Where the table starts: (heading row, mask of the rows holding anything, mask of the blank cells).
_Located = tuple[int, pd.Series, pd.DataFrame]
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, eq=False)
class ParsedFile:
    """A file read and understood as far as possible without the database.

    ``frame`` holds the raw data cells: index = row number as the spreadsheet shows it, columns = column
    positions (0 = A); ``fields`` maps each recognised field (personnel_no, level, …) to its position and
    ``competency_columns`` lists the wide format's competency columns."""

    filename: str
    sheet: str
    format: str
    header_row: int
    headings: dict[int, str]
    fields: dict[str, int]
    competency_columns: tuple[int, ...]
    frame: pd.DataFrame

    @property
    def row_count(self) -> int:
        return len(self.frame)

    def problem(
        self,
        code: str,
        *,
        row: int | None = None,
        position: int | None = None,
        value: str = "",
        **params: Any,
    ) -> Problem:
        """A Problem located in this file (``position``: the column's position, None for none)."""
        return Problem(
            code,
            sheet=self.sheet,
            row=row,
            column=self.headings.get(position, "") if position is not None else "",
            column_letter=column_letter(position) if position is not None else "",
            value=value,
            params=params,
        )


def parse_file(
    *, file_obj: IO[bytes] | IO[str], filename: str, format: str | None = None, sheet: str | None = None
) -> ParsedFile:
    """Read ``file_obj`` (csv or xlsx by ``filename``'s extension) into a ParsedFile.

    ``format``: "wide", "long" or None to detect it; ``sheet``: the xlsx sheet (default: the first).
    Raises ImportRejected when the file is unsafe, unreadable, empty or lacks a required column."""
    extension = PurePath(filename or "").suffix.lower()
    if extension not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise ImportRejected([Problem("file_type", params={"extension": extension or filename or "?"})])
    if format is not None and format not in columns.FORMATS:
        raise ValueError(f"format must be one of {columns.FORMATS}, not {format!r}")
    data = limits.read_limited(file_obj)
    if not data.strip():
        raise ImportRejected([Problem("file_empty", sheet=PurePath(filename).name)])
    return isolation.parse_in_reader_process(data=data, filename=filename, format=format, sheet=sheet)


def parse_bytes(
    *, data: bytes, filename: str, format: str | None = None, sheet: str | None = None
) -> ParsedFile:
    """``parse_file`` on the file's bytes, in this process: only the reader process calls it."""
    extension = PurePath(filename or "").suffix.lower()
    if extension in XLSX_EXTENSIONS:
        shape = limits.inspect_xlsx(data, sheet=sheet)
        limits.check_shape(rows=shape.rows, columns=shape.columns)
        grid, sheet_name, findings, sheets, lengths = (
            _read_xlsx(data, shape.name),
            shape.name,
            shape.findings,
            shape.sheets,
            None,
        )
    else:
        (grid, lengths), sheet_name, findings, sheets = _read_csv(data), PurePath(filename).name, (), ()
    located = _locate_heading(grid)
    if lengths is not None and located is not None:
        _check_record_lengths(grid, lengths, located, sheet=sheet_name)
    try:
        parsed = _understand(grid, located, filename=filename, sheet=sheet_name, format=format)
    except ImportRejected as rejection:
        others = [name for name in sheets if name != sheet_name]
        if others and any(problem.code == "missing_column" for problem in rejection.problems):
            hint = Problem("other_sheets", sheet=sheet_name, params={"sheets": ", ".join(others)})
            raise ImportRejected([*rejection.problems, hint]) from None
        raise
    problems = _finding_problems(parsed, findings)
    if problems:
        raise ImportRejected(problems)
    return parsed


def _check_record_lengths(grid: pd.DataFrame, lengths: list[int], located: _Located, *, sheet: str) -> None:
    """Refuse records below the heading with more or fewer fields than the heading: a stray delimiter or
    a missing one shifts every value after it into the neighbouring column. Checked before the headings
    are judged, as such a record also shows up as a column without a heading."""
    header_row, used_rows, _empty = located
    expected = lengths[header_row - 1]
    problems = [
        Problem(
            "csv_field_count", sheet=sheet, row=row, params={"count": lengths[row - 1], "expected": expected}
        )
        for row in grid.index[used_rows & (grid.index > header_row)]
        if lengths[row - 1] != expected
    ]
    if problems:
        raise ImportRejected(problems)


def _finding_problems(parsed: ParsedFile, findings: Iterable[CellFinding]) -> list[Problem]:
    """Merged cells and formulas below the heading, where they would change or hide a value."""
    problems = []
    for finding in findings:
        if finding.last_row <= parsed.header_row:
            continue
        problems.append(
            parsed.problem(finding.code, row=max(finding.row, parsed.header_row + 1), position=finding.column)
        )
    return problems


def _read_xlsx(data: bytes, sheet_name: str) -> pd.DataFrame:
    try:
        grid = pd.read_excel(
            io.BytesIO(data), engine="calamine", sheet_name=sheet_name, header=None, dtype=object
        )
    except Exception as error:  # calamine raises its own error types for malformed parts
        raise ImportRejected(
            [Problem("xlsx_damaged", sheet=sheet_name, params={"detail": limits.technical(error)})]
        ) from error
    grid.index = grid.index + 1
    grid.columns = range(len(grid.columns))
    return grid


def _read_csv(data: bytes) -> tuple[pd.DataFrame, list[int]]:
    """The grid of a csv file and each record's number of fields (records are lines: a quoted field
    running over a line break is refused, as an unbalanced quote would merge the lines below into it)."""
    if data.startswith((limits.ZIP_MAGIC, limits.OLE_MAGIC)):
        limits.reject("csv_is_workbook")
    text = _decode(data)
    if CONTROL_CHARACTERS.search(text):
        limits.reject("csv_is_binary")
    # A field may be as long as the file (the csv module's default stops at 128 KB, a wide heading line).
    csv.field_size_limit(max(len(text), csv.field_size_limit()))
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    allowed_rows = limits.limit("SERVICELEAD_IMPORT_MAX_ROWS") + 1
    rows: list[list[str]] = []
    surplus = 0
    try:
        for record in reader:
            if reader.line_num != len(rows) + surplus + 1:
                _reject_multiline(len(rows) + surplus + 1, reader.line_num)
            if len(rows) < allowed_rows:
                rows.append(record)
            else:
                surplus += 1  # counted, not kept: a file of empty lines stays cheap
    except csv.Error as error:
        limits.reject("csv_damaged", line=reader.line_num, detail=str(error))
    width = max(map(len, rows), default=0)
    limits.check_shape(rows=len(rows) + surplus, columns=width)
    grid = pd.DataFrame([row + [None] * (width - len(row)) for row in rows], dtype=object)
    grid.index = range(1, len(grid) + 1)
    grid.columns = range(len(grid.columns))
    return grid, [len(row) for row in rows]


def _reject_multiline(first: int, last: int) -> NoReturn:
    """Refuse a record that began on line ``first`` and ran on to line ``last``."""
    raise ImportRejected([Problem("csv_quote_spans_lines", row=first, params={"line": first, "last": last})])


def _decode(data: bytes) -> str:
    """UTF-16 with a byte-order mark (Excel's "Unicode text"), UTF-8 with or without one, else Windows-1252
    as German Excel writes it. Decided line by line: a UTF-8 file with some Windows-1252 lines (pasted
    together from two sources) is refused naming them, never read entirely in the wrong encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            limits.reject("encoding")
    if b"\x00" in data:
        limits.reject("csv_is_binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines()
    not_utf8 = [number for number, line in enumerate(lines, 1) if not _is_utf8(line)]
    utf8_evidence = data.startswith(codecs.BOM_UTF8) or any(
        not line.isascii() and _is_utf8(line) for line in lines
    )
    if utf8_evidence:
        shown = ", ".join(str(number) for number in not_utf8[:10])
        raise ImportRejected(
            [Problem("mixed_encoding", row=not_utf8[0], params={"lines": shown, "count": len(not_utf8)})]
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        limits.reject("encoding")


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first non-empty line into the most fields (comma on a tie)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: len(next(csv.reader([first], delimiter=delimiter), [])) for delimiter in DELIMITERS}
    best = max(counts.values())
    return "," if counts[","] == best else max(counts, key=counts.__getitem__)


def _header_row(grid: pd.DataFrame, used_rows: pd.Series) -> int:
    """The first row with a personnel-number heading among the first used rows (title lines above the
    table are common), else the first used row."""
    candidates = grid[used_rows].head(HEADER_SEARCH_ROWS).apply(cells.text)
    numbered = candidates.map(lambda text: columns.field_for(text) == "personnel_no").any(axis=1)
    return int(numbered.idxmax() if numbered.any() else candidates.index[0])


def _locate_heading(grid: pd.DataFrame) -> _Located | None:
    """(heading row, mask of the rows holding anything, mask of the blank cells), or None for a grid
    without any value."""
    empty = cells.blank(grid) if len(grid.columns) else pd.DataFrame(index=grid.index)
    used_rows = ~empty.all(axis=1) if len(grid.columns) else pd.Series(False, index=grid.index)
    if not used_rows.any():
        return None
    return _header_row(grid, used_rows), used_rows, empty


def _understand(
    grid: pd.DataFrame, located: _Located | None, *, filename: str, sheet: str, format: str | None
) -> ParsedFile:
    """Find the fields and the format below the heading ``located``; refuse what cannot be imported."""
    if located is None:
        raise ImportRejected([Problem("file_empty", sheet=sheet)])
    header_row, used_rows, empty = located
    data_rows = used_rows & (grid.index > header_row)
    headings_text = cells.text(grid.loc[header_row])
    data = grid[data_rows]
    data_empty = empty[data_rows]
    parsed = ParsedFile(
        filename=filename,
        sheet=sheet,
        format=format or columns.WIDE,
        header_row=header_row,
        headings={position: heading for position, heading in headings_text.items() if heading},
        fields={},
        competency_columns=(),
        frame=data,
    )
    problems: list[Problem] = []
    fields: dict[str, int] = {}
    competency_columns: list[int] = []
    for position, heading in headings_text.items():
        if not heading:
            if not data_empty[position].all():
                problems.append(parsed.problem("unnamed_column", row=header_row, position=position))
            continue
        field = columns.field_for(heading)
        if field is None:
            competency_columns.append(position)
        elif field in fields:
            problems.append(
                parsed.problem(
                    "duplicate_column",
                    row=header_row,
                    position=position,
                    value=heading,
                    other=column_letter(fields[field]),
                )
            )
        else:
            fields[field] = position
    detected = format or columns.detect_format(fields)
    for field, position in fields.items():
        if field not in columns.ALLOWED[detected]:
            problems.append(
                parsed.problem(
                    "wrong_format_column", row=header_row, position=position, value=parsed.headings[position]
                )
            )
    if detected == columns.LONG:
        problems.extend(
            parsed.problem(
                "unknown_column",
                row=header_row,
                position=position,
                value=parsed.headings[position],
                columns=", ".join(columns.CANONICAL[field] for field in columns.ALLOWED[columns.LONG]),
            )
            for position in competency_columns
        )
        competency_columns = []
    missing = [
        parsed.problem(
            "missing_column",
            row=header_row,
            field=columns.CANONICAL[field],
            aliases=", ".join(columns.FIELD_HEADINGS[field]),
        )
        for field in columns.REQUIRED[detected]
        if field not in fields
    ]
    if "personnel_no" not in fields:
        # No heading row was found at all: what else the chosen row shows is noise, not the cause.
        raise ImportRejected(missing)
    problems = missing + problems
    if detected == columns.WIDE and not competency_columns and "personnel_no" in fields:
        problems.append(parsed.problem("no_competency_columns", row=header_row))
    if problems:
        raise ImportRejected(problems)
    if data.empty:
        raise ImportRejected([Problem("file_empty", sheet=sheet)])
    kept = sorted([*fields.values(), *competency_columns])
    return ParsedFile(
        filename=filename,
        sheet=sheet,
        format=detected,
        header_row=header_row,
        headings={position: parsed.headings[position] for position in kept},
        fields=fields,
        competency_columns=tuple(competency_columns),
        frame=data[kept],
    )
