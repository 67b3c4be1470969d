"""REST endpoints of the teams app."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .permissions import team_for_levels
from .reports import gap_report

_ref = inline_serializer("Ref", {"id": serializers.IntegerField(), "name": serializers.CharField()})
GapAnalysisSerializer = inline_serializer(
    "GapAnalysis",
    {
        "team": _ref,
        "date": serializers.DateField(),
        "coverage": serializers.FloatField(),
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
                "role_fit": serializers.FloatField(),
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
    """A query-string date (YYYY-MM-DD); today when absent."""
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"date": _("Enter a date as YYYY-MM-DD, for example 2026-11-27.")}) from None


@extend_schema(
    parameters=[OpenApiParameter("date", datetime.date, description="Analysis date, default today")],
    responses=GapAnalysisSerializer,
)
@api_view(["GET"])
def gap_analysis(request, team_id):
    """Gap analysis of one team on a date, exactly as SPEC.md defines it."""
    team = team_for_levels(request.user, team_id)
    return Response(gap_report(team=team, on=parse_date(request.query_params.get("date"))))
