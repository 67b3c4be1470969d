from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from competencies.admin import level_on_scale_form

from .models import Measure, MeasureCompetency, PlanItem, QualificationPlan


class MeasureCompetencyInline(admin.TabularInline):
    model = MeasureCompetency
    form = level_on_scale_form(from_level=0, to_level=0)
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(Measure)
class MeasureAdmin(TranslationAdmin):
    list_display = ["title", "kind", "duration_hours", "cost", "provider", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "provider", "description"]
    inlines = [MeasureCompetencyInline]


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    autocomplete_fields = ["competency", "measure", "mentor"]


@admin.register(QualificationPlan)
class QualificationPlanAdmin(admin.ModelAdmin):
    list_display = ["employee", "period", "status", "origin", "created_at"]
    list_filter = ["status", "period", "origin"]
    search_fields = ["employee__name", "employee__personnel_no"]
    list_select_related = ["employee"]
    autocomplete_fields = ["employee"]
    inlines = [PlanItemInline]
