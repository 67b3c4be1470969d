"""Reading a skills CSV of the ESCO download (``skills_de.csv``, ``skills_en.csv``, …): one row per
concept with ``conceptType, conceptUri, skillType, reuseLevel, preferredLabel, altLabels, …,
description``; alternative labels are one per line inside their quoted cell.

Pure Python, no database and no Django: it runs in the importer's limited reader process
(``competencies.imports.isolation``) and returns plain data, or the problem as a code with parameters
that the caller words in the reader's language."""

import csv
import io
from typing import Any

REQUIRED_COLUMNS = ("conceptUri", "preferredLabel", "altLabels")
OPTIONAL_COLUMNS = ("conceptType", "skillType", "reuseLevel", "description", "status")
SKILL_CONCEPT = "KnowledgeSkillCompetence"
MAX_FIELD = 1024 * 1024


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_skills(*, data: bytes, filename: str = "") -> dict[str, Any]:
    """``{"skills": [{"uri", "label", "alt_labels", "description", "skill_type", "reuse_level"}],
    "skipped": n}`` or ``{"error": code, "params": {…}}`` (codes: ``empty``, ``missing_columns``,
    ``bad_csv``, ``no_skills``). Rows of another concept type than a skill are skipped; the first row
    of a URI wins over a repeated one."""
    text = _text(data)
    if not text.strip():
        return {"error": "empty", "params": {}}
    sample = text[:4096]
    delimiter = ";" if sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(",") else ","
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headings = [cell.strip() for cell in next(reader)]
    except (StopIteration, csv.Error) as error:
        return {"error": "bad_csv", "params": {"line": 1, "detail": str(error)}}
    missing = [column for column in REQUIRED_COLUMNS if column not in headings]
    if missing:
        return {"error": "missing_columns", "params": {"columns": missing, "found": headings[:20]}}
    position = {
        name: headings.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if name in headings
    }

    def cell(row: list[str], name: str) -> str:
        index = position.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    skills: dict[str, dict[str, Any]] = {}
    skipped = 0
    try:
        for row in reader:
            if not any(value.strip() for value in row):
                continue
            concept_type = cell(row, "conceptType")
            uri, label = cell(row, "conceptUri"), cell(row, "preferredLabel")
            if (concept_type and concept_type != SKILL_CONCEPT) or not uri or not label or uri in skills:
                skipped += 1
                continue
            alternatives = [line.strip() for line in cell(row, "altLabels").splitlines() if line.strip()]
            skills[uri] = {
                "uri": uri,
                "label": label,
                "alt_labels": list(dict.fromkeys(alternatives)),
                "description": cell(row, "description"),
                "skill_type": cell(row, "skillType"),
                "reuse_level": cell(row, "reuseLevel"),
            }
    except csv.Error as error:
        return {"error": "bad_csv", "params": {"line": reader.line_num, "detail": str(error)}}
    if not skills:
        return {"error": "no_skills", "params": {}}
    return {"skills": list(skills.values()), "skipped": skipped}
