"""``{{ competency|tr:"name" }}``: a catalogue text in the reader's language, marked when it falls back.

A text missing in the reader's language shows in the language it exists in, wrapped in ``lang`` and
followed by a small badge naming that language (``DE``), so a reader knows why it reads differently and
screen readers pronounce it correctly."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from competencies.i18n import reader_language, shown_language

register = template.Library()


@register.filter
def tr(instance, field="name"):
    """The text of ``instance.<field>``; outside the reader's language marked with its language."""
    if instance is None or instance == "":
        return ""
    text = getattr(instance, field, "")
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
