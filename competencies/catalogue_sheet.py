"""The catalogue as a spreadsheet, with a column per language (issue #15): HR exports it, edits the texts
(a translator fills in the English, say) and imports it back; exporting and importing unchanged changes
nothing.

Columns: ``id``, ``category_<lang>``, ``name_<lang>``, ``description_<lang>`` for every language of
``settings.LANGUAGES``, ``scale``, ``requires_certificate``, ``validity_months``, ``esco_uri`` and
``retired`` (shown, not imported: retiring has its own action). A row with an ``id`` updates that
competency's texts and settings; a row without one creates a competency. Categories and scales are found
by their name in any language; a new category is made in the admin first.

The file is read in the importer's limited child process (``imports.isolation``); every row is checked
before anything is written, and a file with one bad row writes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .catalogue_sheet_reading import plain
from .i18n import catalogue_language, languages
from .imports.isolation import run_in_reader_process
from .models import Category, Competency, Scale
from .spreadsheets import safe_cell

FORMATS = ("xlsx", "csv")
TRUE = {"yes", "ja", "true", "1", "x", "wahr"}
FALSE = {"no", "nein", "false", "0", "", "falsch"}


def columns() -> list[str]:
    per_language = [
        f"{kind}_{language}" for kind in ("category", "name", "description") for language in languages()
    ]
    return ["id", *per_language, "scale", "requires_certificate", "validity_months", "esco_uri", "retired"]


def _rows() -> list[list[Any]]:
    texts = [f"{kind}_{language}" for kind in ("name", "description") for language in languages()]
    category_names = [f"category__name_{language}" for language in languages()]
    rows = []
    for competency in Competency.objects.select_related("category", "scale").order_by(
        "category__position", "category_id", "id"
    ):
        row: list[Any] = [competency.pk]
        row += [
            getattr(competency.category, name.removeprefix("category__")) or "" for name in category_names
        ]
        row += [getattr(competency, text) or "" for text in texts]
        row += [
            competency.scale.name,
            "yes" if competency.requires_certificate else "no",
            competency.validity_months or "",
            competency.esco_uri or "",
            "yes" if competency.retired_at else "no",
        ]
        rows.append(row)
    return rows


def catalogue_export(fmt: str) -> bytes:
    """The whole catalogue, one row per competency (retired ones included, marked)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    heading, rows = columns(), _rows()
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(heading)
        writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Catalogue")
    sheet.append(heading)
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


# Importing -----------------------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class SheetResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


def _named(model: Any, *, extra: Q | None = None) -> dict[str, Any]:
    """Lower-cased name in any language → instance."""
    found: dict[str, Any] = {}
    for instance in model.objects.all() if extra is None else model.objects.filter(extra):
        for language in languages():
            name = getattr(instance, f"name_{language}", None)
            if name:
                found.setdefault(name.strip().lower(), instance)
    return found


def catalogue_import(*, data: bytes, filename: str, dry_run: bool = False) -> SheetResult:
    """Check every row of the sheet, then (unless ``dry_run`` or a problem was found) write them all in
    one transaction. ImportRejected when the file cannot be read at all."""
    parsed = run_in_reader_process(reader="catalogue_sheet", data=data, filename=filename)
    result = SheetResult()
    if "error" in parsed:
        message = {
            "unsupported": _("Use a .csv or .xlsx file."),
            "empty": _("The file is empty."),
        }.get(parsed["error"], parsed["error"])
        result.problems.append(Problem(1, "", message))
        return result
    heading = parsed["heading"]
    default_name = f"name_{catalogue_language()}"
    required = ["id", default_name, f"category_{catalogue_language()}", "scale"]
    missing = [column for column in required if column not in heading]
    if missing:
        result.problems.append(
            Problem(1, ", ".join(missing), _("The file needs the columns: %s.") % ", ".join(required))
        )
        return result
    position = {name: heading.index(name) for name in columns() if name in heading}
    categories = _named(Category)
    scales = _named(Scale)
    existing = {c.pk: c for c in Competency.objects.all()}
    limits = {
        f"{kind}_{language}": Competency._meta.get_field(f"{kind}_{language}").max_length  # noqa: SLF001
        for kind in ("name", "description")
        for language in languages()
    }
    seen: dict[tuple[int, str], int] = {}
    planned: list[tuple[Competency | None, dict[str, Any]]] = []
    for number, raw in enumerate(parsed["rows"], start=2):

        def cell(name: str, raw: list[str] = raw) -> str:
            index = position.get(name)
            return plain(raw[index]) if index is not None and index < len(raw) else ""

        problems: list[Problem] = []
        values: dict[str, Any] = {}
        competency = None
        if cell("id"):
            if not cell("id").isdigit() or int(cell("id")) not in existing:
                problems.append(
                    Problem(number, "id", _("No competency has this id; leave it empty to add one."))
                )
            else:
                competency = existing[int(cell("id"))]
        for column, limit in limits.items():
            if column in position:
                value = cell(column)
                if limit is not None and len(value) > limit:
                    problems.append(
                        Problem(number, column, _("At most %(limit)s characters.") % {"limit": limit})
                    )
                values[column] = value
        if not cell(default_name):
            problems.append(Problem(number, default_name, _("A name in the catalogue's language is needed.")))
        category = None
        for language in [catalogue_language(), *languages()]:
            name = cell(f"category_{language}").lower()
            if name:
                category = categories.get(name)
                if category is None:
                    problems.append(
                        Problem(
                            number,
                            f"category_{language}",
                            _("Unknown category “%(name)s”: add it in the admin first.")
                            % {"name": cell(f"category_{language}")},
                        )
                    )
                break
        scale = scales.get(cell("scale").lower())
        if scale is None:
            problems.append(
                Problem(number, "scale", _("Unknown scale “%(name)s”.") % {"name": cell("scale")})
            )
        certificate = cell("requires_certificate").lower()
        if "requires_certificate" in position and certificate not in TRUE | FALSE:
            problems.append(Problem(number, "requires_certificate", _("Write yes or no.")))
        months = cell("validity_months")
        if months and (not months.isdigit() or not 0 < int(months) <= 600):
            problems.append(Problem(number, "validity_months", _("A number of months from 1 to 600.")))
        if category is not None and cell(default_name):
            key = (category.pk, cell(default_name).lower())
            if key in seen:
                problems.append(
                    Problem(
                        number,
                        default_name,
                        _("The same name twice in one category (also row %s).") % seen[key],
                    )
                )
            seen[key] = number
        if problems:
            result.problems.extend(problems)
            continue
        values.update(category=category, scale=scale)
        if "esco_uri" in position:
            values["esco_uri"] = cell("esco_uri")
        if "requires_certificate" in position:
            values["requires_certificate"] = certificate in TRUE
        if "validity_months" in position:
            values["validity_months"] = int(months) if months else None
        planned.append((competency, values))
    # A name another competency (not in the file under its id) holds in the same category.
    taken = {(c.category_id, (getattr(c, default_name) or "").lower()): c.pk for c in existing.values()}
    for number, (competency, values) in enumerate(planned, start=2):
        key = (values["category"].pk, values[default_name].lower())
        holder = taken.get(key)
        if holder is not None and (competency is None or holder != competency.pk):
            moved = any(c is not None and c.pk == holder for c, _v in planned)
            if not moved:
                result.problems.append(
                    Problem(
                        number,
                        default_name,
                        _("“%(name)s” is in %(category)s already (id %(id)s).")
                        % {"name": values[default_name], "category": values["category"].name, "id": holder},
                    )
                )
    if result.problems:
        return result
    with transaction.atomic():
        for competency, values in planned:
            target = competency or Competency()
            changed = []
            for name, value in values.items():
                if name in ("category", "scale"):
                    if getattr(target, f"{name}_id", None) != value.pk:
                        setattr(target, name, value)
                        changed.append(name)
                elif (getattr(target, name) or "") != (value or "") or (
                    name == "validity_months" and getattr(target, name) != value
                ):
                    setattr(target, name, value)
                    changed.append(name)
            if competency is None:
                if not dry_run:
                    target.save()
                result.created += 1
            elif changed:
                if not dry_run:
                    target.save()
                result.updated += 1
            else:
                result.unchanged += 1
    return result
