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
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from .dates import parse_iso_date
from .i18n import languages, translations
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
    """A ModelSerializer that refuses read-only and unknown fields and checks model constraints. It
    checks the shape of a request and never saves: the viewset hands the validated data to the service
    the pages use too.

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

    def get_fields(self):
        fields = super().get_fields()
        # A text kept per language may come in ``translations`` instead of in the request's language.
        for field in list(fields.values()):
            if isinstance(field, TranslationsField):
                for name in field.translated:
                    if name in fields:
                        fields[name].required = False
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        self.check_translated_required(attrs)
        self.check_constraints(attrs)
        return attrs

    def check_translated_required(self, attrs):
        """A new entry's required text (a name) is given in some language, as ``name`` or in
        ``translations``."""
        if self.instance is not None:
            return
        missing = {}
        for field in self.fields.values():
            if not isinstance(field, TranslationsField):
                continue
            for name in field.translated:
                if self.Meta.model._meta.get_field(name).blank:
                    continue
                if not attrs.get(name) and not any(attrs.get(f"{name}_{code}") for code in languages()):
                    missing[name] = [_("This field is required (here or in translations).")]
        if missing:
            raise serializers.ValidationError(missing)

    def create(self, validated_data):
        raise NotImplementedError("Writes go through the app's service (competencies.api.ServiceWriteMixin).")

    def update(self, instance, validated_data):
        raise NotImplementedError("Writes go through the app's service (competencies.api.ServiceWriteMixin).")

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


TRANSLATIONS_SCHEMA = {
    "type": "object",
    "description": "Every language's texts: {language: {field: text}}; '' where a language has none.",
    "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
}


@extend_schema_field(TRANSLATIONS_SCHEMA)
class TranslationsField(serializers.Field):
    """``{"de": {"name": …}, "en": {…}}``: the catalogue texts ``fields`` in every language. Written
    partially (the languages and fields given); each text fits its column, and a unique text is not
    another entry's in that language. ``name`` beside it writes the request's language."""

    def __init__(self, fields, **kwargs):
        self.translated = tuple(fields)
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, instance):
        return translations(instance, self.translated)

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(_('Expected an object of languages, such as {"de": {…}}.'))
        model = self.parent.Meta.model
        instance = getattr(self.parent, "instance", None)
        errors: dict[str, object] = {}
        values = {}
        for language, texts in data.items():
            if language not in languages():
                errors[language] = [
                    _("Unknown language; use one of: %(languages)s.") % {"languages": ", ".join(languages())}
                ]
                continue
            if not isinstance(texts, Mapping):
                errors[language] = [_('Expected an object of texts, such as {"name": "…"}.')]
                continue
            problems = {}
            for name, text in texts.items():
                problem = self._problem(model, instance, name, language, text)
                if problem:
                    problems[name] = [problem]
                else:
                    values[f"{name}_{language}"] = text.strip()
            if problems:
                errors[language] = problems
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def _problem(self, model, instance, name, language, text):
        """What is wrong with ``text`` as ``name`` in ``language`` (None: nothing)."""
        if name not in self.translated:
            return _("Unknown field.")
        if not isinstance(text, str):
            return _("Not a valid string.")
        column = model._meta.get_field(f"{name}_{language}")
        if column.max_length is not None and len(text.strip()) > column.max_length:
            return _("Ensure this field has no more than %(max)d characters.") % {"max": column.max_length}
        if column.unique and text.strip():
            others = model._default_manager.filter(**{column.name: text.strip()})
            if instance is not None and not isinstance(instance, (list, tuple)) and instance.pk:
                others = others.exclude(pk=instance.pk)
            if others.exists():
                return _("Another entry has this text in this language already.")
        return None


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


class ScaleLevelSerializer(NestedRowSerializer):
    translations = TranslationsField(["label", "descriptor"])

    class Meta:
        model = ScaleLevel
        fields = ["value", "label", "descriptor", "translations"]
        extra_kwargs = {"value": {"min_value": 0, "max_value": MAX_SCALE_LEVEL}}


class ScaleSerializer(StrictModelSerializer):
    """A scale with its levels. Writing ``levels`` replaces them all; they must be numbered 0..N, and a
    scale that competencies use may be relabelled, but its level values cannot change
    (``services.scale_save``)."""

    levels = ScaleLevelSerializer(many=True, allow_empty=False)
    translations = TranslationsField(["name", "description"])

    class Meta:
        model = Scale
        fields = ["id", "name", "description", "translations", "levels"]
        read_only_fields = ["id"]


class CategorySerializer(StrictModelSerializer):
    translations = TranslationsField(["name", "description"])

    class Meta:
        model = Category
        fields = ["id", "name", "family", "description", "position", "translations"]
        read_only_fields = ["id"]
        extra_kwargs = {"position": {"max_value": SMALLINT_MAX}}


class CompetencySerializer(StrictModelSerializer):
    translations = TranslationsField(["name", "description"])

    class Meta:
        model = Competency
        fields = [
            "id",
            "category",
            "name",
            "description",
            "scale",
            "requires_certificate",
            "validity_months",
            "translations",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"validity_months": {"min_value": 1, "max_value": 1200}}


class RoleRequirementSerializer(NestedRowSerializer):
    class Meta:
        model = RoleRequirement
        fields = ["competency", "target_level"]
        extra_kwargs = {"target_level": {"min_value": 1, "max_value": MAX_SCALE_LEVEL}}


class RoleProfileSerializer(StrictModelSerializer):
    """A role profile with its requirements. Writing ``requirements`` replaces them all; each competency
    once, each target on its scale (``services.role_profile_save``)."""

    requirements = RoleRequirementSerializer(many=True, required=False)
    translations = TranslationsField(["name", "description"])

    class Meta:
        model = RoleProfile
        fields = ["id", "name", "description", "translations", "requirements"]
        read_only_fields = ["id"]


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

    constraint_messages = {
        "employee_left_is_inactive": (
            "is_active",
            gettext_lazy("An employee with a leaving date cannot be active; set is_active to false."),
        ),
    }


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

    constraint_messages = {
        "assessment_valid_after_assessed": (
            "valid_until",
            gettext_lazy("“Valid until” cannot be before the assessment date."),
        ),
    }

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
        # Whether the dates and the level are possible is ``services.assessment_record``'s to say.
        attrs.setdefault("assessed_on", timezone.localdate())
        return super().validate(attrs)
