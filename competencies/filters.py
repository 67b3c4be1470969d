"""django-filter filtersets of the catalogue and people endpoints."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django_filters.fields import DateRangeField, RangeField
from drf_spectacular.utils import extend_schema_field

from .dates import IsoDateField
from .models import Assessment, Competency, Employee

# Ids are filtered as plain numbers against a queryset the user may already see: an id outside that
# queryset yields an empty list, the same answer as an id that does not exist.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = IdField


class IsoDateRangeField(DateRangeField):
    def __init__(self, *args, **kwargs):
        # DateRangeField would build two locale-aware DateFields; RangeField takes the fields given.
        RangeField.__init__(self, (IsoDateField(), IsoDateField()), *args, **kwargs)


class IsoDateFilter(django_filters.DateFilter):
    """A date in the query string, exactly YYYY-MM-DD."""

    field_class = IsoDateField


class IsoDateFromToRangeFilter(django_filters.DateFromToRangeFilter):
    """``<name>_after`` / ``<name>_before``, each exactly YYYY-MM-DD."""

    field_class = IsoDateRangeField


class CompetencyFilter(django_filters.FilterSet):
    category = IdFilter(field_name="category_id")
    scale = IdFilter(field_name="scale_id")

    class Meta:
        model = Competency
        fields = ["category", "scale", "requires_certificate"]


class EmployeeFilter(django_filters.FilterSet):
    team = IdFilter(method="filter_team", help_text="Members of this team today.")
    role_profile = IdFilter(field_name="role_profile_id")

    class Meta:
        model = Employee
        fields = ["team", "role_profile", "is_active"]

    def filter_team(self, queryset, name, value):
        today = timezone.localdate()
        # One filter() call so that team, start and end refer to the same membership row. SPEC's active
        # membership (teams.selectors.membership_active_q, which this lower app cannot import): someone
        # who left before today is no member.
        return queryset.filter(
            Q(memberships__end__isnull=True) | Q(memberships__end__gte=today),
            Q(left_on__isnull=True) | Q(left_on__gte=today),
            memberships__team_id=value,
            memberships__start__lte=today,
        ).distinct()


class AssessmentFilter(django_filters.FilterSet):
    employee = IdFilter(field_name="employee_id")
    competency = IdFilter(field_name="competency_id")
    assessed_on = IsoDateFromToRangeFilter(
        help_text="assessed_on_after / assessed_on_before: inclusive date range (YYYY-MM-DD)."
    )

    class Meta:
        model = Assessment
        fields = ["employee", "competency", "source", "assessed_on"]
