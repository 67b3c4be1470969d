"""Importing assessments from a spreadsheet (xlsx or csv, wide matrix or long list).

Three steps, so a page can show the report or the preview before anything is written:

    parsed = parse_file(file_obj=..., filename="matrix.xlsx", format=None, sheet=None)  # ImportRejected
    plan = validate(parsed, create_missing=False)   # plan.problems, or plan.summary()/change_records()
    written = import_commit(plan, user=request.user)  # one transaction; ImportRejected if plan is bad

``import_file`` runs all three (the command and the background job use it).

The names are loaded on first use: the reader process (``isolation``) imports the reading modules
without the database side (validation, commit), which needs Django's app registry."""

from importlib import import_module
from typing import Any

_HOMES = {
    "FORMATS": ".columns",
    "LONG": ".columns",
    "WIDE": ".columns",
    "import_commit": ".commit",
    "import_file": ".commit",
    "ImportRejected": ".problems",
    "Problem": ".problems",
    "ParsedFile": ".reading",
    "parse_file": ".reading",
    "ImportPlan": ".validation",
    "validate": ".validation",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value
