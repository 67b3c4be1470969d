"""Checking a ParsedFile against the database and working out what an import would change.

``validate`` finds every problem of the file at once (a report, not the first error) and, for a clean
file, the plan: new people, the assessments to record and the levels that would change. Nothing is
written here. Which rows are recorded:
- wide format: a cell states the level on the import date; it is recorded only when it differs from the
  person's effective level then (an unassessed competency counts as 0);
- long format: a dated row is an assessment; it is recorded unless the same one (person, competency,
  level, source, date, valid until) is stored already. An undated row states today's level, like a cell.
So re-importing a file, or importing an export, records nothing."""

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies import hooks
from competencies.models import Assessment, Employee

from . import cells, columns, lookups
from .columns import heading_key
from .limits import limit
from .problems import Problem, column_letter
from .reading import ParsedFile

PERSONNEL_NO_MAX = Employee._meta.get_field("personnel_no").max_length
NAME_MAX = Employee._meta.get_field("name").max_length
SOURCE_BY_KEY = {
    heading_key(alias): source
    for source, aliases in {
        Assessment.Source.SELF: (
            "self",
            "self-assessment",
            "selbst",
            "Selbsteinschätzung",
            "Selbstbewertung",
        ),
        Assessment.Source.MANAGER: ("manager", "Führungskraft", "Vorgesetzte", "Vorgesetzter"),
        Assessment.Source.CERTIFICATE: ("certificate", "Zertifikat"),
        Assessment.Source.IMPORT: ("import",),
    }.items()
    for alias in aliases
}
WRITE_COLUMNS = [
    "row",
    "personnel_no",
    "employee_id",
    "competency_id",
    "level",
    "source",
    "assessed_on",
    "valid_until",
    "note",
]
CHANGE_COLUMNS = ["row", "personnel_no", "name", "competency_id", "old_level", "new_level"]
# What a format's validation yields for a clean file: writes, changes, new people, unchanged count.
_Outcome = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]


@dataclass(frozen=True, eq=False)
class ImportPlan:
    """The outcome of ``validate``: the problems, or for a clean file what ``import_commit`` would write.

    ``writes`` (WRITE_COLUMNS), ``changes`` (CHANGE_COLUMNS; old_level NA = unassessed) and
    ``new_people`` (row, personnel_no, name) are DataFrames for code; pages use the ``*_records`` methods."""

    parsed: ParsedFile
    on: datetime.date  # the date the levels are compared on and undated assessments are recorded with
    create_missing: bool
    problems: tuple[Problem, ...] = ()
    problem_count: int = 0
    new_people: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["row", "personnel_no", "name"])
    )
    writes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WRITE_COLUMNS))
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    unchanged: int = 0
    competency_labels: dict[int, str] = field(default_factory=dict)
    # Personnel numbers whose name or team in the file disagrees with the stored person: not problems,
    # but ``import_file`` writes nothing until the user confirms them (``confirm_differences``).
    warnings: tuple[Problem, ...] = ()
    warning_count: int = 0

    @property
    def is_valid(self) -> bool:
        return self.problem_count == 0

    def summary(self) -> dict[str, Any]:
        """Counts for a preview: rows read, new people, assessments to record, level changes, unchanged
        cells (wide) or rows (long), and rows that record nothing."""
        return {
            "filename": self.parsed.filename,
            "sheet": self.parsed.sheet,
            "format": self.parsed.format,
            "on": self.on.isoformat(),
            "rows": self.parsed.row_count,
            "problems": self.problem_count,
            "new_people": len(self.new_people),
            "assessments": len(self.writes),
            "changes": len(self.changes),
            "unchanged": self.unchanged,
            "unchanged_rows": self.parsed.row_count - self.writes["row"].nunique() if self.is_valid else 0,
            "warnings": self.warning_count,
        }

    def problem_records(self) -> list[dict[str, Any]]:
        return [problem.as_dict() for problem in self.problems]

    def warning_records(self) -> list[dict[str, Any]]:
        return [warning.as_dict() for warning in self.warnings]

    def new_people_records(self, limit: int | None = None) -> list[dict[str, Any]]:
        frame = self.new_people.head(limit) if limit is not None else self.new_people
        return [
            {"row": int(row), "personnel_no": number, "name": name}
            for row, number, name in frame[["row", "personnel_no", "name"]].itertuples(index=False)
        ]

    def change_records(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Each change: row, personnel_no, name, competency (“Category / Name”), old_level (None when
        unassessed), new_level; in file order."""
        frame = self.changes.head(limit) if limit is not None else self.changes
        return [
            {
                "row": int(row),
                "personnel_no": number,
                "name": name,
                "competency_id": int(competency_id),
                "competency": self.competency_labels.get(int(competency_id), ""),
                "old_level": None if pd.isna(old) else int(old),
                "new_level": int(new),
            }
            for row, number, name, competency_id, old, new in frame[CHANGE_COLUMNS].itertuples(index=False)
        ]


class _Findings:
    """Problems gathered as frames (row, position, value, code, params), turned into Problems at the end."""

    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.frames: list[pd.DataFrame] = []

    def add(
        self, code: str, *, rows: Any, position: Any = None, values: Any = "", params: Any = None
    ) -> None:
        """One problem per entry of ``rows``; ``position``/``values``/``params``: one for all or one each."""
        rows = np.asarray(rows, dtype="int64")
        if not len(rows):
            return
        positions = (
            position if isinstance(position, pd.Series | np.ndarray | list) else [position] * len(rows)
        )
        values = values if isinstance(values, pd.Series | np.ndarray | list) else [values] * len(rows)
        params = params if isinstance(params, pd.Series | list) else [params or {}] * len(rows)
        self.frames.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "position": [-1 if p is None else int(p) for p in positions],
                    "value": np.asarray(values, dtype=object),
                    "code": code,
                    "params": list(params),
                }
            )
        )

    def add_cells(self, code: str, mask: pd.Series, position: int, values: Any, params: Any = None) -> None:
        """Problems at the rows where ``mask`` (indexed by row number) is true, in one column."""
        if mask.any():
            picked = values[mask] if isinstance(values, pd.Series) else values
            chosen = params[mask] if isinstance(params, pd.Series) else params
            self.add(code, rows=mask.index[mask], position=position, values=picked, params=chosen)

    def __bool__(self) -> bool:
        return bool(self.frames)

    def problems(self) -> tuple[tuple[Problem, ...], int]:
        """(the first SERVICELEAD_IMPORT_MAX_PROBLEMS problems in sheet order, how many in all)."""
        if not self.frames:
            return (), 0
        frame = pd.concat(self.frames, ignore_index=True).sort_values(["row", "position"], kind="stable")
        shown = frame.head(limit("SERVICELEAD_IMPORT_MAX_PROBLEMS"))
        problems = tuple(
            self.parsed.problem(
                code,
                row=int(row),
                position=None if position < 0 else int(position),
                value=cells.cell_text(value),
                **params,
            )
            for row, position, value, code, params in shown[
                ["row", "position", "value", "code", "params"]
            ].itertuples(index=False)
        )
        return problems, len(frame)


def validate(
    parsed: ParsedFile, *, create_missing: bool = False, on: datetime.date | None = None
) -> ImportPlan:
    """Check everything in ``parsed`` against the catalogue and the people; an ImportPlan with either the
    problems (each with sheet, row, column, value and reason) or what a commit would write.

    ``create_missing``: unknown personnel numbers with a name become new employees instead of problems.
    ``on``: the import date (default today); nothing may be dated after it."""
    on = on or timezone.localdate()
    catalogue = lookups.Catalogue.load()
    findings = _Findings(parsed)
    differences = _Findings(parsed)
    people, new_people = _people(
        parsed,
        findings,
        differences,
        one_row_each=parsed.format == columns.WIDE,
        create_missing=create_missing,
        on=on,
    )
    if parsed.format == columns.WIDE:
        outcome = _validate_wide(parsed, catalogue, findings, people, new_people, on=on)
    else:
        outcome = _validate_long(parsed, catalogue, findings, people, new_people, on=on)
    problems, count = findings.problems()
    if count:
        return ImportPlan(
            parsed=parsed, on=on, create_missing=create_missing, problems=problems, problem_count=count
        )
    writes, changes, new_people, unchanged = outcome  # type: ignore[misc]  # None only with problems
    warnings, warning_count = differences.problems()
    return ImportPlan(
        parsed=parsed,
        on=on,
        create_missing=create_missing,
        new_people=new_people,
        writes=writes[WRITE_COLUMNS].reset_index(drop=True),
        changes=changes[CHANGE_COLUMNS].reset_index(drop=True),
        unchanged=int(unchanged),
        competency_labels=catalogue.label_of,
        warnings=warnings,
        warning_count=warning_count,
    )


# People ---------------------------------------------------------------------------------------------------


def _people(
    parsed: ParsedFile,
    findings: _Findings,
    differences: _Findings,
    *,
    one_row_each: bool,
    create_missing: bool,
    on: datetime.date,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per data row: personnel_no, name, employee_id (NA for new people), ok; and the new people. A stored
    person's name or team given otherwise in the file goes to ``differences``."""
    frame = parsed.frame
    number_at = parsed.fields["personnel_no"]
    numbers = cells.text(frame[number_at])
    name_at = parsed.fields.get("name")
    names = cells.text(frame[name_at]) if name_at is not None else pd.Series("", index=frame.index)
    missing = numbers.eq("")
    findings.add_cells("personnel_no_missing", missing, number_at, "")
    too_long = numbers.str.len().gt(PERSONNEL_NO_MAX)
    findings.add_cells("too_long", too_long, number_at, numbers, {"limit": PERSONNEL_NO_MAX})
    ok = ~missing & ~too_long
    if one_row_each:
        repeated = ok & numbers.duplicated(keep="first")
        first_row = pd.Series(numbers.index, index=numbers.index).groupby(numbers).transform("first")
        findings.add_cells(
            "duplicate_person",
            repeated,
            number_at,
            numbers,
            first_row.map(lambda row: {"other": int(row)}),
        )
    existing = lookups.employees_by_number(numbers[ok])
    employee_id = numbers.map(existing.set_index("personnel_no")["employee_id"]).astype("Int64")
    unknown = ok & employee_id.isna()
    # A new person's name: the first one given for the number anywhere in the file.
    given = names.where(names.ne("")).groupby(numbers).transform("first").fillna("")
    creatable = unknown & given.ne("") if create_missing else pd.Series(False, index=frame.index)
    refused = unknown & ~creatable
    if refused.any():
        distinct = pd.DataFrame({"personnel_no": numbers[refused], "name": given[refused]}).drop_duplicates(
            "personnel_no"
        )
        suggestions = lookups.person_suggestions(distinct)
        params = numbers[refused].map(
            lambda number: {"suggestions": suggestions.get(number, []), "create_hint": not create_missing}
        )
        findings.add_cells(
            "unknown_person_no_name" if create_missing else "unknown_person",
            refused,
            number_at,
            numbers,
            params.reindex(frame.index),
        )
    new_rows = creatable & ~numbers.duplicated(keep="first")
    new_people = pd.DataFrame(
        {"row": frame.index[new_rows], "personnel_no": numbers[new_rows], "name": given[new_rows]}
    ).reset_index(drop=True)
    if name_at is not None:
        long_name = creatable & given.str.len().gt(NAME_MAX)
        findings.add_cells("too_long", long_name, name_at, names, {"limit": NAME_MAX})
    stored_name = numbers.map(existing.set_index("personnel_no")["name"])
    known = ok & employee_id.notna()
    if name_at is not None:
        _name_differences(differences, known & names.ne(""), name_at, numbers, names, stored_name)
    team_at = parsed.fields.get("team")
    if team_at is not None:
        teams = cells.text(parsed.frame[team_at])
        _team_differences(differences, known & teams.ne(""), team_at, employee_id, teams, on=on)
    people = pd.DataFrame(
        {
            "personnel_no": numbers,
            "name": stored_name.astype(object).where(stored_name.notna(), given),
            "employee_id": employee_id,
            "ok": ok & ~refused,
        }
    )
    return people, new_people


def _folded(values: pd.Series) -> pd.Series:
    """Text compared without regard to case and spacing: "carl  Colleague" is "Carl Colleague"."""
    return values.astype(str).str.casefold().str.split().str.join(" ")


def _name_differences(
    differences: _Findings,
    given: pd.Series,
    position: int,
    numbers: pd.Series,
    names: pd.Series,
    stored: pd.Series,
) -> None:
    """A name other than the stored person's, once per personnel number and name."""
    differs = given & _folded(names).ne(_folded(stored.astype(object).fillna("")))
    differs &= ~pd.DataFrame({"number": numbers, "name": _folded(names)}).duplicated()
    params = stored.map(lambda name: {"stored": name}, na_action="ignore")
    differences.add_cells("name_differs", differs, position, names, params)


def _team_differences(
    differences: _Findings,
    given: pd.Series,
    position: int,
    employee_id: pd.Series,
    teams: pd.Series,
    *,
    on: datetime.date,
) -> None:
    """A team cell naming none of the person's teams on ``on``, once per person and cell. A cell may list
    several teams separated by commas, as the matrix export writes them."""
    candidates = pd.DataFrame({"employee_id": employee_id, "team": teams})[given]
    candidates = candidates[~candidates.duplicated()]
    if candidates.empty:
        return
    ids = candidates["employee_id"].astype("int64")
    names_of = hooks.team_names(employee_ids=ids.unique().tolist(), on=on)
    rows, codes, params = [], [], []
    for row, person, cell in zip(candidates.index, ids, candidates["team"], strict=True):
        current = names_of.get(int(person), [])
        folded = {" ".join(name.casefold().split()) for name in current}
        cell_folded = " ".join(cell.casefold().split())
        parts = [" ".join(part.casefold().split()) for part in cell.split(",") if part.strip()]
        if cell_folded in folded or (parts and all(part in folded for part in parts)):
            continue
        rows.append(row)
        codes.append("team_differs" if current else "team_none")
        params.append({"teams": ", ".join(current)} if current else {})
    for code in ("team_differs", "team_none"):
        chosen = [i for i, found in enumerate(codes) if found == code]
        differences.add(
            code,
            rows=[rows[i] for i in chosen],
            position=position,
            values=[teams[rows[i]] for i in chosen],
            params=[params[i] for i in chosen],
        )


# Wide format ----------------------------------------------------------------------------------------------


def _competency_columns(parsed: ParsedFile, catalogue: lookups.Catalogue, findings: _Findings) -> pd.Series:
    """position → competency id of the wide format's columns that name exactly one competency."""
    positions = list(parsed.competency_columns)
    headings = pd.Series([parsed.headings[p] for p in positions], index=positions, dtype=object)
    ids, matches = catalogue.resolve(headings)
    row = parsed.header_row
    for number, (position, heading) in enumerate(headings[matches.map(len).eq(0)].items()):
        suggestions = catalogue.suggestions(heading) if number < lookups.MAX_SUGGESTED else []
        findings.add(
            "unknown_competency",
            rows=[row],
            position=position,
            values=heading,
            params={"suggestions": suggestions},
        )
    for position, found in matches[matches.map(len).gt(1)].items():
        findings.add(
            "ambiguous_competency",
            rows=[row],
            position=position,
            values=headings[position],
            params={"matches": ", ".join(catalogue.labels(found))},
        )
    resolved = ids.dropna().astype("int64")
    first_position = pd.Series(resolved.index, index=resolved.index).groupby(resolved).transform("first")
    for position in resolved.index[resolved.duplicated(keep="first")]:
        findings.add(
            "duplicate_competency",
            rows=[row],
            position=position,
            values=headings[position],
            params={
                "competency": catalogue.labels([resolved[position]])[0],
                "other": column_letter(first_position[position]),
            },
        )
    return resolved[~resolved.duplicated(keep="first")]


def _check_levels(
    cells_frame: pd.DataFrame,
    catalogue: lookups.Catalogue,
    findings: _Findings,
    *,
    position: int | None,
    required: bool,
) -> pd.DataFrame:
    """Adds ``level`` (float) and ``level_ok`` to a frame of (row, value, competency_id) cells."""
    empty = cells.blank(cells_frame["value"])
    numbers, whole = cells.levels(cells_frame["value"])
    cells_frame = cells_frame.assign(level=numbers)
    if required:
        _add_frame(findings, "level_missing", cells_frame[empty], position)
    _add_frame(findings, "level_not_integer", cells_frame[~empty & ~whole], position)
    known = cells_frame["competency_id"].notna()
    scale_id = cells_frame["competency_id"].map(catalogue.competencies["scale_id"])
    allowed = pd.MultiIndex.from_frame(catalogue.allowed[["scale_id", "level"]])
    on_scale = pd.MultiIndex.from_arrays(
        [scale_id.fillna(-1).astype("int64"), numbers.where(whole, -1).astype("int64")]
    ).isin(allowed)
    outside = whole & known & ~on_scale
    if outside.any():
        bad = cells_frame[outside]
        params = [
            {
                "level": int(level),
                "competency": catalogue.label_of[int(competency_id)],
                "allowed": catalogue.allowed_text(catalogue.scale_of[int(competency_id)]),
            }
            for level, competency_id in bad[["level", "competency_id"]].itertuples(index=False)
        ]
        _add_frame(findings, "level_outside_scale", bad, position, params)
    return cells_frame.assign(level_ok=whole & known & on_scale)


def _add_frame(
    findings: _Findings, code: str, frame: pd.DataFrame, position: int | None, params: Any = None
) -> None:
    """Problems for the rows of a cell frame (columns row, value[, position])."""
    if frame.empty:
        return
    at = frame["position"].tolist() if position is None else position
    findings.add(code, rows=frame["row"], position=at, values=frame["value"].tolist(), params=params)


def _validate_wide(
    parsed: ParsedFile,
    catalogue: lookups.Catalogue,
    findings: _Findings,
    people: pd.DataFrame,
    new_people: pd.DataFrame,
    *,
    on: datetime.date,
) -> _Outcome | None:
    competency_of = _competency_columns(parsed, catalogue, findings)
    block = parsed.frame[competency_of.index.tolist()]
    matrix = (
        block.rename_axis(index="row", columns="position")
        .melt(ignore_index=False, value_name="value")
        .reset_index()
    )
    matrix = matrix[~cells.blank(matrix["value"])]
    matrix = matrix.assign(competency_id=matrix["position"].map(competency_of))
    matrix = _check_levels(matrix, catalogue, findings, position=None, required=False)
    if findings:
        return None
    matrix = matrix.join(people[["personnel_no", "name", "employee_id"]], on="row")
    current = lookups.current_levels(
        employee_ids=people["employee_id"].dropna().astype("int64").tolist(),
        competency_ids=competency_of.tolist(),
        on=on,
    )
    matrix = matrix.merge(
        current[["employee_id", "competency_id", "level"]]
        .rename(columns={"level": "old_level"})
        .astype({"employee_id": "Int64", "old_level": "Int64"}),
        on=["employee_id", "competency_id"],
        how="left",
    )
    changed = matrix["level"].ne(matrix["old_level"].fillna(0).astype(float))
    writes = (
        matrix[changed]
        .assign(
            level=lambda frame: frame["level"].astype("int64"),
            source=Assessment.Source.IMPORT.value,
            assessed_on=on,
            valid_until=None,
            note=_note(parsed),
        )
        .sort_values(["row", "position"], kind="stable")
    )
    changes = writes.assign(new_level=writes["level"])
    return writes, changes, new_people, int((~changed).sum())


def _note(parsed: ParsedFile) -> str:
    return _("Imported from %(file)s") % {"file": parsed.filename}


# Long format ----------------------------------------------------------------------------------------------


def _validate_long(
    parsed: ParsedFile,
    catalogue: lookups.Catalogue,
    findings: _Findings,
    people: pd.DataFrame,
    new_people: pd.DataFrame,
    *,
    on: datetime.date,
) -> _Outcome | None:
    frame, fields = parsed.frame, parsed.fields
    rows = pd.DataFrame({"row": frame.index}, index=frame.index)

    competency_at = fields["competency"]
    names = cells.text(frame[competency_at])
    findings.add_cells("competency_missing", names.eq(""), competency_at, "")
    ids, matches = catalogue.resolve(names)
    unknown = names.ne("") & matches.map(len).eq(0)
    if unknown.any():
        distinct = names[unknown].drop_duplicates().head(lookups.MAX_SUGGESTED)
        suggested = {name: catalogue.suggestions(name) for name in distinct}
        params = names[unknown].map(lambda name: {"suggestions": suggested.get(name, [])})
        findings.add_cells("unknown_competency", unknown, competency_at, names, params.reindex(frame.index))
    ambiguous = matches.map(len).gt(1)
    if ambiguous.any():
        params = matches[ambiguous].map(lambda found: {"matches": ", ".join(catalogue.labels(found))})
        findings.add_cells(
            "ambiguous_competency", ambiguous, competency_at, names, params.reindex(frame.index)
        )
    rows["competency_id"] = ids

    level_at = fields["level"]
    level_cells = _check_levels(
        rows.assign(value=frame[level_at]), catalogue, findings, position=level_at, required=True
    )
    rows["level"], rows["level_ok"] = level_cells["level"], level_cells["level_ok"]

    rows["source"], source_ok = _sources(parsed, findings)
    rows["assessed_on"], rows["undated"], dated_ok = _assessed_on(parsed, findings, on=on)
    rows["valid_until"], valid_ok = _valid_until(parsed, findings, rows, catalogue)
    note_at = fields.get("note")
    notes = cells.text(frame[note_at]) if note_at is not None else pd.Series("", index=frame.index)
    rows["note"] = notes.where(notes.ne(""), _note(parsed))
    rows = rows.join(people)

    keyed = rows["ok"] & rows["competency_id"].notna() & rows["level_ok"] & dated_ok & source_ok & valid_ok
    key = ["personnel_no", "competency_id", "assessed_on"]
    repeated = keyed & rows[keyed].duplicated(key, keep="first").reindex(rows.index, fill_value=False)
    if repeated.any():
        first_row = rows[keyed].groupby(key)["row"].transform("first").reindex(rows.index)
        findings.add_cells(
            "duplicate_assessment",
            repeated,
            fields.get("assessed_on", competency_at),
            frame[fields.get("assessed_on", competency_at)],
            first_row.map(lambda row: {"other": int(row)}, na_action="ignore"),
        )
    if findings:
        return None
    rows = rows.assign(
        competency_id=rows["competency_id"].astype("int64"), level=rows["level"].astype("int64")
    )
    return _long_plan(rows, new_people, on=on)


def _sources(parsed: ParsedFile, findings: _Findings) -> tuple[pd.Series | str, pd.Series]:
    at = parsed.fields.get("source")
    if at is None:
        return Assessment.Source.IMPORT.value, pd.Series(True, index=parsed.frame.index)
    given = cells.text(parsed.frame[at])
    source = given.map(
        lambda value: SOURCE_BY_KEY.get(heading_key(value)) if value else Assessment.Source.IMPORT.value
    )
    unknown = source.isna()
    findings.add_cells("source_unknown", unknown, at, given, {"sources": ", ".join(Assessment.Source.values)})
    return source, ~unknown


def _assessed_on(
    parsed: ParsedFile, findings: _Findings, *, on: datetime.date
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(dates with ``on`` for empty cells, True where the cell was empty, True where the date is usable)."""
    index = parsed.frame.index
    at = parsed.fields.get("assessed_on")
    today = pd.Timestamp(on)
    if at is None:
        return pd.Series(today, index=index), pd.Series(True, index=index), pd.Series(True, index=index)
    raw = parsed.frame[at]
    empty = cells.blank(raw)
    parsed_dates = cells.dates(raw)
    unreadable = ~empty & parsed_dates.isna()
    future = parsed_dates.gt(today)
    early = cells.too_early(parsed_dates)
    findings.add_cells("date_unparseable", unreadable, at, raw)
    findings.add_cells("date_in_future", future, at, raw)
    findings.add_cells("date_too_early", early, at, raw)
    return parsed_dates.where(~empty, today), empty, ~unreadable & ~future & ~early


def _valid_until(
    parsed: ParsedFile, findings: _Findings, rows: pd.DataFrame, catalogue: lookups.Catalogue
) -> tuple[pd.Series, pd.Series]:
    """(valid-until dates, NaT when open; True where usable). A certificate without one gets the
    competency's validity, as ``assessment_record`` does."""
    index = parsed.frame.index
    at = parsed.fields.get("valid_until")
    if at is None:
        until = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
        ok = pd.Series(True, index=index)
    else:
        raw = parsed.frame[at]
        empty = cells.blank(raw)
        until = cells.dates(raw)
        unreadable = ~empty & until.isna()
        before = until.lt(rows["assessed_on"])
        early = cells.too_early(until)
        findings.add_cells("date_unparseable", unreadable, at, raw)
        findings.add_cells("valid_until_before", before, at, raw)
        findings.add_cells("date_too_early", early & ~before, at, raw)
        ok = ~unreadable & ~before & ~early
    months = rows["competency_id"].map(catalogue.competencies["validity_months"])
    needs_default = (
        until.isna()
        & rows["source"].eq(Assessment.Source.CERTIFICATE)
        & months.notna()
        & rows["assessed_on"].notna()
    )
    if needs_default.any():
        for count in months[needs_default].unique():
            selected = needs_default & months.eq(count)
            until[selected] = rows.loc[selected, "assessed_on"].map(
                lambda day, count=int(count): day + relativedelta(months=count)
            )
    return until, ok


def _long_plan(rows: pd.DataFrame, new_people: pd.DataFrame, *, on: datetime.date) -> _Outcome:
    """Which rows to record, and how each touched (person, competency) changes on ``on``."""
    today = pd.Timestamp(on)
    known = rows["employee_id"].notna()
    current = lookups.current_levels(
        employee_ids=rows.loc[known, "employee_id"].astype("int64").tolist(),
        competency_ids=sorted(set(rows["competency_id"].tolist())),
        on=on,
    )
    number_of = rows[known].drop_duplicates("employee_id").set_index("employee_id")["personnel_no"]
    before = current.assign(
        personnel_no=current["employee_id"].map(number_of),
        assessed_on=pd.to_datetime(current["assessed_on"]).astype("datetime64[us]"),
        seq=-1,
    )[["personnel_no", "competency_id", "level", "confirmed", "assessed_on", "seq"]]
    rows = rows.merge(
        before[["personnel_no", "competency_id", "level"]].rename(columns={"level": "old_level"}),
        on=["personnel_no", "competency_id"],
        how="left",
    ).set_axis(rows.index)
    same_level = rows["level"].eq(rows["old_level"].fillna(0))
    skip = rows["undated"] & same_level
    dated = ~rows["undated"] & known
    if dated.any():
        stored = lookups.stored_assessments(
            employee_ids=rows.loc[dated, "employee_id"].astype("int64").tolist(),
            competency_ids=sorted(set(rows.loc[dated, "competency_id"].tolist())),
            first=rows.loc[dated, "assessed_on"].min().date(),
            last=rows.loc[dated, "assessed_on"].max().date(),
        )
        if not stored.empty:
            skip |= dated & _identity(rows).isin(set(_identity(stored)))
    writes = rows[~skip]

    # After the import, today's effective level of a pair is the best of its current one and the new
    # rows valid today: confirmed first, then the latest date, then the later-created row.
    valid_today = writes["valid_until"].isna() | writes["valid_until"].ge(today)
    arriving = writes[valid_today].assign(
        confirmed=writes["source"].ne(Assessment.Source.SELF), seq=writes["row"]
    )[before.columns]
    touched = writes[["personnel_no", "competency_id"]].drop_duplicates()
    candidates = pd.concat(
        [before.merge(touched, on=["personnel_no", "competency_id"]), arriving], ignore_index=True
    )
    after = candidates.sort_values(["confirmed", "assessed_on", "seq"], kind="stable").drop_duplicates(
        ["personnel_no", "competency_id"], keep="last"
    )
    after = after.merge(
        before[["personnel_no", "competency_id", "level"]].rename(columns={"level": "old_level"}),
        on=["personnel_no", "competency_id"],
        how="left",
    )
    moved = after[after["level"].ne(after["old_level"].fillna(0)) & after["seq"].ge(0)]
    names = rows.drop_duplicates("personnel_no").set_index("personnel_no")["name"]
    changes = moved.assign(
        row=moved["seq"],
        name=moved["personnel_no"].map(names),
        new_level=moved["level"],
        old_level=moved["old_level"].astype("Int64"),
    ).sort_values("row")
    writes = writes.assign(
        assessed_on=writes["assessed_on"].dt.date,
        valid_until=writes["valid_until"].map(lambda day: None if pd.isna(day) else day.date()),
    ).sort_values("row", kind="stable")
    return writes, changes, new_people, int(skip.sum())


def _identity(frame: pd.DataFrame) -> pd.Series:
    """One hashable per assessment: person, competency, level, source, date, valid until."""
    assessed_on = pd.to_datetime(frame["assessed_on"]).dt.strftime("%Y-%m-%d")
    valid_until = pd.to_datetime(frame["valid_until"]).dt.strftime("%Y-%m-%d").fillna("")
    return (
        frame["employee_id"].astype("Int64").astype(str)
        + "|"
        + frame["competency_id"].astype("int64").astype(str)
        + "|"
        + frame["level"].astype("int64").astype(str)
        + "|"
        + frame["source"].astype(str)
        + "|"
        + assessed_on
        + "|"
        + valid_until
    )
