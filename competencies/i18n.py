"""Catalogue texts in the reader's language, in one place.

Catalogue content is stored once per language (django-modeltranslation: ``name_de``, ``name_en``, …).
An instance's ``name`` is already the reader's language with the fallback; queries that read names
through a relation with ``values()``/``values_list()`` (the gap analysis, exports, charts, selectors) use
``localized("competency__name")``, which picks the same text in SQL, so no query gains a join. Where a
text is missing in the reader's language, the catalogue's language (``SERVICELEAD_CATALOGUE_LANGUAGE``)
is shown, then any other; ``shown_language`` says which one a page shows, so the page can mark it."""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db.models import F, Model, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def catalogue_language() -> str:
    """The language every catalogue text exists in first (a setting, German in the demo)."""
    return settings.SERVICELEAD_CATALOGUE_LANGUAGE


def languages() -> list[str]:
    """The language codes catalogue texts are kept in, in the settings' order."""
    return [code for code, _name in settings.LANGUAGES]


def reader_language() -> str:
    """The active language reduced to one of ours (``de-at`` → ``de``); the catalogue's otherwise."""
    active = (get_language() or "").split("-")[0]
    return active if active in languages() else catalogue_language()


def reading_order(language: str | None = None) -> list[str]:
    """The reader's language, then the catalogue's, then the others."""
    first = language or reader_language()
    order = [first, catalogue_language(), *languages()]
    return list(dict.fromkeys(order))


def localized(path: str, *, language: str | None = None) -> Coalesce:
    """SQL for the text at ``path`` (``name`` or ``competency__category__name``) in the reader's
    language, falling back as an instance would."""
    columns = [NullIf(F(f"{path}_{code}"), Value("")) for code in reading_order(language)]
    return Coalesce(*columns, Value(""), output_field=TextField())


def shown_language(instance: Model, field: str) -> str | None:
    """The language in which ``instance.<field>`` reaches the reader (None when it has no text)."""
    for code in reading_order():
        if getattr(instance, f"{field}_{code}", None):
            return code
    return None


def translations(instance: Model, fields: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{"de": {"name": …}, "en": {…}}``: every language's stored text of ``fields`` ('' where none)."""
    return {
        code: {field: getattr(instance, f"{field}_{code}", None) or "" for field in fields}
        for code in languages()
    }


def is_translated(model: type[Model], path: str) -> bool:
    """Whether ``path`` (``competency__category__name``) ends in a translated field of a related model."""
    from modeltranslation.translator import NotRegistered, translator

    *relations, field = path.split("__")
    for name in relations:
        related = model._meta.get_field(name).related_model
        if related is None or isinstance(related, str):
            return False
        model = related
    try:
        return field in translator.get_options_for_model(model).get_field_names()
    except NotRegistered:
        return False


def localized_columns(model: type[Model], paths: Iterable[str]) -> list[str | Coalesce]:
    """``paths`` for ``values_list(*…)`` with every translated related text in the reader's language."""
    return [localized(path) if "__" in path and is_translated(model, path) else path for path in paths]


def localized_values(model: type[Model], paths: Iterable[str]) -> tuple[list[str], dict[str, Coalesce]]:
    """``paths`` split for ``values(*fields, **expressions)``: translated related texts become expressions
    under their own path as key, so rows read as before."""
    paths = list(paths)
    fields = [path for path in paths if not ("__" in path and is_translated(model, path))]
    return fields, {path: localized(path) for path in paths if path not in fields}


def marked(instance: object, field: str = "name") -> str:
    """``instance.<field>`` for a page: as is in the reader's language; otherwise wrapped in ``lang`` and
    followed by a small badge naming the language it is shown in (``DE``)."""
    if instance is None or instance == "":
        return ""
    if isinstance(instance, Mapping):  # a record read with values(): its text is already localized
        return str(instance.get(field, ""))
    if not isinstance(instance, Model):  # plain text, or an object with the field (not translated)
        return str(getattr(instance, field, instance))
    text = str(getattr(instance, field, "") or "")
    shown = shown_language(instance, field)
    if shown is None or shown == reader_language():
        return text
    return format_html(
        '<span lang="{}">{}</span> <abbr class="badge sl-badge-fallback" title="{}">{}</abbr>',
        shown,
        text,
        _("Not translated into your language yet"),
        shown.upper(),
    )
