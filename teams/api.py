"""REST endpoints of the teams app.

Who may do what (SPEC.md): a team is visible to HR and admins, to its leads (and the leads of a
department above it) and to its members; memberships are individual data, visible as
``visible_employees`` says; team requirements are read by whoever sees the team and set by those who
may manage it; teams and memberships are changed by HR and admins."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response

from competencies.api import ApiViewSetMixin, HrWrites, ServiceWriteMixin
from competencies.audit import audit_record_view
from competencies.dates import parse_iso_date
from competencies.models import AuditEntry
from competencies.permissions import visible_employees
from competencies.roles import is_hr_or_admin

from . import filters, services
from .gaps import team as gaps_team
from .gaps.report import gap_report
from .models import Membership, Team, TeamRequirement
from .permissions import team_for_levels
from .selectors import led_team_ids, memberships_active
from .serializers import MembershipSerializer, TeamRequirementSerializer, TeamSerializer
from .tree import TeamTreeLoop

_ref = inline_serializer("Ref", {"id": serializers.IntegerField(), "name": serializers.CharField()})
GapAnalysisSerializer = inline_serializer(
    "GapAnalysis",
    {
        "team": _ref,
        "date": serializers.DateField(),
        "coverage": serializers.FloatField(
            help_text="A department's rolls up all requirements of its subtree, each with its team's members."
        ),
        "own_coverage": serializers.FloatField(
            required=False, help_text="Departments only: coverage of the department's own requirements."
        ),
        "subtree_teams": serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            help_text="Departments only: ids of the teams below it whose requirements the coverage rolls up.",
        ),
        "requirements": inline_serializer(
            "GapRequirement",
            {
                "competency": _ref,
                "required_level": serializers.IntegerField(),
                "min_people": serializers.IntegerField(),
                "weight": serializers.IntegerField(),
                "covered": serializers.IntegerField(),
                "shortfall": serializers.IntegerField(),
                "status": serializers.ChoiceField(choices=["gap", "single_point", "ok"]),
                "holders": serializers.ListField(child=serializers.IntegerField()),
                "near_holders": serializers.ListField(child=serializers.IntegerField()),
            },
            many=True,
        ),
        "members": inline_serializer(
            "GapMember",
            {
                "employee": inline_serializer(
                    "GapEmployee",
                    {
                        "id": serializers.IntegerField(),
                        "personnel_no": serializers.CharField(),
                        "name": serializers.CharField(),
                    },
                ),
                "role_fit": serializers.FloatField(allow_null=True, help_text="null: no role profile"),
                "gaps": inline_serializer(
                    "RoleGap",
                    {
                        "competency": serializers.IntegerField(),
                        "target": serializers.IntegerField(),
                        "level": serializers.IntegerField(),
                        "gap": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
            many=True,
        ),
    },
)


def parse_date(value):
    """A query-string date (YYYY-MM-DD); today when absent (an empty one is no date)."""
    if value is None:
        return timezone.localdate()
    try:
        return parse_iso_date(value)
    except ValueError:
        raise ValidationError({"date": [_("Enter a date as YYYY-MM-DD, for example 2026-11-27.")]}) from None


class TeamTreeConflict(APIException):
    """The team tree has a loop (brought in around the writers, which refuse one): 409 with the teams."""

    status_code = 409
    default_code = "team_tree_loop"


@extend_schema(
    parameters=[OpenApiParameter("date", datetime.date, description="Analysis date, default today")],
    responses={200: GapAnalysisSerializer, 409: OpenApiResponse(description="The team tree has a loop.")},
)
@api_view(["GET"])
def gap_analysis(request, team_id):
    """Gap analysis of one team on a date, exactly as SPEC.md defines it (409 on a team tree with a loop)."""
    try:
        team = team_for_levels(request.user, team_id)
        report = gap_report(team=team, on=parse_date(request.query_params.get("date")))
    except TeamTreeLoop as loop:
        raise TeamTreeConflict(str(loop)) from None
    # The members' role gaps are individual levels: recorded as the team dashboard's are.
    audit_record_view(
        actor=request.user,
        team=team,
        what=AuditEntry.Read.API,
        details={"path": request.get_full_path()[:300]},
    )
    return Response(report)


StaffingHintsSerializer = inline_serializer(
    "StaffingHint",
    {
        "competency": inline_serializer(
            "StaffingHintCompetency",
            {"id": serializers.IntegerField(), "name": serializers.CharField()},
        ),
        "required_level": serializers.IntegerField(),
        "min_people": serializers.IntegerField(),
        "covered": serializers.IntegerField(),
        "shortfall": serializers.IntegerField(),
        "candidates": inline_serializer(
            "StaffingHintCandidate",
            {
                "employee_id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "level": serializers.IntegerField(),
                "coverage_drop": serializers.FloatField(),
                "teams": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        ),
        "elsewhere": inline_serializer(
            "StaffingHintElsewhere",
            {
                "count": serializers.IntegerField(
                    allow_null=True, help_text="null: hidden under the privacy threshold"
                ),
                "threshold": serializers.IntegerField(),
            },
            allow_null=True,
        ),
    },
    many=True,
)


@extend_schema(
    parameters=[
        OpenApiParameter("date", datetime.date, description="Analysis date, default today"),
        OpenApiParameter("competency", int, description="Only the gap in this competency"),
    ],
    responses={200: StaffingHintsSerializer},
)
@api_view(["GET"])
def staffing_hints(request, team_id):
    """For each gap of the team: people outside it who hold the level and whom the caller may see, and —
    for callers who may not see everyone — how many others hold it, null under the privacy threshold
    (docs/domain.md). A filter or date that narrows the count below the threshold gets null, too."""
    team = team_for_levels(request.user, team_id)
    on = parse_date(request.query_params.get("date"))
    competency = request.query_params.get("competency")
    if competency is not None and not competency.isdigit():
        raise ValidationError({"competency": [_("Give a competency id (a whole number).")]})
    candidate_ids = (
        None
        if is_hr_or_admin(request.user)
        else set(visible_employees(request.user).values_list("id", flat=True))
    )
    hints = gaps_team.staffing_hints(
        team=team,
        on=on,
        candidate_ids=candidate_ids,
        competency_ids=None if competency is None else [int(competency)],
    )
    audit_record_view(
        actor=request.user,
        team=team,
        what=AuditEntry.Read.API,
        details={"path": request.get_full_path()[:300]},
    )
    return Response(
        [
            {
                key: hint[key]
                for key in ("competency", "required_level", "min_people", "covered", "shortfall", "elsewhere")
            }
            | {
                "competency": {"id": hint["competency"]["id"], "name": hint["competency"]["name"]},
                "candidates": [
                    {key: person[key] for key in ("employee_id", "name", "level", "coverage_drop", "teams")}
                    for person in hint["candidates"]
                ],
            }
            for hint in hints
        ]
    )


def teams_visible(user):
    """Teams ``user`` may see (the ``teams.view_team`` rule as a queryset): all for HR and admins, else
    the teams one leads (with their subtrees) and the teams one is a member of today."""
    if not user.is_authenticated:
        return Team.objects.none()
    if is_hr_or_admin(user):
        return Team.objects.all()
    member_of = memberships_active().filter(employee__user=user).values("team_id")
    return Team.objects.filter(Q(pk__in=list(led_team_ids(user))) | Q(pk__in=member_of))


class TeamViewSet(ApiViewSetMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Teams and departments the user may see (name, parent, leads: no individual levels)."""

    serializer_class = TeamSerializer
    permission_classes = [HrWrites]
    filterset_class = filters.TeamFilter
    ordering_fields = ["id", "name", "parent"]
    search_fields = ["name"]

    def write(self, instance: Team | None, data: Mapping[str, Any]) -> Team:
        return services.team_save(team=instance, fields=data)

    def remove(self, instance: Team) -> None:
        services.team_delete(team=instance)

    def get_queryset(self):
        leads = Prefetch("leads", queryset=get_user_model().objects.only("id"))
        return teams_visible(self.request.user).prefetch_related(leads).order_by("name")


class MembershipViewSet(ApiViewSetMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Memberships of the employees the user may see individually. HR and admins change them."""

    serializer_class = MembershipSerializer
    permission_classes = [HrWrites]
    filterset_class = filters.MembershipFilter
    ordering_fields = ["id", "start", "end", "team", "employee"]

    def write(self, instance: Membership | None, data: Mapping[str, Any]) -> Membership:
        return services.membership_save(membership=instance, fields=data)

    def remove(self, instance: Membership) -> None:
        services.membership_delete(membership=instance)

    def get_queryset(self):
        return Membership.objects.filter(employee__in=visible_employees(self.request.user)).order_by(
            "team_id", "start", "id"
        )


class TeamRequirementAccess(permissions.BasePermission):
    """Read: whoever may see the team. Write: ``teams.manage_team`` (its leads, HR, admins)."""

    message = gettext_lazy("Only the team's leads, HR and administrators may set its requirements.")

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or request.user.has_perm(
            "teams.manage_team", obj.team
        )


class TeamRequirementViewSet(ApiViewSetMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    """Requirements of the teams the user may see."""

    serializer_class = TeamRequirementSerializer
    permission_classes = [TeamRequirementAccess]
    filterset_class = filters.TeamRequirementFilter
    ordering_fields = ["id", "team", "competency", "required_level", "min_people", "weight"]

    def write(self, instance: TeamRequirement | None, data: Mapping[str, Any]) -> TeamRequirement:
        return services.team_requirement_save(requirement=instance, fields=data)

    def remove(self, instance: TeamRequirement) -> None:
        services.team_requirement_delete(requirement=instance)

    def get_queryset(self):
        return (
            TeamRequirement.objects.filter(team__in=teams_visible(self.request.user))
            .select_related("team")
            .order_by("team_id", "competency_id")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "teams": teams_visible(self.request.user)}

    def perform_create(self, serializer):
        if not self.request.user.has_perm("teams.manage_team", serializer.validated_data["team"]):
            raise PermissionDenied(TeamRequirementAccess.message)
        super().perform_create(serializer)
