from django.urls import path

from teams import api as teams_api

app_name = "api"

urlpatterns = [
    path("teams/<int:team_id>/gap-analysis/", teams_api.gap_analysis, name="team_gap_analysis"),
]
