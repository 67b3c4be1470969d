"""What teams tells competencies through its hooks (registered by ``register_competency_hooks``)."""

from django.contrib.auth import get_user_model

from ..models import Campaign, Membership, TeamRequirement
from ..selectors import memberships_active, team_tree


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
    tree = team_tree()
    parents = {child: parent for parent, children in tree.items() for child in children}
    scope = set()
    for team_id in team_ids:
        current = team_id
        while current is not None and current not in scope:
            scope.add(current)
            current = parents.get(current)
    return list(get_user_model().objects.filter(led_teams__in=scope).distinct().order_by("pk"))


def personal_data(employee):
    """The person's memberships and the campaigns they were asked to take part in, for the export."""
    memberships = (
        Membership.objects.filter(employee=employee)
        .select_related("team")
        .order_by("start", "id")
        .values_list("team__name", "start", "end")
    )
    team_ids = Membership.objects.filter(employee=employee).values("team_id")
    campaigns = (
        Campaign.objects.filter(teams__in=team_ids)
        .distinct()
        .order_by("opens_on", "id")
        .values_list("name", "opens_on", "deadline")
    )
    return {
        "memberships": [{"team": team, "start": start, "end": end} for team, start, end in memberships],
        "campaigns": [
            {"campaign": name, "opens_on": opens_on, "deadline": deadline}
            for name, opens_on, deadline in campaigns
        ],
    }
