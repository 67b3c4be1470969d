"""Setting a competency's name and description in several languages, in one place.

Catalogue texts are stored per language (django-modeltranslation: ``name_de``, ``name_en``, …,
competencies/translation.py). Each language given is written to its own column; the catalogue's language
(``SERVICELEAD_CATALOGUE_LANGUAGE``) always gets a text — its own, else English, else the first given — so
every reader has something to fall back on."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .i18n import catalogue_language, languages
from .models import Competency


def default_language() -> str:
    return catalogue_language()


def pick(texts: Mapping[str, str]) -> str:
    """The text of the catalogue's default language, else English, else the first non-empty one."""
    for language in (default_language(), "en", *texts):
        if texts.get(language):
            return texts[language]
    return ""


def apply_labels(
    competency: Competency, labels: Mapping[str, str], descriptions: Mapping[str, str] | None = None
) -> list[str]:
    """Set ``competency``'s name (and description, when given) from texts by language; unsaved. Returns
    the names of the columns it changed. ValidationError when a name is longer than the field."""
    changed: list[str] = []
    limit = Competency._meta.get_field("name").max_length  # noqa: SLF001

    def write(field: str, texts: Mapping[str, str], *, check_length: bool) -> None:
        values = {language: (texts.get(language) or "").strip() for language in languages()}
        values[default_language()] = values[default_language()] or pick(texts).strip()
        for language, value in values.items():
            if not value and field == "name":
                continue
            if check_length and limit is not None and len(value) > limit:
                raise ValidationError(
                    _("The name “%(name)s…” is longer than %(limit)s characters.")
                    % {"name": value[:40], "limit": limit}
                )
            column = f"{field}_{language}"
            if value != (getattr(competency, column) or ""):
                setattr(competency, column, value)
                changed.append(column)

    write("name", labels, check_length=True)
    if descriptions is not None:
        write("description", descriptions, check_length=False)
    return changed
