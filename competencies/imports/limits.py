"""Checks made before a file is handed to a parser: size, type by content, and the shape of an xlsx zip.

Every limit is a setting read when the check runs, so tests and deployments can change it."""

import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from posixpath import join, normpath
from re import Pattern
from typing import IO, Any, NoReturn

from defusedxml import ElementTree
from django.conf import settings

from .problems import ImportRejected, Problem, human_size

DEFAULTS = {
    "SERVICELEAD_IMPORT_MAX_BYTES": 10 * 1024 * 1024,
    "SERVICELEAD_IMPORT_MAX_ROWS": 100_000,
    "SERVICELEAD_IMPORT_MAX_COLUMNS": 1_100,
    # An xlsx compresses about 5–10×; a legitimate 10 MB workbook unpacks well below this.
    "SERVICELEAD_IMPORT_MAX_UNPACKED_BYTES": 256 * 1024 * 1024,
    "SERVICELEAD_IMPORT_MAX_ZIP_MEMBERS": 1_000,
    # The report lists this many problems and counts the rest.
    "SERVICELEAD_IMPORT_MAX_PROBLEMS": 1_000,
    # The reader process (competencies.imports.isolation): memory it may allocate beyond what it starts
    # with, and CPU seconds; past either it is ended and the file refused, nothing else is affected.
    "SERVICELEAD_IMPORT_MAX_MEMORY_BYTES": 2 * 1024 * 1024 * 1024,
    "SERVICELEAD_IMPORT_MAX_SECONDS": 120,
}

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
CHUNK = 1024 * 1024
DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
# A cell reference attribute (r="AB12"); rows carry r="12". Elements may have a namespace prefix. Any
# number of letters and digits: a reference is checked against the limits, never cut to a length.
CELL_REFERENCE = re.compile(rb"\sr=[\"']([A-Z]+)([0-9]+)[\"']")
ROW_REFERENCE = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=[\"']([0-9]+)[\"']")
# The sheet's own statement of its used range, which a reader may allocate up front.
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?\bref=[\"']([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?[\"']")
MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?\bref=[\"']([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?[\"']")
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
CELL_END = re.compile(rb"</(?:\w+:)?c>|<(?:\w+:)?c[\s/>]")
VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?>([^<]*)<")
# A formula naming another workbook refers to it by its number in brackets: [1]Sheet!A1.
EXTERNAL_REFERENCE = re.compile(rb"\[[0-9]+\]")
ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
ANY_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")
NAMESPACES = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pkg": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def limit(name: str) -> int:
    """The setting ``name`` (one of DEFAULTS), read now."""
    return int(getattr(settings, name, DEFAULTS[name]))


def read_limited(file_obj: IO[bytes] | IO[str]) -> bytes:
    """The file's bytes; refused beyond SERVICELEAD_IMPORT_MAX_BYTES (reads at most one byte more)."""
    maximum = limit("SERVICELEAD_IMPORT_MAX_BYTES")
    try:
        file_obj.seek(0)  # a form may have read the upload already
    except (AttributeError, OSError):
        pass
    data = file_obj.read(maximum + 1)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > maximum:
        size = _true_size(file_obj) or len(data)
        raise ImportRejected(
            [Problem("file_too_large", params={"size": human_size(size), "limit": human_size(maximum)})]
        )
    return data


def _true_size(file_obj: IO[bytes] | IO[str]) -> int | None:
    """The whole file's size (an upload knows it; an open file is asked), None when it cannot tell."""
    size = getattr(file_obj, "size", None)
    if size:
        return size
    try:
        return os.fstat(file_obj.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


def reject(code: str, **params: Any) -> NoReturn:
    raise ImportRejected([Problem(code, params=params)])


@dataclass(frozen=True)
class CellFinding:
    """Something in a sheet's cells that the values alone do not show (a merge, a formula)."""

    code: str  # merged_cells, formula_without_value, formula_external
    row: int
    column: int  # position, 0 = A
    last_row: int  # the last row the finding covers (a merged range spans rows)


@dataclass(frozen=True)
class SheetShape:
    name: str
    rows: int
    columns: int
    findings: tuple[CellFinding, ...] = ()
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, in its order


def inspect_xlsx(data: bytes, *, sheet: str | None = None) -> SheetShape:
    """Check an xlsx before any parser sees it and return the chosen sheet's name and extent.

    Refuses what is not a zip with the parts of a workbook, archives with too many members or unpacking
    beyond the limit (each member is really decompressed: sizes in a zip header can lie), XML with a
    document type declaration (entity expansion), and sheets whose cells reach beyond the row or column
    limit (a parser would allocate the whole rectangle)."""
    if data.startswith(OLE_MAGIC):
        reject("legacy_excel")
    if not data.startswith(ZIP_MAGIC):
        reject("xlsx_is_text" if looks_like_text(data) else "xlsx_not_zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [member for member in archive.infolist() if not member.is_dir()]
    except Exception as error:  # zipfile raises several types for a damaged central directory
        reject("xlsx_damaged", detail=technical(error))
    max_members = limit("SERVICELEAD_IMPORT_MAX_ZIP_MEMBERS")
    if len(members) > max_members:
        reject("zip_members", count=len(members), limit=max_members)
    names = {member.filename for member in members}
    for part in REQUIRED_PARTS:
        if part not in names:
            reject("xlsx_part_missing", part=part)
    max_unpacked = limit("SERVICELEAD_IMPORT_MAX_UNPACKED_BYTES")
    if sum(member.file_size for member in members) > max_unpacked:
        reject("zip_unpacked", limit=human_size(max_unpacked))
    sheet_parts = _sheet_parts(archive)
    if sheet is None and sheet_parts:
        sheet = next(iter(sheet_parts))
    if sheet not in sheet_parts:
        reject("sheet_missing", sheet=sheet or "", sheets=", ".join(sheet_parts) or "—")
    part = sheet_parts[sheet]
    if part not in names:
        reject("xlsx_part_missing", part=part)
    unpacked = 0
    shape: SheetShape | None = None
    for member in members:
        content = _unpack(archive, member, max_unpacked - unpacked)
        unpacked += len(content)
        if member.filename == part:
            shape = SheetShape(
                sheet, *_extent(content), findings=tuple(_findings(content)), sheets=tuple(sheet_parts)
            )
    return shape  # type: ignore[return-value]  # the sheet's part is among the members: checked above


def technical(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, allowance: int) -> bytes:
    """The member's content, decompressed in chunks so that a bomb stops at ``allowance`` bytes."""
    chunks, total, tail = [], 0, b""
    check_doctype = member.filename.endswith((".xml", ".rels", ".vml"))
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > allowance:
                    reject("zip_unpacked", limit=human_size(limit("SERVICELEAD_IMPORT_MAX_UNPACKED_BYTES")))
                if check_doctype and DOCTYPE.search(tail + chunk):
                    reject("zip_doctype")
                tail = chunk[-16:]
                chunks.append(chunk)
    except ImportRejected:
        raise
    except Exception as error:  # zipfile and zlib raise several types for corrupt or unsupported members
        reject("xlsx_damaged", detail=f"{member.filename}: {technical(error)}")
    return b"".join(chunks)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its part in the archive, in workbook order."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = {}
        if "xl/_rels/workbook.xml.rels" in archive.namelist():
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            relations = {
                rel.get("Id"): rel.get("Target", "")
                for rel in rels.iter(f"{{{NAMESPACES['pkg']}}}Relationship")
            }
    except Exception as error:  # defusedxml refuses entities; ElementTree raises ParseError on garbage
        reject("xlsx_damaged", detail=f"xl/workbook.xml: {technical(error)}")
    parts = {}
    for element in workbook.iter(f"{{{NAMESPACES['main']}}}sheet"):
        target = relations.get(element.get(f"{{{NAMESPACES['rel']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        parts[element.get("name", "")] = path
    return parts


def _extent(content: bytes) -> tuple[int, int]:
    """Rows and columns the sheet's cells span: the largest row number and column letters referenced.

    Cells and rows may leave out their reference (they then follow the previous one); counting such
    elements as if they all lay in one row or column keeps the bound safe."""
    cells = CELL_REFERENCE.findall(content)
    numbered_rows = ROW_REFERENCE.findall(content)
    row_numbers = set(numbered_rows) | {number for _, number in cells}
    rows = max(map(int, row_numbers), default=0)
    columns = max(map(_column_number, {letters for letters, _ in cells}), default=0)
    for match in DIMENSION.finditer(content):
        for letters, number in (match.group(1, 2), match.group(3, 4)):
            if letters:
                rows, columns = max(rows, int(number)), max(columns, _column_number(letters))
    cell_elements = _count(content, ANY_CELL, (b"<c ", b"<c>", b"<c/>"), b":c")
    if cell_elements > len(cells):
        columns = max(columns, cell_elements)
    row_elements = _count(content, ANY_ROW, (b"<row ", b"<row>", b"<row/>"), b":row")
    if row_elements > len(numbered_rows):
        rows = max(rows, row_elements)
    return rows, columns


def _findings(content: bytes) -> Iterator[CellFinding]:
    """Merged ranges, formulas without a stored result and formulas into other workbooks, by cell.

    A merged range shows its value in the first cell only, although the reader sees the whole range
    filled; a formula's value is what the program that saved the file computed, if it computed one."""
    for match in MERGE.finditer(content):
        first_letters, first_row, last_letters, last_row = match.groups()
        if last_letters and (first_letters, first_row) != (last_letters, last_row):
            yield CellFinding(
                "merged_cells", int(first_row), _column_number(first_letters) - 1, int(last_row)
            )
    for formula in FORMULA.finditer(content):
        start = _last_match(ANY_CELL, content, formula.start())
        if start is None:
            continue
        reference = CELL_REFERENCE.search(content, start, content.find(b">", start) + 1)
        if reference is None:
            continue
        end = CELL_END.search(content, formula.end())
        body = content[start : end.start() if end else len(content)]
        letters, number = reference.groups()
        row, column = int(number), _column_number(letters) - 1
        text = FORMULA_TEXT.search(body)
        if text and EXTERNAL_REFERENCE.search(text.group(1)):
            yield CellFinding("formula_external", row, column, row)
        elif not VALUE.search(body):
            yield CellFinding("formula_without_value", row, column, row)


def _last_match(pattern: Pattern[bytes], content: bytes, before: int) -> int | None:
    """Start of the last match of ``pattern`` in the 4 KB before ``before`` (a cell's opening tag)."""
    window_start = max(0, before - 4096)
    last = None
    for match in pattern.finditer(content, window_start, before):
        last = match.start()
    return last


def _count(content: bytes, pattern: Pattern[bytes], tokens: tuple[bytes, ...], prefixed: bytes) -> int:
    """Occurrences of an element: by plain counting (fast) unless a namespace prefix needs the pattern."""
    if prefixed in content:
        return sum(1 for _ in pattern.finditer(content))
    return sum(content.count(token) for token in tokens)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number


def looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    return bool(sample) and b"\x00" not in sample


def check_shape(*, rows: int, columns: int) -> None:
    """Refuse sheets beyond the row or column limit (rows counted including the heading)."""
    max_rows = limit("SERVICELEAD_IMPORT_MAX_ROWS") + 1
    if rows > max_rows:
        reject("too_many_rows", count=rows, limit=max_rows - 1)
    max_columns = limit("SERVICELEAD_IMPORT_MAX_COLUMNS")
    if columns > max_columns:
        reject("too_many_columns", count=columns, limit=max_columns)
