"""Checks made before a file is handed to a parser: size, type by content, and the shape of an xlsx zip.

Every limit is a setting read when the check runs, so tests and deployments can change it."""

import io
import re
import zipfile
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
}

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
CHUNK = 1024 * 1024
DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
# A cell reference attribute (r="AB12"); rows carry r="12". Elements may have a namespace prefix.
CELL_REFERENCE = re.compile(rb"\sr=[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
ROW_REFERENCE = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=[\"']([0-9]{1,7})[\"']")
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
        size = getattr(file_obj, "size", None) or len(data)
        raise ImportRejected(
            [Problem("file_too_large", params={"size": human_size(size), "limit": human_size(maximum)})]
        )
    return data


def reject(code: str, **params: Any) -> NoReturn:
    raise ImportRejected([Problem(code, params=params)])


@dataclass(frozen=True)
class SheetShape:
    name: str
    rows: int
    columns: int


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
            shape = SheetShape(sheet, *_extent(content))
    return shape  # type: ignore[return-value]  # the sheet's part is among the members: checked above


def technical(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, allowance: int) -> bytes:
    """The member's content, decompressed in chunks so that a bomb stops at ``allowance`` bytes."""
    chunks: list[bytes] = []
    total, tail = 0, b""
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
        relations: dict[str | None, str] = {}
        if "xl/_rels/workbook.xml.rels" in archive.namelist():
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            relations = {
                rel.get("Id"): rel.get("Target", "")
                for rel in rels.iter(f"{{{NAMESPACES['pkg']}}}Relationship")
            }
    except Exception as error:  # defusedxml refuses entities; ElementTree raises ParseError on garbage
        reject("xlsx_damaged", detail=f"xl/workbook.xml: {technical(error)}")
    parts: dict[str, str] = {}
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
    cell_elements = _count(content, ANY_CELL, (b"<c ", b"<c>", b"<c/>"), b":c")
    if cell_elements > len(cells):
        columns = max(columns, cell_elements)
    row_elements = _count(content, ANY_ROW, (b"<row ", b"<row>", b"<row/>"), b":row")
    if row_elements > len(numbered_rows):
        rows = max(rows, row_elements)
    return rows, columns


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
