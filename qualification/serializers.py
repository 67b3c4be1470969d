"""REST serializers of measures, qualification plans with their items, and jobs."""

from rest_framework import serializers

from competencies.models import MAX_SCALE_LEVEL
from competencies.serializers import NestedRowSerializer, StrictModelSerializer, TranslationsField
from jobs.models import Job

from .models import Measure, MeasureCompetency, PlanItem, QualificationPlan


class MeasureCompetencySerializer(NestedRowSerializer):
    class Meta:
        model = MeasureCompetency
        fields = ["competency", "from_level", "to_level"]
        extra_kwargs = {
            "from_level": {"min_value": 0, "max_value": MAX_SCALE_LEVEL},
            "to_level": {"min_value": 1, "max_value": MAX_SCALE_LEVEL},
        }


class MeasureSerializer(StrictModelSerializer):
    """A measure with the competency ranges it develops. Writing ``competencies`` replaces them all; a
    measure names at least one, each on its scale (``services.measure_competencies_check``)."""

    competencies = MeasureCompetencySerializer(source="ranges", many=True, required=False)
    translations = TranslationsField(["title", "provider", "description"])

    class Meta:
        model = Measure
        fields = [
            "id",
            "title",
            "kind",
            "description",
            "duration_hours",
            "cost",
            "provider",
            "is_active",
            "translations",
            "competencies",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"duration_hours": {"min_value": 0}, "cost": {"min_value": 0}}


class PlanItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "competency",
            "current_level",
            "target_level",
            "measure",
            "mentor",
            "team",
            "due_date",
            "reason",
            "priority",
            "status",
            "progress",
            "hours",
            "cost",
            "needs_approval",
            "incentive",
        ]
        read_only_fields = fields


class QualificationPlanSerializer(serializers.ModelSerializer):
    items = PlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = QualificationPlan
        fields = [
            "id",
            "employee",
            "period",
            "status",
            "origin",
            "created_by",
            "job",
            "employee_comment",
            "created_at",
            "updated_at",
            "items",
        ]
        read_only_fields = fields


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "parameters",
            "status",
            "progress",
            "message",
            "result",
            "owner",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
