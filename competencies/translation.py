"""Catalogue texts stored per language (django-modeltranslation): ``name_de``, ``name_en``, …"""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Competency, RoleProfile, Scale, ScaleLevel


@register(Scale)
class ScaleTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ScaleLevel)
class ScaleLevelTranslation(TranslationOptions):
    fields = ("label", "descriptor")


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Competency)
class CompetencyTranslation(TranslationOptions):
    fields = ("name", "description")


@register(RoleProfile)
class RoleProfileTranslation(TranslationOptions):
    fields = ("name", "description")
