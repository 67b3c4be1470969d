"""REST serializers of the catalogue and of people.

Every serializer here (and in the other apps) derives from ``StrictModelSerializer``: a request that
writes a read-only field or a field the endpoint does not have is answered 400 naming the field, and the
model's constraints are checked before anything is saved, so bad input is a 400 with a message and never
a database error."""

import copy
import datetime
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from .dates import parse_iso_date
from .models import (
    MAX_SCALE_LEVEL,
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

# Sent by the browsable API's HTML forms; not a field of any resource.
IGNORED_INPUT_KEYS = frozenset({"csrfmiddlewaretoken"})

# Small integers (counts, weights) stay within PostgreSQL's smallint on every database.
SMALLINT_MAX = 32767


class IsoDateField(serializers.DateField):
    """A date written exactly as YYYY-MM-DD (DRF's own field also reads 20260930 and 2026-9-30)."""

    def to_internal_value(self, value: object) -> datetime.date:
        try:
            return parse_iso_date(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error), code="invalid") from None


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that refuses read-only and unknown fields and checks model constraints.

    ``constraint_messages`` maps a constraint name to ``(field or None, message)`` so a violation is
    reported in words instead of the constraint's name. Model date fields read only YYYY-MM-DD."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: IsoDateField,
    }
    constraint_messages = {}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for key in data:
                if key in IGNORED_INPUT_KEYS:
                    continue
                field = self.fields.get(key)
                if field is None:
                    errors[key] = [_("Unknown field.")]
                elif field.read_only:
                    errors[key] = [_("This field is read-only.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        self.check_constraints(attrs)
        return attrs

    def check_constraints(self, attrs):
        """Run the model's constraints against the instance as it would be saved."""
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.concrete and not field.many_to_many:
                setattr(candidate, name, value)
        # A nested row does not know its parent yet; constraints on the parent are checked by the parent.
        exclude = {
            field.name
            for field in model._meta.concrete_fields
            if field.is_relation and getattr(candidate, field.attname) is None
        }
        for constraint in model._meta.constraints:
            try:
                constraint.validate(model, candidate, exclude=exclude)
            except DjangoValidationError as error:
                field, message = self.constraint_messages.get(constraint.name, (None, None))
                raise serializers.ValidationError(
                    {field or api_settings.NON_FIELD_ERRORS_KEY: [message or " ".join(error.messages)]}
                ) from None


class NestedRowSerializer(StrictModelSerializer):
    """A row written inside its parent (a scale's level, a profile's requirement). The parent replaces
    its rows whole, so a row needs all its required fields even within a PATCH of the parent."""

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        missing = {
            name: [_("This field is required.")]
            for name, field in self.fields.items()
            if field.required and not field.read_only and field.source not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


def is_referenced(instance):
    """True when any row refers to ``instance``, asked relation by relation without naming the apps."""
    for relation in instance._meta.related_objects:
        if relation.related_model._default_manager.filter(**{relation.field.name: instance}).exists():
            return True
    return False


def scale_values(scale_id):
    """The level values of a scale, ascending."""
    return list(
        ScaleLevel.objects.filter(scale_id=scale_id).order_by("value").values_list("value", flat=True)
    )


def check_level_on_scale(*, competency, level, field, minimum=0, values=None):
    """Raise a 400 naming the allowed values when ``level`` is not a level of the competency's scale."""
    values = scale_values(competency.scale_id) if values is None else values
    allowed = [value for value in values if value >= minimum]
    if level not in allowed:
        raise serializers.ValidationError(
            {
                field: [
                    _("Level %(level)s is outside the scale of “%(competency)s”; allowed: %(allowed)s.")
                    % {
                        "level": level,
                        "competency": competency.name,
                        "allowed": ", ".join(str(value) for value in allowed) or "–",
                    }
                ]
            }
        )


def levels_by_scale(scale_ids):
    """dict scale id → list of its level values, in one query."""
    found = {scale_id: [] for scale_id in scale_ids}
    for scale_id, value in ScaleLevel.objects.filter(scale_id__in=list(found)).values_list(
        "scale_id", "value"
    ):
        found[scale_id].append(value)
    return found


class ScaleLevelSerializer(NestedRowSerializer):
    class Meta:
        model = ScaleLevel
        fields = ["value", "label", "descriptor"]
        extra_kwargs = {"value": {"min_value": 0, "max_value": MAX_SCALE_LEVEL}}


class ScaleSerializer(StrictModelSerializer):
    """A scale with its levels. Writing ``levels`` replaces them all; they must be numbered 0..N.

    A scale that competencies use may be relabelled, but its level values cannot change."""

    levels = ScaleLevelSerializer(many=True, allow_empty=False)

    class Meta:
        model = Scale
        fields = ["id", "name", "description", "levels"]
        read_only_fields = ["id"]

    def validate_levels(self, levels):
        values = sorted(level["value"] for level in levels)
        if values != list(range(len(values))):
            raise serializers.ValidationError(
                _("Levels must be numbered 0, 1, 2, … without gaps or repeats.")
            )
        if self.instance is not None and self.instance.competencies.exists():
            if values != scale_values(self.instance.pk):
                raise serializers.ValidationError(
                    _("Competencies use this scale: its levels can be relabelled, but not added or removed.")
                )
        return levels

    @transaction.atomic
    def create(self, validated_data):
        levels = validated_data.pop("levels")
        scale = Scale.objects.create(**validated_data)
        ScaleLevel.objects.bulk_create(ScaleLevel(scale=scale, **level) for level in levels)
        return scale

    @transaction.atomic
    def update(self, instance, validated_data):
        levels = validated_data.pop("levels", None)
        instance = super().update(instance, validated_data)
        if levels is not None:
            instance.levels.all().delete()
            ScaleLevel.objects.bulk_create(ScaleLevel(scale=instance, **level) for level in levels)
            # Drop the prefetched levels so the response shows the new ones.
            getattr(instance, "_prefetched_objects_cache", {}).pop("levels", None)
        return instance


class CategorySerializer(StrictModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "family", "description", "position"]
        read_only_fields = ["id"]
        extra_kwargs = {"position": {"max_value": SMALLINT_MAX}}


class CompetencySerializer(StrictModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "category", "name", "description", "scale", "requires_certificate", "validity_months"]
        read_only_fields = ["id"]
        extra_kwargs = {"validity_months": {"min_value": 1, "max_value": 1200}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        requires_certificate = attrs.get(
            "requires_certificate", self.instance.requires_certificate if self.instance else False
        )
        validity = attrs.get("validity_months", self.instance.validity_months if self.instance else None)
        if validity is not None and not requires_certificate:
            raise serializers.ValidationError(
                {"validity_months": [_("Only a competency that requires a certificate has a validity.")]}
            )
        scale = attrs.get("scale")
        if self.instance is not None and scale is not None and scale.pk != self.instance.scale_id:
            if is_referenced(self.instance):
                raise serializers.ValidationError(
                    {"scale": [_("This competency is in use; its scale cannot change.")]}
                )
        return attrs


class RoleRequirementSerializer(NestedRowSerializer):
    class Meta:
        model = RoleRequirement
        fields = ["competency", "target_level"]
        extra_kwargs = {"target_level": {"min_value": 1, "max_value": MAX_SCALE_LEVEL}}


class RoleProfileSerializer(StrictModelSerializer):
    """A role profile with its requirements. Writing ``requirements`` replaces them all."""

    requirements = RoleRequirementSerializer(many=True, required=False)

    class Meta:
        model = RoleProfile
        fields = ["id", "name", "description", "requirements"]
        read_only_fields = ["id"]

    def validate_requirements(self, requirements):
        competencies = [requirement["competency"] for requirement in requirements]
        if len({competency.pk for competency in competencies}) != len(competencies):
            raise serializers.ValidationError(_("Each competency may appear only once."))
        values = levels_by_scale({competency.scale_id for competency in competencies})
        for index, requirement in enumerate(requirements):
            competency = requirement["competency"]
            try:
                check_level_on_scale(
                    competency=competency,
                    level=requirement["target_level"],
                    field="target_level",
                    minimum=1,
                    values=values[competency.scale_id],
                )
            except serializers.ValidationError as error:
                raise serializers.ValidationError({index: error.detail}) from None
        return requirements

    @transaction.atomic
    def create(self, validated_data):
        requirements = validated_data.pop("requirements", [])
        profile = RoleProfile.objects.create(**validated_data)
        RoleRequirement.objects.bulk_create(RoleRequirement(role_profile=profile, **r) for r in requirements)
        return profile

    @transaction.atomic
    def update(self, instance, validated_data):
        requirements = validated_data.pop("requirements", None)
        instance = super().update(instance, validated_data)
        if requirements is not None:
            instance.requirements.all().delete()
            RoleRequirement.objects.bulk_create(
                RoleRequirement(role_profile=instance, **r) for r in requirements
            )
            getattr(instance, "_prefetched_objects_cache", {}).pop("requirements", None)
        return instance


class InterestSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interest
        fields = ["competency", "target_level"]
        read_only_fields = fields


class EmployeeSerializer(StrictModelSerializer):
    interests = InterestSerializer(source="interest_set", many=True, read_only=True)

    class Meta:
        model = Employee
        fields = [
            "id",
            "personnel_no",
            "name",
            "email",
            "user",
            "role_profile",
            "is_active",
            "left_on",
            "interests",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"user": {"help_text": "Id of the employee's login user, if any."}}

    def check_constraints(self, attrs):
        is_active = attrs.get("is_active", self.instance.is_active if self.instance else True)
        left_on = attrs.get("left_on", self.instance.left_on if self.instance else None)
        if left_on is not None and is_active:
            raise serializers.ValidationError(
                {
                    "is_active": [
                        _("An employee with a leaving date cannot be active; set is_active to false.")
                    ]
                }
            )
        super().check_constraints(attrs)


class AssessmentSerializer(serializers.ModelSerializer):
    """An assessment as recorded (assessments are append-only: they are never changed)."""

    class Meta:
        model = Assessment
        fields = [
            "id",
            "employee",
            "competency",
            "level",
            "source",
            "assessed_on",
            "assessed_by",
            "valid_until",
            "note",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_field({"type": "string", "enum": ["self", "manager", "certificate"]})
class AssessmentSourceField(serializers.ChoiceField):
    """The sources a person can record through the API (``import`` is the importer's)."""

    def __init__(self, **kwargs):
        choices = [
            (Assessment.Source.SELF, Assessment.Source.SELF.label),
            (Assessment.Source.MANAGER, Assessment.Source.MANAGER.label),
            (Assessment.Source.CERTIFICATE, Assessment.Source.CERTIFICATE.label),
        ]
        super().__init__(choices=choices, **kwargs)


class AssessmentCreateSerializer(StrictModelSerializer):
    """Input of a new assessment. ``employee`` must be someone the user may see (else: no such person);
    whether the user may record this source for them is the view's permission check."""

    source = AssessmentSourceField(
        help_text=(
            "`self` for one's own record; `manager` and `certificate` by someone who may confirm "
            "assessments of the employee (their lead, HR, admin)."
        )
    )
    assessed_on = IsoDateField(required=False, help_text="Default: today. Not in the future.")

    class Meta:
        model = Assessment
        fields = ["employee", "competency", "level", "source", "assessed_on", "valid_until", "note"]
        extra_kwargs = {"level": {"min_value": 0, "max_value": MAX_SCALE_LEVEL}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        employees = self.context.get("employees")
        if employees is not None:
            self.fields["employee"].queryset = employees

    def validate(self, attrs):
        today = timezone.localdate()
        attrs.setdefault("assessed_on", today)
        if attrs["assessed_on"] > today:
            raise serializers.ValidationError({"assessed_on": [_("An assessment cannot lie in the future.")]})
        valid_until = attrs.get("valid_until")
        if valid_until is not None and valid_until < attrs["assessed_on"]:
            raise serializers.ValidationError(
                {"valid_until": [_("The end of validity cannot lie before the assessment date.")]}
            )
        check_level_on_scale(competency=attrs["competency"], level=attrs["level"], field="level")
        return super().validate(attrs)
