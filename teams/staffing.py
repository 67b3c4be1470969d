"""Staffing requests (docs/gap-analysis.md "Staffing hints"): a lead who may not see people outside the
team learns only how many hold a level elsewhere (under the privacy threshold) and asks; the request
reaches those who may see names — the leads of the nearest department above the team that has leads, or HR
when there is none — who answer. Services write (validated first, in a transaction, events appended);
selectors read."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from competencies.models import Competency
from competencies.roles import is_hr_or_admin

from .models import StaffingRequest, StaffingRequestEvent, Team, TeamRequirement
from .selectors import led_team_ids
from .tree import TeamTree


def recipient_department(team: Team) -> Team | None:
    """The nearest team above ``team`` that has leads (its head), or None: then HR answers."""
    tree = TeamTree.load()
    parent = tree.parent(team.pk)
    with_leads = set(
        Team.leads.through.objects.filter(team_id__in=tree.ancestors([team.pk])).values_list(
            "team_id", flat=True
        )
    )
    while parent is not None:
        if parent in with_leads:
            return Team.objects.get(pk=parent)
        parent = tree.parent(parent)
    return None


def may_answer(user: Any, request: StaffingRequest) -> bool:
    """Leads of the department the request is addressed to (or of one above it); HR and admins always."""
    if is_hr_or_admin(user):
        return True
    return request.addressed_to_id is not None and request.addressed_to_id in led_team_ids(user)


def may_read(user: Any, request: StaffingRequest) -> bool:
    return may_answer(user, request) or request.team_id in led_team_ids(user)


def request_for_user(user: Any, pk: int) -> StaffingRequest:
    """The request if ``user`` sent it (a lead of its team) or may answer it; PermissionDenied else."""
    request = (
        StaffingRequest.objects.select_related("team", "competency", "addressed_to", "requested_by")
        .prefetch_related("events__actor")
        .filter(pk=pk)
        .first()
    )
    if request is None or not may_read(user, request):
        raise PermissionDenied
    return request


def status_of(request: StaffingRequest) -> str:
    kinds = {event.kind for event in request.events.all()}
    if StaffingRequestEvent.Kind.CLOSED in kinds:
        return "closed"
    if StaffingRequestEvent.Kind.ANSWERED in kinds:
        return "answered"
    return "open"


def staffing_request_send(
    *, user: Any, team: Team, competency_id: int, required_level: int, message: str = ""
) -> StaffingRequest:
    """Send a request for ``team``'s gap. Refused with a message: a competency the team does not require
    at that level (nobody could see it in the hints), or a request for the same already open."""
    if not user.has_perm("teams.manage_team", team):
        raise PermissionDenied
    if not TeamRequirement.objects.filter(
        team=team, competency_id=competency_id, required_level=required_level
    ).exists():
        name = Competency.objects.filter(pk=competency_id).values_list("name", flat=True).first()
        raise ValidationError(
            _("%(team)s does not require %(competency)s at level %(level)s; only a gap can be asked about.")
            % {"team": team.name, "competency": name or f"#{competency_id}", "level": required_level}
        )
    closed = StaffingRequestEvent.objects.filter(
        request=OuterRef("pk"), kind=StaffingRequestEvent.Kind.CLOSED
    )
    open_one = (
        StaffingRequest.objects.filter(team=team, competency_id=competency_id, required_level=required_level)
        .filter(~Exists(closed))
        .first()
    )
    if open_one is not None:
        raise ValidationError(
            _("A request for this was already sent on %(date)s and is not closed yet.")
            % {"date": open_one.created_at.date().isoformat()}
        )
    with transaction.atomic():
        return StaffingRequest.objects.create(
            team=team,
            competency_id=competency_id,
            required_level=required_level,
            message=message.strip(),
            requested_by=user,
            addressed_to=recipient_department(team),
        )


def staffing_request_answer(*, user: Any, request: StaffingRequest, text: str) -> StaffingRequestEvent:
    if not may_answer(user, request):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError(_("Write an answer: who could help, or why no one can."))
    with transaction.atomic():
        locked = StaffingRequest.objects.select_for_update().get(pk=request.pk)
        done = locked.events.filter(
            kind__in=[StaffingRequestEvent.Kind.ANSWERED, StaffingRequestEvent.Kind.CLOSED]
        )
        if done.exists():
            raise ValidationError(_("This request has already been answered; the answer stands."))
        return StaffingRequestEvent.objects.create(
            request=locked, kind=StaffingRequestEvent.Kind.ANSWERED, text=text, actor=user
        )


def staffing_request_close(*, user: Any, request: StaffingRequest) -> StaffingRequestEvent:
    """The requesting lead has read the answer (or no longer needs one): off their to-dos."""
    if request.team_id not in led_team_ids(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = StaffingRequest.objects.select_for_update().get(pk=request.pk)
        if locked.events.filter(kind=StaffingRequestEvent.Kind.CLOSED).exists():
            raise ValidationError(_("This request is already closed."))
        return StaffingRequestEvent.objects.create(
            request=locked, kind=StaffingRequestEvent.Kind.CLOSED, actor=user
        )


def _annotated() -> QuerySet[StaffingRequest]:
    events = StaffingRequestEvent.objects.filter(request=OuterRef("pk"))
    return StaffingRequest.objects.select_related("team", "competency", "addressed_to").annotate(
        answered=Exists(events.filter(kind=StaffingRequestEvent.Kind.ANSWERED)),
        closed=Exists(events.filter(kind=StaffingRequestEvent.Kind.CLOSED)),
    )


def requests_of(user: Any) -> dict[str, list[StaffingRequest]]:
    """The requests page: those sent for the teams ``user`` leads, and those ``user`` may answer."""
    sent = _annotated().filter(team_id__in=list(led_team_ids(user)))
    received = _annotated()
    if not is_hr_or_admin(user):
        received = received.filter(addressed_to_id__in=list(led_team_ids(user)))
    return {
        "sent": list(sent.order_by("-created_at", "-id")[:200]),
        "received": list(received.order_by("-created_at", "-id")[:200]),
    }
