"""``{{ competency|tr:"name" }}``: a catalogue text in the reader's language, marked when it falls back.

A text missing in the reader's language shows in the language it exists in, wrapped in ``lang`` and
followed by a small badge naming that language (``DE``), so a reader knows why it reads differently and
screen readers pronounce it correctly."""

from django import template

from competencies.i18n import marked

register = template.Library()


@register.filter
def tr(instance, field="name"):
    """The text of ``instance.<field>``; outside the reader's language marked with its language."""
    return marked(instance, field)
