"""ESCO skills (#15 item 3): read the skills CSV of the ESCO download into a staging table that HR
searches, adopt chosen skills into a category of the catalogue, and refresh adopted skills' labels when a
newer ESCO version is read.

The product ships no ESCO data and fetches nothing: HR downloads the CSV files (one per language) and
hands them to ``manage.py import_esco`` or the ESCO page. A file is read in the importer's limited reader
process (``competencies.imports.isolation``); every file is read and checked before anything is written,
and all is written in one transaction. An adopted competency keeps the concept URI and the ESCO version its
labels came from; a refresh changes names and descriptions only, never scales, levels or history."""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .catalogue_labels import apply_labels
from .esco_reading import read_skills
from .i18n import languages
from .imports.isolation import run_in_reader_process
from .imports.problems import ImportRejected
from .models import Category, Competency, EscoSkill, Scale

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # ESCO's skills_en.csv is about 15 MB
BATCH = 500
SEARCH_LIMIT = 50


class EscoFileInvalid(Exception):
    """A file that is not an ESCO skills CSV; ``message`` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class EscoFile:
    language: str
    skills: list[dict[str, Any]]
    skipped: int = 0


@dataclass
class EscoReport:
    version: str
    languages: list[str]
    skills: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Adopted competencies whose labels changed: {"competency_id", "uri", "before", "after", …}.
    changed: list[dict[str, Any]] = field(default_factory=list)
    # Adopted competencies whose new name could not be taken (another competency of the category has it).
    problems: list[str] = field(default_factory=list)


def max_bytes() -> int:
    return int(getattr(settings, "SERVICELEAD_ESCO_MAX_BYTES", DEFAULT_MAX_BYTES))


def language_from_filename(filename: str) -> str | None:
    """``skills_de.csv`` → "de" when "de" is a language of the product."""
    stem = PurePath(filename).stem
    suffix = stem.rsplit("_", 1)[-1].lower() if "_" in stem else ""
    return suffix if suffix in dict(settings.LANGUAGES) else None


def read_file(*, data: bytes, filename: str, language: str, isolated: bool = True) -> EscoFile:
    """Read one skills CSV; EscoFileInvalid naming what is wrong (a missing column, a broken quote)."""
    name = PurePath(filename).name
    if len(data) > max_bytes():
        raise EscoFileInvalid(
            _("%(file)s is larger than %(limit)s MB.") % {"file": name, "limit": max_bytes() // (1024 * 1024)}
        )
    if isolated:
        try:
            result = run_in_reader_process(reader="esco_skills", data=data, filename=name)
        except ImportRejected as rejection:
            raise EscoFileInvalid(
                f"{name}: " + "; ".join(problem.message for problem in rejection.problems)
            ) from rejection
    else:
        result = read_skills(data=data, filename=name)
    error = result.get("error")
    if error == "missing_columns":
        raise EscoFileInvalid(
            _("%(file)s is not an ESCO skills file: the column %(columns)s is missing (found: %(found)s).")
            % {
                "file": name,
                "columns": ", ".join(result["params"]["columns"]),
                "found": ", ".join(result["params"]["found"]) or "—",
            }
        )
    if error == "bad_csv":
        raise EscoFileInvalid(
            _("%(file)s cannot be read as CSV near line %(line)s: %(detail)s.")
            % {"file": name, **result["params"]}
        )
    if error == "empty":
        raise EscoFileInvalid(_("%(file)s is empty.") % {"file": name})
    if error == "no_skills":
        raise EscoFileInvalid(
            _("%(file)s holds no skill (conceptType KnowledgeSkillCompetence).") % {"file": name}
        )
    if language not in dict(settings.LANGUAGES):
        raise EscoFileInvalid(_("Unknown language “%(language)s”.") % {"language": language})
    return EscoFile(language=language, skills=result["skills"], skipped=result["skipped"])


def normalise(text: str) -> str:
    """Lower case without accents, for searching: "Kundengespräch" → "kundengesprach"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _search_text(labels: dict[str, str], alt_labels: dict[str, list[str]]) -> str:
    parts = [*labels.values(), *(label for labels_ in alt_labels.values() for label in labels_)]
    return normalise("\n".join(dict.fromkeys(parts)))


def import_esco(*, files: Sequence[EscoFile], version: str = "") -> EscoReport:
    """Stage the skills of ``files`` (one per language) and refresh the labels of adopted competencies.
    The same files twice change nothing; a newer version updates labels and reports each adopted
    competency whose name changed."""
    report = EscoReport(version=version, languages=[f.language for f in files])
    incoming: dict[str, dict[str, Any]] = {}
    for esco_file in files:
        for row in esco_file.skills:
            entry = incoming.setdefault(
                row["uri"],
                {"labels": {}, "alt_labels": {}, "descriptions": {}, "skill_type": "", "reuse_level": ""},
            )
            entry["labels"][esco_file.language] = row["label"]
            entry["alt_labels"][esco_file.language] = row["alt_labels"]
            if row["description"]:
                entry["descriptions"][esco_file.language] = row["description"]
            entry["skill_type"] = entry["skill_type"] or row["skill_type"]
            entry["reuse_level"] = entry["reuse_level"] or row["reuse_level"]
    report.skills = len(incoming)
    with transaction.atomic():
        existing = {skill.uri: skill for skill in EscoSkill.objects.filter(uri__in=list(incoming))}
        new: list[EscoSkill] = []
        changed: list[EscoSkill] = []
        version_only: list[int] = []
        for uri, entry in incoming.items():
            skill = existing.get(uri)
            if skill is None:
                skill = EscoSkill(uri=uri, version=version)
                new.append(skill)
            before = (skill.version, skill.labels, skill.alt_labels, skill.descriptions, skill.skill_type)
            skill.labels = {**(skill.labels or {}), **entry["labels"]}
            skill.alt_labels = {**(skill.alt_labels or {}), **entry["alt_labels"]}
            skill.descriptions = {**(skill.descriptions or {}), **entry["descriptions"]}
            skill.skill_type = entry["skill_type"] or skill.skill_type
            skill.reuse_level = entry["reuse_level"] or skill.reuse_level
            skill.version = version or skill.version
            skill.search_text = _search_text(skill.labels, skill.alt_labels)
            after = (skill.version, skill.labels, skill.alt_labels, skill.descriptions, skill.skill_type)
            if skill.pk is not None:
                if before[1:] != after[1:]:
                    changed.append(skill)
                elif before[0] != after[0]:
                    version_only.append(skill.pk)  # one UPDATE for all of them, below
                else:
                    report.unchanged += 1
        EscoSkill.objects.bulk_create(new, batch_size=BATCH)
        EscoSkill.objects.bulk_update(
            changed,
            ["version", "labels", "alt_labels", "descriptions", "skill_type", "reuse_level", "search_text"],
            batch_size=BATCH,
        )
        for start in range(0, len(version_only), BATCH * 4):
            EscoSkill.objects.filter(pk__in=version_only[start : start + BATCH * 4]).update(version=version)
        report.created, report.updated = len(new), len(changed) + len(version_only)
        staged = {skill.uri: skill for skill in (*existing.values(), *new)}
        _refresh_adopted(staged, version, report)
    return report


def _refresh_adopted(staged: dict[str, EscoSkill], version: str, report: EscoReport) -> None:
    adopted = list(Competency.objects.filter(esco_uri__in=list(staged)).order_by("pk"))
    taken = {
        (category_id, name)
        for category_id, name in Competency.objects.filter(
            category_id__in={c.category_id for c in adopted}
        ).values_list("category_id", Lower("name"))
    }
    for competency in adopted:
        skill = staged[competency.esco_uri]
        name_before, version_before = competency.name, competency.esco_version
        columns_before = {
            f"name_{language}": getattr(competency, f"name_{language}") for language in languages()
        }
        try:
            fields = apply_labels(competency, skill.labels, skill.descriptions)
        except ValidationError as error:
            report.problems.append(f"{name_before}: {'; '.join(error.messages)}")
            continue
        if any(field.startswith("name_") for field in fields):
            key = (competency.category_id, competency.name.lower())
            if key in taken and competency.name.lower() != name_before.lower():
                report.problems.append(
                    _("“%(before)s” keeps its name: its category has a competency “%(after)s” already.")
                    % {"before": name_before, "after": competency.name}
                )
                for column, value in columns_before.items():
                    setattr(competency, column, value)
                fields = [field for field in fields if not field.startswith("name_")]
            else:
                taken.discard((competency.category_id, name_before.lower()))
                taken.add(key)
        if version and version != competency.esco_version:
            competency.esco_version = version
            fields.append("esco_version")
        if fields:
            competency.save(update_fields=fields)
        renamed = any(field.startswith("name_") for field in fields)
        described = any(field.startswith("description_") for field in fields)
        if renamed or described:
            report.changed.append(
                {
                    "competency_id": competency.pk,
                    "uri": competency.esco_uri,
                    "before": name_before,
                    "after": competency.name,
                    "description_changed": described,
                    "version_before": version_before,
                }
            )


def search_skills(query: str, *, limit: int = SEARCH_LIMIT) -> QuerySet[EscoSkill]:
    """Staged skills whose labels or alternative labels (any language) contain every word of ``query``
    (case and accents ignored)."""
    words = normalise(query).split()
    if not words:
        return EscoSkill.objects.none()
    condition = Q()
    for word in words[:8]:
        condition &= Q(search_text__contains=word)
    return EscoSkill.objects.filter(condition).order_by("uri")[:limit]


def adopted_by_uri(uris: Iterable[str]) -> dict[str, Competency]:
    return {
        c.esco_uri: c for c in Competency.objects.filter(esco_uri__in=list(uris)).select_related("category")
    }


@dataclass
class AdoptReport:
    created: list[Competency] = field(default_factory=list)
    already: list[Competency] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@transaction.atomic
def adopt_skills(*, uris: Sequence[str], category: Category, scale: Scale) -> AdoptReport:
    """Create a competency in ``category`` on ``scale`` for each chosen skill not in the catalogue yet,
    keeping its URI and ESCO version. A skill adopted before is reported, not adopted twice; a name the
    category has already is reported and skipped."""
    report = AdoptReport()
    skills = {skill.uri: skill for skill in EscoSkill.objects.filter(uri__in=list(uris))}
    unknown = [uri for uri in uris if uri not in skills]
    if unknown:
        raise ValidationError(_("Unknown ESCO skill: %(uris)s.") % {"uris": ", ".join(unknown[:5])})
    adopted = adopted_by_uri(skills)
    taken = {
        name for name in Competency.objects.filter(category=category).values_list(Lower("name"), flat=True)
    }
    for uri in dict.fromkeys(uris):
        if uri in adopted:
            report.already.append(adopted[uri])
            continue
        skill = skills[uri]
        competency = Competency(category=category, scale=scale, esco_uri=uri, esco_version=skill.version)
        try:
            apply_labels(competency, skill.labels, skill.descriptions)
        except ValidationError as error:
            report.problems.append("; ".join(error.messages))
            continue
        if competency.name.lower() in taken:
            report.problems.append(
                _("“%(name)s” is in %(category)s already.")
                % {"name": competency.name, "category": category.name}
            )
            continue
        taken.add(competency.name.lower())
        competency.save()
        report.created.append(competency)
    return report
