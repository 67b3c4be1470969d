"""German dates in one form on every page: "04.12.2026" (never "4. Dezember 2026" beside it)."""

DATE_FORMAT = SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "d.m.Y, H:i"
MONTH_DAY_FORMAT = "d.m."
YEAR_MONTH_FORMAT = "F Y"
