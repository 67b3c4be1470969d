"""The team matrix: members × required competencies, sorted, searched and filtered, with the columns a
user picked (``MatrixColumns``). Works on the dashboard's cached heatmap (teams.gaps.team), so the page
costs the same few queries whatever the size of the team."""

from typing import Any

from django.db import transaction

from .models import MatrixColumns, Team

# Sort keys: "name" / "-name" by person, "c<id>" / "-c<id>" by the level in one competency column.
NAME_SORTS = ("name", "-name")


def column_sort_key(competency_id: int, *, descending: bool = False) -> str:
    return f"{'-' if descending else ''}c{competency_id}"


def parse_sort(value: str, column_ids: set[int]) -> tuple[str, int | None, bool] | None:
    """("name", None, descending) or ("column", id, descending); None for anything else."""
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key == "name":
        return "name", None, descending
    if key.startswith("c") and key[1:].isdigit() and int(key[1:]) in column_ids:
        return "column", int(key[1:]), descending
    return None


def picked_columns(*, user: Any, team: Team) -> list[int] | None:
    """The competency ids ``user`` picked for ``team``'s matrix, None when they picked none (all shown)."""
    ids = list(
        MatrixColumns.competencies.through.objects.filter(
            matrixcolumns__user=user, matrixcolumns__team=team
        ).values_list("competency_id", flat=True)
    )
    return ids or None


def save_columns(*, user: Any, team: Team, competency_ids: list[int]) -> None:
    """Store the columns ``user`` wants for ``team``; an empty list means all of them again."""
    with transaction.atomic():
        if not competency_ids:
            MatrixColumns.objects.filter(user=user, team=team).delete()
            return
        columns, _created = MatrixColumns.objects.get_or_create(user=user, team=team)
        columns.competencies.set(competency_ids)
        columns.save(update_fields=["updated_at"])


def build(
    heatmap: dict[str, Any],
    *,
    query: str = "",
    person_id: int | None = None,
    category_id: int | None = None,
    picked: list[int] | None = None,
    sort: str = "name",
) -> dict[str, Any]:
    """The matrix to show from a dashboard heatmap (``{"columns": [...], "rows": [...]}``).

    Columns: the picked ones (all when ``picked`` is None), then only those of ``category_id``. Rows: the
    person ``person_id``, or those whose name contains ``query`` (case-insensitive). Sorted by name or by
    the level in one shown column (ties by name). Returns columns, rows, ``sort`` (the key applied) and
    ``total_rows`` / ``total_columns`` before searching and filtering."""
    columns = heatmap["columns"]
    picked_set = set(picked) if picked else None
    kept = [
        i
        for i, column in enumerate(columns)
        if (picked_set is None or column["id"] in picked_set)
        and (category_id is None or column["category_id"] == category_id)
    ]
    shown_columns = [columns[i] for i in kept]
    needle = query.strip().casefold()
    rows = []
    for row in heatmap["rows"]:
        employee = row["employee"]
        if person_id is not None and employee["id"] != person_id:
            continue
        if needle and needle not in employee["name"].casefold():
            continue
        rows.append(
            {
                "employee": employee,
                "cells": [{**row["cells"][i], "competency_id": columns[i]["id"]} for i in kept],
            }
        )

    parsed = parse_sort(sort, {c["id"] for c in shown_columns}) or ("name", None, False)
    kind, column_id, descending = parsed
    if kind == "name":
        rows.sort(key=lambda r: (r["employee"]["name"].casefold(), r["employee"]["id"]), reverse=descending)
    else:
        index = next(i for i, c in enumerate(shown_columns) if c["id"] == column_id)
        sign = -1 if descending else 1
        # People with the same level stay in name order either way.
        rows.sort(
            key=lambda r: (
                sign * r["cells"][index]["level"],
                r["employee"]["name"].casefold(),
                r["employee"]["id"],
            )
        )
    applied = "-" if descending else ""
    applied += "name" if kind == "name" else f"c{column_id}"
    return {
        "columns": shown_columns,
        "rows": rows,
        "sort": applied,
        "total_rows": len(heatmap["rows"]),
        "total_columns": len(columns),
    }
