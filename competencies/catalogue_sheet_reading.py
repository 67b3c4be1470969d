"""Reading a catalogue sheet (competencies.catalogue_sheet): pure Python, no database and no Django, so
that it runs in the importer's limited reader process (``imports.isolation``) and returns plain data."""

import csv
import io
from typing import Any

from .spreadsheets import FORMULA_PREFIXES


def read_sheet(*, data: bytes, filename: str = "") -> dict[str, Any]:
    """``{"heading": [...], "rows": [[...], ...]}`` of a CSV (``;`` or ``,``) or xlsx file, every cell a
    string, or ``{"error": message}``."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # a damaged or foreign file: its reader's own message
            return {"error": f"not a readable xlsx file ({type(error).__name__})"}
        sheet = book.worksheets[0]
        table = [
            ["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)
        ]
    elif filename.lower().endswith(".csv"):
        text = data.decode("utf-8-sig", errors="replace")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        try:
            table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        except csv.Error as error:
            return {"error": f"not a readable CSV file ({error})"}
    else:
        return {"error": "unsupported"}
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        return {"error": "empty"}
    return {"heading": [cell.strip() for cell in table[0]], "rows": table[1:]}


def plain(value: str) -> str:
    """A cell as written: the apostrophe the export put before formula-like text taken off again."""
    value = value.strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
