"""Files refused before any parser sees them: size, type by content, zip bombs, entities, huge sheets."""

import io
import struct
import zipfile

import openpyxl
import pytest
from django.test.utils import override_settings

from competencies.imports import ImportRejected, parse_file

from .support import codes, write_csv, write_xlsx

VALID_ROWS = [["personnel_no", "name", "Heat pump diagnostics"], ["P-0001", "E", 2]]
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="Matrix" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def rejection(data, filename, **options):
    with pytest.raises(ImportRejected) as rejected:
        parse_file(file_obj=io.BytesIO(data), filename=filename, **options)
    return codes(rejected.value)


def workbook_zip(parts=None):
    """A minimal workbook archive; ``parts`` add, replace or (with None) drop members."""
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": RELS,
        "xl/worksheets/sheet1.xml": b"<worksheet/>",
    }
    members.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if data is not None:
                archive.writestr(name, data)
    return buffer.getvalue()


@override_settings(SERVICELEAD_IMPORT_MAX_BYTES=1000)
def test_a_file_above_the_size_limit_is_refused(tmp_path, db):
    rows = [VALID_ROWS[0], *[["P-0001", "E" * 50, "1"]] * 30]
    data = write_csv(tmp_path / "big.csv", rows).read_bytes()
    assert len(data) > 1000
    assert rejection(data, "big.csv") == ["file_too_large"]


def test_the_size_limit_reads_at_most_one_byte_more(db, settings):
    settings.SERVICELEAD_IMPORT_MAX_BYTES = 10

    class Endless(io.RawIOBase):
        requested = 0

        def readable(self):
            return True

        def read(self, size=-1):
            assert size != -1, "must not read without a limit"
            Endless.requested += size
            return b"a" * size

    with pytest.raises(ImportRejected):
        parse_file(file_obj=Endless(), filename="x.csv")
    assert Endless.requested == 11


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"personnel_no,name\nP-1,E\n", "matrix.xlsx", "xlsx_is_text"),
        (b"\x00\x01\x02garbage" * 10, "matrix.xlsx", "xlsx_not_zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "matrix.xlsx", "legacy_excel"),
        (b"%PDF-1.7 personnel_no", "matrix.pdf", "file_type"),
        (b"personnel_no,name\n", "matrix.xls", "file_type"),
        (b"\x00\x01\x02garbage\x00", "matrix.csv", "csv_is_binary"),
        (b"\x01\x02\x03 text with control characters", "matrix.csv", "csv_is_binary"),
    ],
    ids=["text-as-xlsx", "binary-as-xlsx", "xls-as-xlsx", "pdf", "xls", "binary-as-csv", "control-chars"],
)
def test_content_that_is_not_what_the_extension_says_is_refused(db, data, filename, code):
    assert rejection(data, filename) == [code]


def test_a_workbook_named_csv_is_refused(tmp_path, db):
    data = write_xlsx(tmp_path / "m.xlsx", VALID_ROWS).read_bytes()
    assert rejection(data, "matrix.csv") == ["csv_is_workbook"]


def test_a_zip_without_the_workbook_parts_is_refused(db):
    assert rejection(workbook_zip({"xl/workbook.xml": None}), "m.xlsx") == ["xlsx_part_missing"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert rejection(buffer.getvalue(), "m.xlsx") == ["xlsx_part_missing"]


@override_settings(SERVICELEAD_IMPORT_MAX_UNPACKED_BYTES=1_000_000)
def test_a_zip_bomb_is_refused(db):
    bomb = workbook_zip({"xl/worksheets/sheet1.xml": b"<worksheet>" + b" " * 5_000_000 + b"</worksheet>"})
    assert len(bomb) < 50_000
    assert rejection(bomb, "bomb.xlsx") == ["zip_unpacked"]


@override_settings(SERVICELEAD_IMPORT_MAX_UNPACKED_BYTES=1_000_000)
def test_a_zip_bomb_that_lies_about_its_size_is_refused(db):
    bomb = bytearray(
        workbook_zip({"xl/worksheets/sheet1.xml": b"<worksheet>" + b" " * 5_000_000 + b"</worksheet>"})
    )
    # Claim 100 bytes unpacked in the local and the central header of the sheet.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := bytes(bomb).find(signature, start)) != -1:
            name_length_at = start + (26 if signature == b"PK\x03\x04" else 28)
            name_length = struct.unpack("<H", bomb[name_length_at : name_length_at + 2])[0]
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if bomb[name_at : name_at + name_length] == b"xl/worksheets/sheet1.xml":
                bomb[start + offset : start + offset + 4] = struct.pack("<I", 100)
            start += 4
    assert rejection(bytes(bomb), "bomb.xlsx")[0] in {"zip_unpacked", "xlsx_damaged"}


@override_settings(SERVICELEAD_IMPORT_MAX_ZIP_MEMBERS=10)
def test_a_zip_with_too_many_members_is_refused(db):
    extra = {f"xl/media/image{i}.png": b"x" for i in range(20)}
    assert rejection(workbook_zip(extra), "m.xlsx") == ["zip_members"]


def test_a_document_type_declaration_is_refused(db):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<worksheet>&lol2;</worksheet>"
    )
    assert rejection(workbook_zip({"xl/worksheets/sheet1.xml": laughs}), "m.xlsx") == ["zip_doctype"]


def test_a_sheet_reaching_the_last_cell_is_refused_before_parsing(tmp_path, db):
    workbook = openpyxl.Workbook()
    workbook.active.append(VALID_ROWS[0])
    workbook.active.cell(row=1_048_576, column=16_384, value=1)
    path = tmp_path / "far.xlsx"
    workbook.save(path)
    assert path.stat().st_size < 20_000
    assert rejection(path.read_bytes(), "far.xlsx") == ["too_many_rows"]


@override_settings(SERVICELEAD_IMPORT_MAX_ROWS=3, SERVICELEAD_IMPORT_MAX_COLUMNS=4)
def test_row_and_column_limits(tmp_path, db):
    many_rows = [VALID_ROWS[0], *[["P-1", "E", "1"]] * 4]
    assert rejection(write_csv(tmp_path / "r.csv", many_rows).read_bytes(), "r.csv") == ["too_many_rows"]
    assert rejection(write_xlsx(tmp_path / "r.xlsx", many_rows).read_bytes(), "r.xlsx") == ["too_many_rows"]
    wide = [["personnel_no", "name", "a", "b", "c"], ["P-1", "E", 1, 2, 3]]
    assert rejection(write_csv(tmp_path / "c.csv", wide).read_bytes(), "c.csv") == ["too_many_columns"]
    assert rejection(write_xlsx(tmp_path / "c.xlsx", wide).read_bytes(), "c.xlsx") == ["too_many_columns"]


def test_damaged_workbook_xml_is_refused(db):
    assert rejection(workbook_zip({"xl/workbook.xml": b"<workbook"}), "m.xlsx") == ["xlsx_damaged"]


def test_an_undecodable_csv_is_refused(db):
    # 0x81 is undefined in Windows-1252 and invalid UTF-8.
    assert rejection(b"personnel_no,name\n\x81\x81,E\n", "m.csv") == ["encoding"]


def test_cells_without_references_count_towards_the_limits(db):
    cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * 2000
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b"<row>" + cells + b"</row></sheetData></worksheet>"
    )
    assert rejection(workbook_zip({"xl/worksheets/sheet1.xml": sheet}), "m.xlsx") == ["too_many_columns"]


@override_settings(SERVICELEAD_IMPORT_MAX_ROWS=100)
def test_a_csv_of_empty_lines_is_counted_not_kept(db):
    assert rejection(b"personnel_no,name\r\n" + b"\r\n" * 200_000, "m.csv") == ["too_many_rows"]
