from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from . import hooks
from .models import (
    Assessment,
    AuditEntry,
    Category,
    Competency,
    Employee,
    Interest,
    RoleProfile,
    RoleRequirement,
    Scale,
    ScaleLevel,
)
from .roles import is_admin
from .scales import level_check, scale_levels
from .services import employee_save


class LevelOnScaleForm(forms.ModelForm):
    """An admin form of a row with a competency whose level fields must lie on its scale, checked by
    ``scales.level_check`` as the services check them. ``level_fields``: field name → lowest level."""

    level_fields: dict[str, int] = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        competency = cleaned.get("competency")
        named = {name: cleaned.get(name) for name in self.level_fields}
        if competency is None or all(level is None for level in named.values()):
            return cleaned
        levels = scale_levels(competency_ids=[competency.pk])[competency.pk]
        for name, level in named.items():
            if level is None:
                continue
            try:
                level_check(
                    competency=competency,
                    level=level,
                    minimum=self.level_fields[name],
                    levels=levels,
                    field=name,
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


def level_on_scale_form(**level_fields: int) -> type[LevelOnScaleForm]:
    """A LevelOnScaleForm for the given level fields and their lowest levels."""
    return type("LevelOnScaleForm", (LevelOnScaleForm,), {"level_fields": level_fields})


class ScaleLevelInline(TranslationTabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(Scale)
class ScaleAdmin(TranslationAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    inlines = [ScaleLevelInline]


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "family", "position"]
    list_filter = ["family"]
    search_fields = ["name"]
    list_editable = ["position"]


@admin.register(Competency)
class CompetencyAdmin(TranslationAdmin):
    list_display = ["name", "category", "scale", "requires_certificate", "validity_months", "in_use"]
    list_filter = ["category", "scale", "requires_certificate", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "description", "esco_uri"]
    list_select_related = ["category", "scale"]
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = ["retired_at", "merged_into", "esco_uri", "esco_version"]

    actions = ["retire", "reinstate"]

    @admin.action(description=_("Retire the selected competencies (history stays)"))
    def retire(self, request, queryset):
        from .governance import competency_retire

        for competency in queryset:
            competency_retire(competency=competency, actor=request.user)

    @admin.action(description=_("Reinstate the selected competencies"))
    def reinstate(self, request, queryset):
        from .governance import competency_reinstate

        for competency in queryset.filter(merged_into__isnull=True):
            competency_reinstate(competency=competency, actor=request.user)

    @admin.display(boolean=True, description=_("in use"))
    def in_use(self, competency):
        return competency.retired_at is None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A new competency: point to possible duplicates (merge them on the catalogue page).
            from django.contrib import messages

            from .governance import duplicate_candidates

            similar = duplicate_candidates([obj.name], exclude=[obj.pk])
            if similar:
                messages.warning(
                    request,
                    _(
                        "Similar competencies exist already: %(names)s. "
                        "Merge duplicates on the catalogue page."
                    )
                    % {"names": ", ".join(f"“{row['competency'].name}”" for row in similar)},
                )

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            # Requirements, interests and plan items choose among the competencies in use only.
            found = found.filter(retired_at__isnull=True)
        return found, may_have_duplicates


class RoleRequirementInline(admin.TabularInline):
    model = RoleRequirement
    form = level_on_scale_form(target_level=1)
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(RoleProfile)
class RoleProfileAdmin(TranslationAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [RoleRequirementInline]


class InterestInline(admin.TabularInline):
    model = Interest
    form = level_on_scale_form(target_level=1)
    extra = 0
    autocomplete_fields = ["competency"]


class EmployeeAdminForm(forms.ModelForm):
    """Refuses a leaving date that the service would refuse, so the admin shows why on the field."""

    class Meta:
        model = Employee
        fields = ["personnel_no", "name", "email", "user", "role_profile", "is_active", "left_on"]

    def clean(self):
        cleaned_data = super().clean()
        left_on = cleaned_data.get("left_on")
        if left_on is not None and self.instance.pk is not None and left_on != self.instance.left_on:
            for problem in hooks.leave_refusals(employee_id=self.instance.pk, on=left_on):
                self.add_error("left_on", problem)
        return cleaned_data


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    """Saved through ``employee_save``: recording a leaving date ends the person's open memberships."""

    form = EmployeeAdminForm
    list_display = ["personnel_no", "name", "email", "role_profile", "is_active", "left_on"]
    list_filter = ["is_active", "role_profile"]
    search_fields = ["personnel_no", "name", "email"]
    list_select_related = ["role_profile"]
    autocomplete_fields = ["user"]
    inlines = [InterestInline]

    def save_model(self, request, obj, form, change):
        employee_save(employee=obj)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """History is append-only: rows can be added and read, never changed or deleted."""

    list_display = ["employee", "competency", "level", "source", "assessed_on", "valid_until", "assessed_by"]
    list_filter = ["source", "competency__category"]
    search_fields = ["employee__name", "employee__personnel_no", "competency__name"]
    date_hierarchy = "assessed_on"
    list_select_related = ["employee", "competency", "assessed_by"]
    autocomplete_fields = ["employee", "competency"]
    exclude = ["assessed_by"]
    form = level_on_scale_form(level=0)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.assessed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only and for administrators only: filter by who acted or read (reader), by
    whose record it was (person), by action and by what was read; search finds logins, people and teams.
    A team's page is one entry naming the team, so search for the team to find who read its members."""

    list_display = ["created_at", "actor_name", "action", "what", "employee", "team", "competency"]
    list_filter = [
        "action",
        "what",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("employee", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["actor_name", "employee__name", "employee__personnel_no"]
    date_hierarchy = "created_at"
    list_select_related = ["employee", "competency"]
    show_full_result_count = False

    @admin.display(description=_("team"))
    def team(self, entry):
        team = entry.after.get("team") if isinstance(entry.after, dict) else None
        return team.get("name", "") if isinstance(team, dict) else ""

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            found |= queryset.filter(after__team__name__icontains=search_term)
        return found, may_have_duplicates

    def has_module_permission(self, request):
        return is_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
