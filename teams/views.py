from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors
from .permissions import team_for_viewing


@login_required
def team_detail(request, team_id):
    team = team_for_viewing(request.user, team_id)
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "members": selectors.team_members_active(team=team),
            "requirements": selectors.team_requirements(team=team),
        },
    )
