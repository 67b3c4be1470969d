from django.contrib import admin

from .models import (
    Assessment,
    Category,
    Competency,
    Employee,
    Interest,
    RoleProfile,
    RoleRequirement,
    Scale,
    ScaleLevel,
)


class ScaleLevelInline(admin.TabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    inlines = [ScaleLevelInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "position"]
    list_filter = ["family"]
    search_fields = ["name"]
    list_editable = ["position"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "scale", "requires_certificate", "validity_months"]
    list_filter = ["category", "scale", "requires_certificate"]
    search_fields = ["name", "description"]
    list_select_related = ["category", "scale"]


class RoleRequirementInline(admin.TabularInline):
    model = RoleRequirement
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(RoleProfile)
class RoleProfileAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [RoleRequirementInline]


class InterestInline(admin.TabularInline):
    model = Interest
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["personnel_no", "name", "email", "role_profile", "is_active", "left_on"]
    list_filter = ["is_active", "role_profile"]
    search_fields = ["personnel_no", "name", "email"]
    list_select_related = ["role_profile"]
    autocomplete_fields = ["user"]
    inlines = [InterestInline]


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

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.assessed_by = request.user
        super().save_model(request, obj, form, change)
