"""Importing assessments from a spreadsheet (xlsx or csv, wide matrix or long list).

Three steps, so a page can show the report or the preview before anything is written:

    parsed = parse_file(file_obj=..., filename="matrix.xlsx", format=None, sheet=None)  # ImportRejected
    plan = validate(parsed, create_missing=False)   # plan.problems, or plan.summary()/change_records()
    written = import_commit(plan, user=request.user)  # one transaction; ImportRejected if plan is bad

``import_file`` runs all three (the command and the background job use it)."""

from .columns import FORMATS, LONG, WIDE
from .commit import import_commit, import_file
from .problems import ImportRejected, Problem
from .reading import ParsedFile, parse_file
from .validation import ImportPlan, validate

__all__ = [
    "FORMATS",
    "LONG",
    "WIDE",
    "ImportPlan",
    "ImportRejected",
    "ParsedFile",
    "Problem",
    "import_commit",
    "import_file",
    "parse_file",
    "validate",
]
