"""English dates in one unambiguous form on every page: "4 Dec 2026" (never "12/04/2026" beside
"Dec. 4, 2026"); input formats stay Django's (the forms parse ISO dates strictly anyway)."""

DATE_FORMAT = SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
