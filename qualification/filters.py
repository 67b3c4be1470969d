"""django-filter filtersets of the qualification endpoints."""

import django_filters

from competencies.filters import IdFilter
from jobs import registry
from jobs.models import Job

from .models import Measure, PlanItem, QualificationPlan, period_validator


class MeasureFilter(django_filters.FilterSet):
    competency = IdFilter(
        field_name="ranges__competency_id", distinct=True, help_text="Develops this competency."
    )

    class Meta:
        model = Measure
        fields = ["kind", "is_active", "competency"]


class QualificationPlanFilter(django_filters.FilterSet):
    employee = IdFilter(field_name="employee_id")
    period = django_filters.CharFilter(validators=[period_validator], help_text="A period such as 2027-Q1.")

    class Meta:
        model = QualificationPlan
        fields = ["employee", "period", "status", "origin"]


class PlanItemFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    employee = IdFilter(field_name="plan__employee_id")
    competency = IdFilter(field_name="competency_id")

    class Meta:
        model = PlanItem
        fields = ["plan", "employee", "competency", "status", "reason"]


class JobFilter(django_filters.FilterSet):
    # The kinds the apps registered (an unknown kind is a bad request, as for any choice).
    kind = django_filters.ChoiceFilter(choices=registry.kind_choices)

    class Meta:
        model = Job
        fields = ["kind", "status"]
