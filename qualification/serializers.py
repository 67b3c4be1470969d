"""REST serializers of measures, qualification plans with their items, and jobs."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from competencies.models import MAX_SCALE_LEVEL
from competencies.serializers import (
    NestedRowSerializer,
    StrictModelSerializer,
    check_level_on_scale,
    levels_by_scale,
)
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

    def validate(self, attrs):
        if attrs["to_level"] <= attrs["from_level"]:
            raise serializers.ValidationError(
                {"to_level": [_("The target level must lie above the start level.")]}
            )
        return super().validate(attrs)


class MeasureSerializer(StrictModelSerializer):
    """A measure with the competency ranges it develops. Writing ``competencies`` replaces them all."""

    competencies = MeasureCompetencySerializer(source="ranges", many=True, required=False)

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
            "competencies",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"duration_hours": {"min_value": 0}, "cost": {"min_value": 0}}

    def validate_competencies(self, ranges):
        competencies = [entry["competency"] for entry in ranges]
        if len({competency.pk for competency in competencies}) != len(competencies):
            raise serializers.ValidationError(_("Each competency may appear only once."))
        values = levels_by_scale({competency.scale_id for competency in competencies})
        for index, entry in enumerate(ranges):
            competency = entry["competency"]
            try:
                check_level_on_scale(
                    competency=competency,
                    level=entry["to_level"],
                    field="to_level",
                    values=values[competency.scale_id],
                )
            except serializers.ValidationError as error:
                raise serializers.ValidationError({index: error.detail}) from None
        return ranges

    @transaction.atomic
    def create(self, validated_data):
        ranges = validated_data.pop("ranges", [])
        measure = Measure.objects.create(**validated_data)
        MeasureCompetency.objects.bulk_create(MeasureCompetency(measure=measure, **entry) for entry in ranges)
        return measure

    @transaction.atomic
    def update(self, instance, validated_data):
        ranges = validated_data.pop("ranges", None)
        instance = super().update(instance, validated_data)
        if ranges is not None:
            instance.ranges.all().delete()
            MeasureCompetency.objects.bulk_create(
                MeasureCompetency(measure=instance, **entry) for entry in ranges
            )
            getattr(instance, "_prefetched_objects_cache", {}).pop("ranges", None)
        return instance


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
