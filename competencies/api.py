"""REST endpoints of the catalogue (scales, categories, competencies, role profiles) and of people
(employees, assessments), plus the building blocks the other apps' endpoints share.

Who may do what (SPEC.md): the catalogue is read by everyone signed in and changed by HR and admins;
employees and assessments are visible as ``visible_employees`` says (others are simply not found);
assessments are append-only."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from . import filters
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
from .services import AssessmentInvalid, assessment_record, employee_save


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This object is still in use and cannot be deleted.")
    default_code = "conflict"


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()


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


class ProtectedDeleteMixin:
    """DELETE of an object that others still reference answers 409 with a message."""

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError as error:
            raise Conflict(
                _("“%(object)s” is still used by %(count)d other record(s) and cannot be deleted.")
                % {"object": instance, "count": len(error.protected_objects)}
            ) from None


DELETE_SCHEMA = extend_schema(responses={204: None, 409: ConflictSerializer})


class ApiViewSetMixin:
    """Shared by every viewset: request bodies are JSON (anything else is a 415 with a message)."""

    parser_classes = [JSONParser]


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


@extend_schema_view(destroy=DELETE_SCHEMA)
class ScaleViewSet(ApiViewSetMixin, ProtectedDeleteMixin, viewsets.ModelViewSet):
    """Rating scales with their levels (catalogue)."""

    queryset = Scale.objects.prefetch_related("levels")
    serializer_class = ScaleSerializer
    permission_classes = [CatalogueAccess]
    ordering_fields = ["id", "name"]
    filterset_fields = ["name"]


@extend_schema_view(destroy=DELETE_SCHEMA)
class CategoryViewSet(ApiViewSetMixin, ProtectedDeleteMixin, viewsets.ModelViewSet):
    """Competency categories (catalogue)."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    permission_classes = [CatalogueAccess]
    ordering_fields = ["id", "name", "position", "family"]
    filterset_fields = ["family"]


@extend_schema_view(destroy=DELETE_SCHEMA)
class CompetencyViewSet(ApiViewSetMixin, ProtectedDeleteMixin, viewsets.ModelViewSet):
    """Competencies (catalogue)."""

    queryset = Competency.objects.select_related("category", "scale")
    serializer_class = CompetencySerializer
    permission_classes = [CatalogueAccess]
    filterset_class = filters.CompetencyFilter
    ordering_fields = ["id", "name", "category"]


@extend_schema_view(destroy=DELETE_SCHEMA)
class RoleProfileViewSet(ApiViewSetMixin, ProtectedDeleteMixin, viewsets.ModelViewSet):
    """Role profiles (Stellenprofile) with their requirements (catalogue)."""

    queryset = RoleProfile.objects.prefetch_related("requirements")
    serializer_class = RoleProfileSerializer
    permission_classes = [CatalogueAccess]
    ordering_fields = ["id", "name"]
    filterset_fields = ["name"]


class EmployeeViewSet(
    ApiViewSetMixin,
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

    def get_queryset(self):
        return visible_employees(self.request.user).prefetch_related("interest_set").order_by("name", "id")

    def perform_create(self, serializer):
        serializer.instance = _employee_save(Employee(**serializer.validated_data))

    def perform_update(self, serializer):
        employee = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(employee, name, value)
        serializer.instance = _employee_save(employee)


def _employee_save(employee):
    """The service's refusal (a leave that cannot end a later membership) as a 400 on its field."""
    try:
        return employee_save(employee=employee)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.message_dict) from None


@extend_schema_view(
    create=extend_schema(
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer, 403: OpenApiResponse(description="Source not allowed")},
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
        try:
            assessment = assessment_record(
                employee=employee,
                competency=data["competency"],
                level=data["level"],
                source=data["source"],
                assessed_on=data["assessed_on"],
                assessed_by=user,
                valid_until=data.get("valid_until"),
                note=data.get("note", ""),
            )
        except AssessmentInvalid as error:
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(error)]}) from None
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
