"""Read-side queries for teams: the tree, memberships, who leads whom, and the gap-analysis input."""

import datetime
from dataclasses import dataclass

import pandas as pd
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from competencies.models import Employee, RoleRequirement
from competencies.selectors import count_unconfirmed, effective_levels

from . import analysis, caching
from .models import Membership, Team, TeamRequirement
from .tree import TeamTree

# Beyond this many people, reading every name is cheaper than sending their ids (an organisation's gaps,
# the gap reports of every team).
NAMES_LOOKED_UP = 1000


def _today():
    return timezone.localdate()


def led_team_ids(user):
    """Ids of the teams ``user`` leads, with their subtrees; cached on the user for the request.

    One query: the whole tree, each team flagged when the user leads it directly."""
    cached = getattr(user, "_servicelead_led_team_ids", None)
    if cached is not None:
        return cached
    return _led_scope(user)[0]


def _led_scope(user, employee=None):
    """(led_team_ids(user), ids of the teams ``employee`` belongs to today, or None without one), in
    the one query that reads the tree; the scope is cached on the user as ``led_team_ids`` does."""
    scope, held = set(), None if employee is None else set()
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
            if member and member[0]:
                held.add(team_id)
    user._servicelead_led_team_ids = frozenset(scope)
    return user._servicelead_led_team_ids, held


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


def team_members_active(*, team, on=None):
    """Employees who are members of ``team`` on ``on``, ordered by id."""
    employee_ids = memberships_active(on=on).filter(team=team).values("employee_id")
    return Employee.objects.filter(pk__in=employee_ids).select_related("role_profile").order_by("id")


def employee_team_ids(*, employee, on=None):
    return set(memberships_active(on=on).filter(employee=employee).values_list("team_id", flat=True))


def led_employee_ids(user, on=None):
    """values() queryset of the employees active in the teams ``user`` leads (with subtrees)."""
    return memberships_active(on=on).filter(team_id__in=list(led_team_ids(user))).values("employee_id")


def user_leads_employee(user, employee):
    """True when ``user`` leads a team (or an ancestor department) the employee belongs to today.

    One query when the user's scope is not known yet: the tree read for it also flags the person's teams."""
    if getattr(user, "_servicelead_led_team_ids", None) is None:
        scope, held = _led_scope(user, employee)
        return bool(scope & held)
    scope = led_team_ids(user)
    return bool(scope) and bool(employee_team_ids(employee=employee) & scope)


def team_requirements(*, team):
    return TeamRequirement.objects.filter(team=team).select_related("competency__category")


def analysis_input(*, on, team_ids=None):
    """Everything the engine needs for ``team_ids`` (all teams when None), in four queries."""
    memberships = memberships_active(on=on)
    requirements = TeamRequirement.objects.all()
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=list(team_ids))
        requirements = requirements.filter(team_id__in=list(team_ids))
    # order_by() drops Membership's default ordering, whose columns would otherwise join teams and enter
    # the SELECT, defeating DISTINCT for overlapping memberships. The role profile comes along on the
    # employee join the active-membership rule makes anyway.
    rows = list(
        memberships.order_by().values_list("team_id", "employee_id", "employee__role_profile_id").distinct()
    )
    membership_frame = pd.DataFrame.from_records(
        [(team_id, employee_id) for team_id, employee_id, _profile in rows],
        columns=analysis.MEMBERSHIP_COLUMNS,
    ).astype("int64")
    without_role_profile = frozenset(employee_id for _team, employee_id, profile in rows if profile is None)
    requirement_frame = pd.DataFrame.from_records(
        list(requirements.values_list(*analysis.REQUIREMENT_COLUMNS)),
        columns=analysis.REQUIREMENT_COLUMNS,
    ).astype("int64")
    employee_filter = None if team_ids is None else memberships.order_by().values("employee_id")
    levels = effective_levels(on=on, employee_ids=employee_filter)[analysis.LEVEL_COLUMNS]
    # One filter() call, so the employee join is filtered and read once: a second filter() on this
    # multi-valued relation would add a second join and repeat every target per profile holder.
    if team_ids is None:
        targets = RoleRequirement.objects.filter(role_profile__employees__isnull=False)
    else:
        targets = RoleRequirement.objects.filter(role_profile__employees__in=employee_filter)
    target_frame = pd.DataFrame.from_records(
        list(targets.values_list("role_profile__employees", "competency_id", "target_level")),
        columns=analysis.ROLE_TARGET_COLUMNS,
    ).astype("int64")
    data = analysis.AnalysisInput(
        levels=levels,
        memberships=membership_frame,
        requirements=requirement_frame,
        role_targets=target_frame,
        without_role_profile=without_role_profile,
    )
    return data.counting(count_unconfirmed=count_unconfirmed())


@dataclass(frozen=True)
class OrganisationAnalysis:
    """The gap engine's requirement table over every team, with the memberships it was computed from."""

    table: pd.DataFrame
    memberships: pd.DataFrame


def organisation_analysis(*, on):
    """``analysis.requirement_table`` of every team on ``on``, with the memberships (OrganisationAnalysis).

    Reading every person's effective levels takes seconds on a large organisation; this is computed once
    per change of anything (teams.caching's ``all`` version) and shared by HR's home, the organisation
    overview and the plan exports, in whichever web process or worker asks first (beat warms it)."""
    # DataFrames are pickled as the installed pandas lays them out: a deployment with another pandas must
    # not read the entries of the one before.
    return caching.cached(
        "organisation-analysis",
        (on.isoformat(), pd.__version__),
        [caching.ALL],
        lambda: _organisation_analysis(on),
    )


def _organisation_analysis(on):
    data = analysis_input(on=on)
    return OrganisationAnalysis(table=analysis.requirement_table(data), memberships=data.memberships)
