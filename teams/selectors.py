"""Read-side queries for teams: memberships, who leads whom, requirements (the gap analysis: teams.gaps)."""

import datetime
from typing import Any, overload

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from competencies.models import Employee
from competencies.viewer import viewer_of

from .models import Campaign, Membership, Team, TeamRequirement
from .tree import TeamTree


def _today() -> datetime.date:
    return timezone.localdate()


def led_team_ids(user: Any) -> frozenset[int]:
    """Ids of the teams ``user`` leads, with their subtrees; kept by the request's viewer.

    One query: the whole tree, each team flagged when the user leads it directly."""
    cached = viewer_of(user).led_team_ids
    if cached is not None:
        return cached
    return _led_scope(user)[0]


@overload
def _led_scope(user: Any) -> tuple[frozenset[int], None]: ...
@overload
def _led_scope(user: Any, employee: Employee) -> tuple[frozenset[int], set[int]]: ...
def _led_scope(user: Any, employee: Employee | None = None) -> tuple[frozenset[int], set[int] | None]:
    """(led_team_ids(user), ids of the teams ``employee`` belongs to today, or None without one), in
    the one query that reads the tree; the scope is kept by the request's viewer as ``led_team_ids`` does."""
    scope: set[int] = set()
    held: set[int] | None = None if employee is None else set()
    if user.is_authenticated:
        leads = Team.leads.through.objects.filter(team_id=OuterRef("pk"), user_id=user.pk)
        flags = {"led": Exists(leads)}
        if employee is not None:
            held_by = memberships_active().filter(team_id=OuterRef("pk"), employee_id=employee.pk)
            flags["held"] = Exists(held_by)
        tree = TeamTree.load(fields=list(flags), annotations=flags)
        for team_id, (led, *member) in tree.extra.items():
            if led:
                scope.update(tree.subtree(team_id))
            if member and member[0] and held is not None:
                held.add(team_id)
    return viewer_of(user).know_led_team_ids(scope), held


def membership_active_q(on: datetime.date, *, via: str = "") -> Q:
    """SPEC's active membership on ``on`` as a filter: started, not ended, and its person has not left
    before ``on``. ``via`` is the path from the queried model to the membership (``"memberships__"``)."""
    return (
        Q(**{f"{via}start__lte": on})
        & (Q(**{f"{via}end__isnull": True}) | Q(**{f"{via}end__gte": on}))
        & (Q(**{f"{via}employee__left_on__isnull": True}) | Q(**{f"{via}employee__left_on__gte": on}))
    )


def memberships_active(*, on: datetime.date | None = None) -> QuerySet[Membership]:
    """Memberships active on ``on`` (today by default), see ``membership_active_q``."""
    return Membership.objects.filter(membership_active_q(on or _today()))


def team_members_active(*, team: Team, on: datetime.date | None = None) -> QuerySet[Employee]:
    """Employees who are members of ``team`` on ``on``, ordered by id."""
    employee_ids = memberships_active(on=on).filter(team=team).values("employee_id")
    return Employee.objects.filter(pk__in=employee_ids).select_related("role_profile").order_by("id")


def employee_team_ids(*, employee: Employee, on: datetime.date | None = None) -> set[int]:
    return set(memberships_active(on=on).filter(employee=employee).values_list("team_id", flat=True))


def employee_team_names(*, employee_ids: list[int], on: datetime.date) -> dict[int, list[str]]:
    """``{employee_id: [name of each team they are a member of on ``on``]}`` (chunked, one query each)."""
    names: dict[int, list[str]] = {}
    ids = sorted(set(employee_ids))
    for start in range(0, len(ids), 5_000):
        rows = (
            memberships_active(on=on)
            .filter(employee_id__in=ids[start : start + 5_000])
            .order_by("team__name")
            .values_list("employee_id", "team__name")
            .distinct()
        )
        for employee_id, team_name in rows:
            names.setdefault(employee_id, []).append(team_name)
    return names


def employee_membership_periods(*, employee_id: int) -> list[tuple[int, datetime.date, datetime.date | None]]:
    """Every membership of the person, current and past: (team id, start, end or None)."""
    return list(Membership.objects.filter(employee_id=employee_id).values_list("team_id", "start", "end"))


def led_employee_ids(user: Any, on: datetime.date | None = None) -> QuerySet[Membership, Any]:
    """values() queryset of the employees active in the teams ``user`` leads (with subtrees)."""
    return memberships_active(on=on).filter(team_id__in=list(led_team_ids(user))).values("employee_id")


def user_leads_employee(user: Any, employee: Employee) -> bool:
    """True when ``user`` leads a team (or an ancestor department) the employee belongs to today.

    One query when the user's scope is not known yet: the tree read for it also flags the person's teams."""
    if viewer_of(user).led_team_ids is None:
        scope, held = _led_scope(user, employee)
        return bool(scope & held)
    scope = led_team_ids(user)
    return bool(scope) and bool(employee_team_ids(employee=employee) & scope)


def team_requirements(*, team: Team) -> QuerySet[TeamRequirement]:
    return TeamRequirement.objects.filter(team=team).select_related("competency__category")


def team_has_children(*, team: Team) -> bool:
    """Whether teams sit below ``team`` (it is a department): one query."""
    return Team.objects.filter(parent_id=team.pk).exists()


def closing_signals(*, employee_ids: list[int]) -> dict[str, Any]:
    """What tells who is closest to closing a gap, for ``employee_ids``; three queries whatever their number:

    - ``pending``: (employee, competency) → level of the self-assessment that waits for the lead's decision
      (the review queue's rule: the latest self-assessment recorded after any confirmation);
    - ``planned``: pairs with an open item in an agreed or running plan (through the projection hook);
    - ``interests``: pairs the person said they want to grow in."""
    from competencies.models import Assessment, Interest

    from . import hooks
    from .review.selectors import _latest_self_ids

    if not employee_ids:
        return {"pending": {}, "planned": set(), "interests": set()}
    pending = {
        (employee_id, competency_id): level
        for employee_id, competency_id, level in Assessment.objects.filter(
            pk__in=_latest_self_ids(employee_ids, undecided=True)
        ).values_list("employee_id", "competency_id", "level")
    }
    projected = hooks.projected_levels(employee_ids=employee_ids, until=datetime.date.max)
    planned = {
        (int(e), int(c))
        for e, c in zip(projected["employee_id"].tolist(), projected["competency_id"].tolist(), strict=True)
    }
    interests = set(
        Interest.objects.filter(employee_id__in=employee_ids).values_list("employee_id", "competency_id")
    )
    return {"pending": pending, "planned": planned, "interests": interests}


def team_campaign_events(*, team_id: int, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """The assessment campaigns of the team that opened between ``start`` and ``end``, oldest first, as
    events for the dashboard's trend ({"on", "name"}; one query)."""
    return [
        {"on": opens_on, "name": name}
        for name, opens_on in Campaign.objects.filter(teams=team_id, opens_on__range=(start, end))
        .order_by("opens_on", "id")
        .values_list("name", "opens_on")
    ]
