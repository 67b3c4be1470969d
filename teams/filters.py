"""django-filter filtersets of the teams endpoints."""

import django_filters

from competencies.filters import IdFilter, IsoDateFilter

from .models import Membership, Team, TeamRequirement
from .selectors import membership_active_q


class TeamFilter(django_filters.FilterSet):
    parent = IdFilter(field_name="parent_id")
    is_root = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="Top level only."
    )

    class Meta:
        model = Team
        fields = ["parent", "is_root"]


class MembershipFilter(django_filters.FilterSet):
    team = IdFilter(field_name="team_id")
    employee = IdFilter(field_name="employee_id")
    active_on = IsoDateFilter(method="filter_active_on", help_text="Memberships active on this date.")

    class Meta:
        model = Membership
        fields = ["team", "employee", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(membership_active_q(value))


class TeamRequirementFilter(django_filters.FilterSet):
    team = IdFilter(field_name="team_id")
    competency = IdFilter(field_name="competency_id")

    class Meta:
        model = TeamRequirement
        fields = ["team", "competency", "weight"]
