"""REST endpoints of the catalogue (scales, categories, competencies, role profiles) and of people
(employees, assessments), plus the building blocks the other apps' endpoints share.

Who may do what (SPEC.md): the catalogue is read by everyone signed in and changed by HR and admins;
employees and assessments are visible as ``visible_employees`` says (others are simply not found);
assessments are append-only."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, ProtectedError, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from . import filters, services, works_council
from .audit import audit_record_reads
from .models import Assessment, AuditEntry, Category, Competency, Employee, RoleProfile, Scale
from .permissions import visible_employees
from .roles import is_hr_or_admin
from .serializers import (
    AssessmentCreateSerializer,
    AssessmentSerializer,
    CategorySerializer,
    CompetencySerializer,
    EmployeeSerializer,
    RoleProfileSerializer,
    ScaleSerializer,
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This object is still in use and cannot be deleted.")
    default_code = "conflict"


def method_not_offered(request, view):
    """True for a method the endpoint does not have: everyone gets the same 405 for it."""
    return not hasattr(view, request.method.lower())


class CatalogueAccess(permissions.BasePermission):
    """Read: everyone signed in. Write: HR and admins (``competencies.edit_catalogue``)."""

    message = gettext_lazy("Only HR and administrators may change the catalogue.")

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS or method_not_offered(request, view):
            return True
        return request.user.has_perm("competencies.edit_catalogue")


class HrWrites(permissions.BasePermission):
    """Read: as the view's queryset allows. Write: HR and admins."""

    message = gettext_lazy("Only HR and administrators may change these records.")

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS or method_not_offered(request, view):
            return True
        return is_hr_or_admin(request.user)


def service_error_detail(error: DjangoValidationError) -> dict[str, Any]:
    """The 400 body of a service's ValidationError: its messages by field, a dotted field
    ("requirements.0.target_level") nested as the request nests it."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    detail: dict[str, Any] = {}
    for key, messages in error.message_dict.items():
        *path, last = [api_settings.NON_FIELD_ERRORS_KEY] if key == NON_FIELD_ERRORS else key.split(".")
        node = detail
        for part in path:
            node = node.setdefault(part, {})
        node.setdefault(last, []).extend(messages)
    return detail


@contextmanager
def service_errors_as_400() -> Iterator[None]:
    """Answer a service's ValidationError (a broken domain rule) with a 400 naming the fields."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(service_error_detail(error)) from None


class ServiceWriteMixin:
    """For viewsets whose serializer checks the shape of a request: the write itself is the service
    the pages use too, called by ``write`` with the validated data (``instance`` None on create) and by
    ``remove``. A DELETE of an object that others still reference answers 409 with a message."""

    def write(self, instance: Model | None, data: Mapping[str, Any]) -> Model:
        raise NotImplementedError

    def remove(self, instance: Model) -> None:
        raise NotImplementedError

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        with service_errors_as_400():
            serializer.instance = self.write(None, serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        with service_errors_as_400():
            serializer.instance = self.write(serializer.instance, serializer.validated_data)

    def perform_destroy(self, instance: Model) -> None:
        try:
            self.remove(instance)
        except ProtectedError as error:
            raise Conflict(
                _("“%(object)s” is still used by %(count)d other record(s) and cannot be deleted.")
                % {"object": instance, "count": len(error.protected_objects)}
            ) from None


class ApiViewSetMixin:
    """Shared by every viewset: request bodies are JSON (anything else is a 415 with a message).

    ``score_ordering_fields`` names the ``ordering`` fields that rank people by a score (a level, a
    progress); in works-council mode (part ``no_ranking``) ordering by them is refused with a 400."""

    parser_classes = [JSONParser]
    score_ordering_fields: tuple[str, ...] = ()

    def refused_ordering_fields(self):
        return self.score_ordering_fields if works_council.enabled("no_ranking") else ()


class ReadAuditMixin:
    """For viewsets whose answers hold people's individual levels (assessments, plans, plan items): a
    successful list or retrieve records one ``viewed`` audit entry per person it names other than the
    requester (``what`` = REST API, with the path), as the pages that show such levels do
    (competencies.audit). ``audited_employee_id`` tells whose record an object is."""

    @staticmethod
    def audited_employee_id(obj):
        return obj.employee_id

    def get_serializer(self, *args, **kwargs):
        if self.action in ("list", "retrieve") and args:
            answer = args[0]
            # A list or a page; a queryset keeps the rows it read here for the serializer.
            objects = answer if isinstance(answer, list | tuple | QuerySet) else [answer]
            self._read_employee_ids = {self.audited_employee_id(obj) for obj in objects}
        return super().get_serializer(*args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        read = getattr(self, "_read_employee_ids", None)
        if read and response.status_code == status.HTTP_200_OK:
            audit_record_reads(
                actor=request.user,
                what=AuditEntry.Read.API,
                employee_ids=read,
                details={"path": request.get_full_path()[:300]},
            )
        return response


class ScaleViewSet(ApiViewSetMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Rating scales with their levels (catalogue)."""

    queryset = Scale.objects.prefetch_related("levels")
    serializer_class = ScaleSerializer
    permission_classes = [CatalogueAccess]
    ordering_fields = ["id", "name"]
    filterset_fields = ["name"]
    search_fields = ["name"]

    def write(self, instance: Scale | None, data: Mapping[str, Any]) -> Scale:
        return services.scale_save(scale=instance, fields=data, levels=data.get("levels"))

    def remove(self, instance: Scale) -> None:
        services.catalogue_entry_delete(entry=instance)


class CategoryViewSet(ApiViewSetMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Competency categories (catalogue)."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    permission_classes = [CatalogueAccess]
    ordering_fields = ["id", "name", "position", "family"]
    filterset_fields = ["family"]
    search_fields = ["name"]

    def write(self, instance: Category | None, data: Mapping[str, Any]) -> Category:
        return services.category_save(category=instance, fields=data)

    def remove(self, instance: Category) -> None:
        services.catalogue_entry_delete(entry=instance)


class CompetencyViewSet(ApiViewSetMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Competencies (catalogue)."""

    queryset = Competency.objects.select_related("category", "scale")
    serializer_class = CompetencySerializer
    permission_classes = [CatalogueAccess]
    filterset_class = filters.CompetencyFilter
    ordering_fields = ["id", "name", "category"]
    search_fields = ["name", "description"]

    def write(self, instance: Competency | None, data: Mapping[str, Any]) -> Competency:
        return services.competency_save(competency=instance, fields=data)

    def remove(self, instance: Competency) -> None:
        services.catalogue_entry_delete(entry=instance)


class RoleProfileViewSet(ApiViewSetMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Role profiles (Stellenprofile) with their requirements (catalogue)."""

    queryset = RoleProfile.objects.prefetch_related("requirements")
    serializer_class = RoleProfileSerializer
    permission_classes = [CatalogueAccess]
    ordering_fields = ["id", "name"]
    filterset_fields = ["name"]
    search_fields = ["name"]

    def write(self, instance: RoleProfile | None, data: Mapping[str, Any]) -> RoleProfile:
        return services.role_profile_save(
            profile=instance, fields=data, requirements=data.get("requirements")
        )

    def remove(self, instance: RoleProfile) -> None:
        services.catalogue_entry_delete(entry=instance)


class EmployeeViewSet(
    ApiViewSetMixin,
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Employees the user may see individually: oneself, the people in the teams one leads, everyone
    for HR and admins. HR and admins create and change records; nobody deletes one (set ``left_on``)."""

    serializer_class = EmployeeSerializer
    permission_classes = [HrWrites]
    filterset_class = filters.EmployeeFilter
    ordering_fields = ["id", "name", "personnel_no"]
    search_fields = ["name", "personnel_no"]

    def get_queryset(self):
        return visible_employees(self.request.user).prefetch_related("interest_set").order_by("name", "id")

    def write(self, instance: Employee | None, data: Mapping[str, Any]) -> Employee:
        return services.employee_save(employee=instance, fields=data)


@extend_schema_view(
    create=extend_schema(
        request=AssessmentCreateSerializer,
        responses={
            201: AssessmentSerializer,
            403: OpenApiResponse(
                description="Not signed in, or not allowed to record this source for this employee: "
                "self only for oneself; manager and certificate by their team lead, HR or an admin."
            ),
        },
    )
)
class AssessmentViewSet(
    ReadAuditMixin,
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments of the employees the user may see. Append-only: a correction is a new assessment.

    Create: ``self`` for one's own record; ``manager`` or ``certificate`` by someone who may confirm
    assessments of that employee (their team lead, HR, admin), not for oneself."""

    filterset_class = filters.AssessmentFilter
    ordering_fields = ["id", "assessed_on", "created_at", "level", "employee", "competency"]
    score_ordering_fields = ("level",)

    def get_queryset(self):
        return Assessment.objects.filter(employee__in=visible_employees(self.request.user)).order_by(
            "employee_id", "competency_id", "assessed_on", "id"
        )

    def get_serializer_class(self):
        return AssessmentCreateSerializer if self.action == "create" else AssessmentSerializer

    def get_serializer_context(self):
        # A person outside the user's reach is answered like a person that does not exist.
        return {**super().get_serializer_context(), "employees": visible_employees(self.request.user)}

    def create(self, request, *args, **kwargs):
        user = request.user
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        employee = data["employee"]
        check_may_record(user, employee, data["source"])
        with service_errors_as_400():
            assessment = services.assessment_record(
                employee=employee,
                competency=data["competency"],
                level=data["level"],
                source=data["source"],
                assessed_on=data["assessed_on"],
                assessed_by=user,
                valid_until=data.get("valid_until"),
                note=data.get("note", ""),
            )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


def check_may_record(user, employee, source):
    """403 unless ``user`` may record an assessment of ``source`` for ``employee``."""
    own = employee.user_id == user.pk
    if source == Assessment.Source.SELF:
        if not own:
            raise PermissionDenied(_("A self-assessment can only be recorded for one's own record."))
        return
    if own:
        raise PermissionDenied(_("You cannot confirm your own assessment; ask your team lead or HR."))
    if not user.has_perm("competencies.confirm_assessment", employee):
        raise PermissionDenied(_("Only the employee's team lead, HR or an administrator may confirm levels."))
