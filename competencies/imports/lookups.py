"""The database reads of an import, each a bounded number of queries: the catalogue, the people named in
the file, their current levels and assessments, and suggestions for names that match nothing."""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import pandas as pd
from rapidfuzz import fuzz, process

from competencies.models import Assessment, Competency, Employee, ScaleLevel
from competencies.selectors import effective_levels

from ..i18n import languages, localized
from .columns import name_key

# Ids per IN (...) list: well below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
CHUNK = 5_000
# Unknown values per file that get suggestions (each is compared with every candidate).
MAX_SUGGESTED = 50


def closest(query: str, choices: Sequence[str], *, cutoff: float, limit: int = 3) -> list[str]:
    """Up to ``limit`` of ``choices`` most similar to ``query``, best first, at least ``cutoff`` (0–1)
    similar (rapidfuzz's ratio, the share of characters in common; milliseconds for 30,000 choices)."""
    found = process.extract(query, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff * 100)
    return [choice for choice, _score, _index in found]


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Every competency with its category and scale, and the levels each scale allows (two queries)."""

    competencies: pd.DataFrame  # id, name, category, scale_id, validity_months, label
    allowed: pd.DataFrame  # scale_id, level
    ids_by_key: dict[str, list[int]]  # name_key of "Name" and of "Category / Name" → list of ids
    label_of: dict[int, str]  # id → "Category / Name"
    scale_of: dict[int, int]  # id → scale id
    candidates: list[str] = field(default_factory=list)  # names and labels, for suggestions

    @classmethod
    def load(cls) -> Self:
        competencies = pd.DataFrame.from_records(
            list(
                Competency.objects.order_by("id").values_list(
                    "id", "name", localized("category__name"), "scale_id", "validity_months"
                )
            ),
            columns=["id", "name", "category", "scale_id", "validity_months"],
        )
        competencies["label"] = competencies["category"] + " / " + competencies["name"]
        allowed = pd.DataFrame.from_records(
            list(ScaleLevel.objects.values_list("scale_id", "value")), columns=["scale_id", "level"]
        ).astype("int64")
        # A file names a competency in any language the catalogue keeps (a German export imports in an
        # English session): every language's "Name" and "Category / Name" is a key.
        codes = languages()
        texts = Competency.objects.values_list(
            "id", *(f"name_{code}" for code in codes), *(f"category__name_{code}" for code in codes)
        )
        ids_by_key: dict[str, list[int]] = {}
        for competency_id, *names in texts:
            keys = set()
            for name, category in zip(names[: len(codes)], names[len(codes) :], strict=True):
                if name:
                    keys.add(name_key(name))
                    if category:
                        keys.add(name_key(f"{category} / {name}"))
            for key in keys:
                ids_by_key.setdefault(key, []).append(int(competency_id))
        for competency_id, name, label in competencies[["id", "name", "label"]].itertuples(index=False):
            for key in {name_key(name), name_key(label)}:
                found = ids_by_key.setdefault(key, [])
                if int(competency_id) not in found:
                    found.append(int(competency_id))
        return cls(
            competencies=competencies.set_index("id", drop=False),
            allowed=allowed,
            ids_by_key=ids_by_key,
            label_of=dict(zip(competencies["id"].tolist(), competencies["label"].tolist(), strict=True)),
            scale_of=dict(zip(competencies["id"].tolist(), competencies["scale_id"].tolist(), strict=True)),
            candidates=[*competencies["name"], *competencies["label"]],
        )

    def resolve(self, names: pd.Series) -> tuple[pd.Series, pd.Series]:
        """For a Series of competency names: (ids with NaN where none, matches as lists of ids)."""
        matches = names.map(lambda name: self.ids_by_key.get(name_key(name), []))
        ids = matches.map(lambda found: found[0] if len(found) == 1 else None).astype("Int64")
        return ids, matches

    def labels(self, ids: Iterable[int]) -> list[str]:
        return [self.label_of[competency_id] for competency_id in ids]

    def suggestions(self, name: str) -> list[str]:
        return list(dict.fromkeys(closest(name, self.candidates, cutoff=0.5, limit=6)))[:3]

    def allowed_text(self, scale_id: int) -> str:
        levels = self.allowed.loc[self.allowed["scale_id"].eq(scale_id), "level"]
        return ", ".join(map(str, sorted(levels))) or "—"


def employees_by_number(numbers: Iterable[str]) -> pd.DataFrame:
    """personnel_no, employee_id, name of the employees with these personnel numbers (chunked queries)."""
    rows: list[tuple[Any, ...]] = []
    for chunk in chunks(sorted(set(numbers))):
        rows.extend(Employee.objects.filter(personnel_no__in=chunk).values_list("personnel_no", "id", "name"))
    return pd.DataFrame.from_records(rows, columns=["personnel_no", "employee_id", "name"])


def person_suggestions(unknown: pd.DataFrame) -> dict[str, list[str]]:
    """personnel_no → up to three “P-0012 (Name)” of the employees closest by number or name (one query).

    ``unknown``: DataFrame personnel_no, name of the numbers found nowhere; the first MAX_SUGGESTED get
    suggestions."""
    if unknown.empty:
        return {}
    people = list(Employee.objects.values_list("personnel_no", "name"))
    name_of = dict(people)
    numbers_by_name: dict[str, str] = {}
    for number, name in people:
        numbers_by_name.setdefault(name, number)
    suggestions: dict[str, list[str]] = {}
    for number, name in unknown.head(MAX_SUGGESTED).itertuples(index=False):
        found = closest(number, list(name_of), cutoff=0.6)
        if name:
            found += [numbers_by_name[close] for close in closest(name, list(numbers_by_name), cutoff=0.75)]
        found = list(dict.fromkeys(found))[:3]
        suggestions[number] = [f"{match} ({name_of[match]})" for match in found]
    return suggestions


def current_levels(
    *, employee_ids: Iterable[int], competency_ids: Iterable[int], on: datetime.date
) -> pd.DataFrame:
    """Effective levels on ``on`` of these employees in these competencies (SPEC.md's rule; chunked)."""
    frames = [
        effective_levels(on=on, employee_ids=chunk, competency_ids=competency_ids)
        for chunk in chunks(sorted(set(employee_ids)))
    ]
    columns = ["employee_id", "competency_id", "level", "source", "assessed_on", "confirmed"]
    frames = [frame[columns] for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame({column: pd.Series(dtype="int64") for column in columns[:3]}).assign(
            source=pd.Series(dtype=object),
            assessed_on=pd.Series(dtype=object),
            confirmed=pd.Series(dtype=bool),
        )
    return pd.concat(frames, ignore_index=True)


ASSESSMENT_KEY = ["employee_id", "competency_id", "level", "source", "assessed_on", "valid_until"]


def stored_assessments(
    *, employee_ids: Iterable[int], competency_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> pd.DataFrame:
    """The stored assessments of these pairs dated ``first``..``last``, as ASSESSMENT_KEY columns."""
    rows: list[tuple[Any, ...]] = []
    for chunk in chunks(sorted(set(employee_ids))):
        rows.extend(
            Assessment.objects.filter(
                employee_id__in=chunk,
                competency_id__in=list(competency_ids),
                assessed_on__gte=first,
                assessed_on__lte=last,
            )
            .order_by()
            .values_list(*ASSESSMENT_KEY)
        )
    return pd.DataFrame.from_records(rows, columns=ASSESSMENT_KEY)
