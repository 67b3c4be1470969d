from django import forms
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from competencies.admin import level_on_scale_form

from .models import Membership, Team, TeamRequirement
from .tree import team_parent_check


class TeamAdminForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description", "parent", "leads"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        team_parent_check(team=self.instance, parent=parent)
        return parent


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["employee"]


class TeamRequirementInline(admin.TabularInline):
    model = TeamRequirement
    form = level_on_scale_form(required_level=1)
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(Team)
class TeamAdmin(TranslationAdmin):
    form = TeamAdminForm
    list_display = ["name", "parent"]
    list_filter = ["parent"]
    search_fields = ["name"]
    list_select_related = ["parent"]
    filter_horizontal = ["leads"]
    inlines = [TeamRequirementInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["employee", "team", "start", "end"]
    list_filter = ["team"]
    search_fields = ["employee__name", "employee__personnel_no", "team__name"]
    list_select_related = ["employee", "team"]
    autocomplete_fields = ["employee", "team"]


@admin.register(TeamRequirement)
class TeamRequirementAdmin(admin.ModelAdmin):
    form = level_on_scale_form(required_level=1)
    list_display = ["team", "competency", "required_level", "min_people", "weight"]
    list_filter = ["weight", "team"]
    search_fields = ["team__name", "competency__name"]
    list_select_related = ["team", "competency"]
    autocomplete_fields = ["team", "competency"]
