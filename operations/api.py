"""API of service operations: a team's system coverage and duty strip, as the pages show them."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from competencies.dates import parse_iso_date
from teams.permissions import team_for_levels

from . import selectors


def _date(request):
    text = request.query_params.get("date")
    if text is None:
        return timezone.localdate()
    try:
        return parse_iso_date(text)
    except ValueError as error:
        raise ValidationError({"date": [str(error)]}) from None


@extend_schema(
    parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD, default today")],
    responses={200: dict},
)
@api_view(["GET"])
def team_systems(request, team_id):
    """Per technical system of the team: who can serve it, units, units per server, status; and risks."""
    team = team_for_levels(request.user, team_id)
    on = _date(request)
    result = selectors.team_system_coverage(team=team, on=on)
    # The risks are the same row objects as the systems: convert each once.
    for row in result["systems"]:
        for key in ("launch_date", "end_of_life"):
            row[key] = row[key].isoformat() if row[key] else None
        row.pop("forecast_units", None)
    return Response(result)


@extend_schema(
    parameters=[OpenApiParameter("date", str, description="First day, YYYY-MM-DD, default today")],
    responses={200: dict},
)
@api_view(["GET"])
def team_duty(request, team_id):
    """Duty coverage per day for eight weeks from ``date``: status and the competencies short that day."""
    team = team_for_levels(request.user, team_id)
    result = selectors.team_duty(team=team, first=_date(request))
    days = [{"date": d["on"].isoformat(), "status": d["status"], "short": d["short"]} for d in result["days"]]
    return Response({"team": result["team"], "days": days})
