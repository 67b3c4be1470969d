"""A loop in the team tree, brought in around the writers (which refuse one), answered as what it is.

Every walk of the tree raises ``TeamTreeLoop`` rather than running forever; a page or API call that
walks a loop answers 409 with the teams concerned and what to do, instead of a bare server error."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .models import Team
from .tree import TeamTreeLoop


class TeamTreeLoopMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TeamTreeLoop):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(exception)}, status=409)
        teams = Team.objects.filter(pk__in=exception.team_ids).order_by("name")
        return render(request, "teams/tree_loop.html", {"teams": teams}, status=409)
