"""``{{ share|percent }}`` and ``{{ share|coverage_tone }}``: the one rounding and colour rule of
``competencies.percent`` for templates. The tone is a Bootstrap colour name: success, warning, danger."""

from django import template

from competencies import percent as rule

register = template.Library()

TONES = {rule.GOOD_BAND: "success", rule.ACCEPTABLE_BAND: "warning", rule.POOR_BAND: "danger"}


@register.filter
def percent(share):
    shown = rule.percent(share)
    return "" if shown is None else shown


@register.filter
def coverage_tone(share):
    return TONES.get(rule.band(share), "secondary")
