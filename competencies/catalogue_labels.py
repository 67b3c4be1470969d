"""Setting a competency's name and description in several languages, in one place.

Until the catalogue's texts are translatable (#15 items 1–2, django-modeltranslation), a competency has
one ``name`` and one ``description``: they are taken from the catalogue's default language (the language
of ``settings.LANGUAGE_CODE``), else from English, else from the first language given. When the
translated columns arrive, this function writes each language's column instead."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Competency


def default_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


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
    the names of the fields it changed. ValidationError when a name is longer than the field."""
    changed = []
    name = pick(labels).strip()
    limit = Competency._meta.get_field("name").max_length  # noqa: SLF001
    if limit is not None and len(name) > limit:
        raise ValidationError(
            _("The name “%(name)s…” is longer than %(limit)s characters.")
            % {"name": name[:40], "limit": limit}
        )
    if name and name != competency.name:
        competency.name = name
        changed.append("name")
    if descriptions is not None:
        description = pick(descriptions).strip()
        if description != competency.description:
            competency.description = description
            changed.append("description")
    return changed
