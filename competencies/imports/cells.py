"""Turning raw cells (text from a CSV, numbers, dates and booleans from a workbook) into typed columns.

Each converter takes a Series of raw cells and returns typed values plus masks, without looping over rows
in Python beyond ``Series.map`` on the few text columns."""

import datetime
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from competencies.spreadsheets import FORMULA_PREFIXES

# The exporter writes a formula-like text as "'" + text (competencies.spreadsheets.safe_cell); reading it
# back drops that apostrophe again, so an export imports unchanged.
NEUTRALISED = re.compile("^'(?=[" + re.escape("".join(FORMULA_PREFIXES)) + "])")
# Four-digit years only: "31.12.99" could mean 1999 or 2099.
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
# Nobody's competencies were assessed before this; an earlier date is a typing error ("0001-01-01").
EARLIEST_DATE = pd.Timestamp("1900-01-01")
# A level written as text: digits, optionally ".0" as spreadsheets export whole numbers ("3", "3.0"),
# never "1e0" or "2.9999999999999999", which a number parser would round to a level.
LEVEL_TEXT = re.compile(r"^[0-9]+(?:\.0)?$")
NUMERIC_TYPES = (str, int, float, np.integer, np.floating)


def cell_text(value: Any) -> str:
    """One cell as the text a spreadsheet shows: '' for empty, 3 rather than 3.0, dates as YYYY-MM-DD."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(float(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def text(series: pd.Series) -> pd.Series:
    """Cells as stripped text, '' for empty ones, with the exporter's formula neutralisation undone."""
    values = series.map(cell_text).astype(object).str.strip()
    return values.str.replace(NEUTRALISED, "", regex=True).str.strip()


def blank(frame: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """True where a cell is empty or only whitespace (Series or DataFrame)."""
    if isinstance(frame, pd.DataFrame):
        return frame.apply(blank)
    is_text = frame.map(type).eq(str)
    empty_text = pd.Series(False, index=frame.index)
    if is_text.any():
        empty_text[is_text] = frame[is_text].astype(object).str.strip().eq("")
    return frame.isna() | empty_text


def levels(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(numbers as float, True where the cell is a whole number); booleans and dates are not numbers."""
    numeric_kind = series.map(lambda value: isinstance(value, NUMERIC_TYPES) and not isinstance(value, bool))
    numbers = pd.to_numeric(series.where(numeric_kind), errors="coerce").astype(float)
    whole = np.isfinite(numbers) & numbers.eq(np.floor(numbers))
    is_text = series.map(lambda value: isinstance(value, str))
    if is_text.any():
        spelled = series[is_text].str.strip().str.match(LEVEL_TEXT)
        whole[is_text] = whole[is_text] & spelled.astype(bool)
    return numbers, whole


def dates(series: pd.Series) -> pd.Series:
    """Cells as dates (datetime64, NaT where blank or unreadable): workbook dates, ISO or German text."""
    parsed = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]")
    is_date = series.map(lambda value: isinstance(value, datetime.date))
    if is_date.any():
        parsed[is_date] = pd.to_datetime(series[is_date], errors="coerce").astype("datetime64[us]")
    values = text(series[~is_date])
    for date_format in DATE_FORMATS:
        pending = values[parsed[values.index].isna() & values.ne("")]
        if pending.empty:
            break
        parsed[pending.index] = pd.to_datetime(pending, format=date_format, errors="coerce").astype(
            "datetime64[us]"
        )
    return parsed.dt.normalize()


def too_early(parsed: pd.Series) -> pd.Series:
    """True where a date lies before EARLIEST_DATE."""
    return parsed.lt(EARLIEST_DATE)
