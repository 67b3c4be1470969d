"""Team descriptions per language (django-modeltranslation); team names are proper names, kept once."""

from modeltranslation.translator import TranslationOptions, register

from .models import Team


@register(Team)
class TeamTranslation(TranslationOptions):
    fields = ("description",)
