"""REST endpoints of the qualification app.

Who may do what (SPEC.md): measures are catalogue (read by everyone signed in, changed by HR and
admins); plans and their items are visible with their employee (``visible_employees``): one's own, those
of the people one leads, all for HR and admins; jobs to their owner, all to HR and admins. Plans, items
and jobs are read-only here: they change through plan generation and the plan pages."""

from collections.abc import Mapping
from typing import Any

from rest_framework import viewsets

from competencies.api import (
    ApiViewSetMixin,
    CatalogueAccess,
    ReadAuditMixin,
    ServiceWriteMixin,
)
from competencies.permissions import visible_employees
from competencies.roles import is_hr_or_admin
from jobs.models import Job

from . import filters, services
from .models import Measure, PlanItem, QualificationPlan
from .serializers import JobSerializer, MeasureSerializer, PlanItemSerializer, QualificationPlanSerializer


class MeasureViewSet(ApiViewSetMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """The measure catalogue with the competency ranges each measure develops (written by the service
    the measure pages use)."""

    queryset = Measure.objects.prefetch_related("ranges")
    serializer_class = MeasureSerializer
    permission_classes = [CatalogueAccess]
    filterset_class = filters.MeasureFilter
    ordering_fields = ["id", "title", "kind", "cost", "duration_hours"]
    search_fields = ["title"]

    def write(self, instance: Measure | None, data: Mapping[str, Any]) -> Measure:
        return services.measure_save(measure=instance, fields=data, ranges=data.get("ranges"))

    def remove(self, instance: Measure) -> None:
        services.measure_delete(measure=instance)


class QualificationPlanViewSet(ReadAuditMixin, ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Qualification plans with their items."""

    serializer_class = QualificationPlanSerializer
    filterset_class = filters.QualificationPlanFilter
    ordering_fields = ["id", "period", "status", "employee", "created_at"]

    def get_queryset(self):
        return (
            QualificationPlan.objects.filter(employee__in=visible_employees(self.request.user))
            .prefetch_related("items")
            .order_by("-period", "employee_id", "id")
        )


class PlanItemViewSet(ReadAuditMixin, ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Items of the plans the user may see."""

    @staticmethod
    def audited_employee_id(obj):
        return obj.plan.employee_id

    serializer_class = PlanItemSerializer
    filterset_class = filters.PlanItemFilter
    ordering_fields = ["id", "plan", "priority", "due_date", "status", "progress"]
    score_ordering_fields = ("progress",)

    def get_queryset(self):
        return (
            PlanItem.objects.filter(plan__employee__in=visible_employees(self.request.user))
            .select_related("plan")
            .order_by("plan_id", "priority", "id")
        )


class JobViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Background jobs: one's own; all of them for HR and admins."""

    serializer_class = JobSerializer
    filterset_class = filters.JobFilter
    ordering_fields = ["id", "created_at", "status", "kind"]

    def get_queryset(self):
        user = self.request.user
        jobs = Job.objects.all() if is_hr_or_admin(user) else Job.objects.filter(owner_id=user.pk)
        return jobs.order_by("-created_at", "-id")
