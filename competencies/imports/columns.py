"""Headings: the fields of both formats with their English and German names, and how a heading is compared."""

import re
import unicodedata
from collections.abc import Iterable

WIDE, LONG = "wide", "long"
FORMATS = (WIDE, LONG)

# Field → accepted headings. Compared by ``heading_key``: case, spaces, dots, dashes and underscores do
# not matter, so "Personal-Nr." and "personnel_no" are found however they are written.
FIELD_HEADINGS = {
    "personnel_no": (
        "personnel_no",
        "personnel number",
        "Personalnummer",
        "Personal-Nr.",
        "Pers.-Nr.",
        "Mitarbeiternummer",
    ),
    "name": ("name", "Mitarbeiter", "Mitarbeiterin"),
    "team": ("team",),
    "competency": ("competency", "Kompetenz"),
    "level": ("level", "Stufe", "Niveau"),
    "source": ("source", "Quelle"),
    "assessed_on": ("assessed_on", "date", "Bewertet am", "Datum"),
    "valid_until": ("valid_until", "Gültig bis", "Gueltig bis"),
    "note": ("note", "Notiz", "Bemerkung"),
}
REQUIRED = {WIDE: ("personnel_no", "name"), LONG: ("personnel_no", "competency", "level")}
# Fields a file of the format may carry; in the wide format every other heading names a competency.
ALLOWED = {
    WIDE: ("personnel_no", "name", "team"),
    LONG: (
        "personnel_no",
        "name",
        "team",
        "competency",
        "level",
        "source",
        "assessed_on",
        "valid_until",
        "note",
    ),
}
# The headings the exporter writes, which are also the canonical ones in reports.
CANONICAL = {field: headings[0] for field, headings in FIELD_HEADINGS.items()}

_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_WHITESPACE = re.compile(r"\s+")


def heading_key(text: str) -> str:
    """Comparable form of a field heading: letters and digits only, case-folded."""
    return _NOT_ALPHANUMERIC.sub("", unicodedata.normalize("NFKC", text).casefold())


def name_key(text: str) -> str:
    """Comparable form of a competency name: case-folded, without any whitespace."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text).casefold())


FIELD_BY_KEY = {
    heading_key(heading): field for field, headings in FIELD_HEADINGS.items() for heading in headings
}


def field_for(heading: str) -> str | None:
    """The field a heading names, or None (in the wide format: a competency)."""
    return FIELD_BY_KEY.get(heading_key(heading))


def detect_format(fields: Iterable[str | None]) -> str:
    """Long when a heading names the competency or level field, else wide."""
    return LONG if {"competency", "level"} & set(fields) else WIDE
