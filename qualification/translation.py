"""Measure texts per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Measure


@register(Measure)
class MeasureTranslation(TranslationOptions):
    fields = ("title", "provider", "description")
