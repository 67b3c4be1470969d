"""What teams tells competencies through its hooks (registered by ``register_competency_hooks``)."""

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy

from competencies.models import AuditEntry

from ..models import Campaign, MatrixColumns, Membership, Team, TeamRequirement
from ..selectors import memberships_active
from ..tree import TeamTree


def required_levels(*, employee_ids, on):
    """(employee_id, competency_id, required level, team name) for each requirement of a team the person
    is an active member of on ``on`` (one query)."""
    active = memberships_active(on=on).filter(employee_id__in=list(employee_ids))
    rows = (
        TeamRequirement.objects.filter(team__memberships__in=active)
        .order_by()
        .values_list("team__memberships__employee_id", "competency_id", "required_level", "team__name")
        .distinct()
    )
    return list(rows)


def leads(employee):
    """Users who lead a team the person belongs to today, or a department above it."""
    team_ids = set(memberships_active().filter(employee=employee).values_list("team_id", flat=True))
    if not team_ids:
        return []
    scope = TeamTree.load().ancestors(team_ids)
    return list(get_user_model().objects.filter(led_teams__in=scope).distinct().order_by("pk"))


def personal_data(employee):
    """The person's memberships, the campaigns they were asked to take part in (with when they submitted),
    the teams their login leads and the campaigns it opened, for the export."""
    memberships = (
        Membership.objects.filter(employee=employee)
        .select_related("team")
        .order_by("start", "id")
        .values_list("team__name", "start", "end")
    )
    team_ids = Membership.objects.filter(employee=employee).values("team_id")
    first_submission = (
        AuditEntry.objects.filter(
            employee=employee,
            action=AuditEntry.Action.SELF_SUBMITTED,
            created_at__date__gte=OuterRef("opens_on"),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    campaigns = (
        Campaign.objects.filter(teams__in=team_ids)
        .distinct()
        .annotate(submitted_at=Subquery(first_submission))
        .order_by("opens_on", "id")
        .values_list("name", "opens_on", "deadline", "submitted_at")
    )
    user_id = employee.user_id
    led = (
        Team.objects.filter(leads=user_id).order_by("name").values_list("name", flat=True) if user_id else []
    )
    opened = (
        Campaign.objects.filter(created_by=user_id)
        .order_by("created_at", "id")
        .values_list("name", "created_at")
        if user_id
        else []
    )
    return {
        "memberships": [{"team": team, "start": start, "end": end} for team, start, end in memberships],
        "campaigns": [
            {"campaign": name, "opens_on": opens_on, "deadline": deadline, "submitted_at": submitted_at}
            for name, opens_on, deadline, submitted_at in campaigns
        ],
        "teams_led": [{"team": name} for name in led],
        "campaigns_opened": [{"campaign": name, "opened_at": created} for name, created in opened],
        "matrix_columns": _matrix_columns(user_id),
    }


def _matrix_columns(user_id):
    """The matrix columns the person's login picked, per team (teams.matrix)."""
    if not user_id:
        return []
    rows = MatrixColumns.objects.filter(user=user_id).select_related("team").prefetch_related("competencies")
    return [
        {"team": row.team.name, "competencies": sorted(c.name for c in row.competencies.all())}
        for row in rows.order_by("team__name", "id")
    ]


def anonymise(employee):
    """A person who has left leads no team any more. Memberships stay: without names they are the anonymous
    statistics the team's history is made of."""
    if employee.user_id is not None:
        employee.user.led_teams.clear()
        MatrixColumns.objects.filter(user_id=employee.user_id).delete()


# See competencies.hooks.register_privacy_coverage.
PRIVACY_COVERAGE = {
    "teams.Membership.employee": {
        "sections": ("memberships", "campaigns"),
        "anonymised": gettext_lazy(
            "kept: which anonymous person belonged to which team when (team statistics)"
        ),
    },
    "teams.MatrixColumns.user": {"sections": ("matrix_columns",), "anonymised": gettext_lazy("deleted")},
    "teams.Team.leads": {
        "sections": ("teams_led",),
        "anonymised": gettext_lazy("removed from the leads of every team"),
    },
    "teams.Campaign.created_by": {
        "sections": ("campaigns_opened",),
        "anonymised": gettext_lazy("kept: a campaign belongs to its teams; opened by the anonymised login"),
    },
    "teams.StaffingRequest.requested_by": {
        "sections": (),
        "anonymised": gettext_lazy(
            "kept: a staffing request belongs to its team; sent by the anonymised login"
        ),
    },
    "teams.StaffingRequestEvent.actor": {
        "sections": (),
        "anonymised": gettext_lazy(
            "kept: the answer belongs to the team's request; written by the anonymised login"
        ),
    },
}
