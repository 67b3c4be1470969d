"""What the gap engine reads: the analysis input of some teams (or all), and the organisation's engine.

Every query here returns plain frames or records by name; the engine (``teams.gaps.engine``) never
touches the ORM."""

from dataclasses import dataclass

import pandas as pd

from competencies.models import RoleRequirement
from competencies.selectors import count_unconfirmed, effective_levels

from ..models import TeamRequirement
from ..selectors import memberships_active
from . import cache, engine

# Beyond this many people, reading every name is cheaper than sending their ids (an organisation's gaps,
# the gap reports of every team).
NAMES_LOOKED_UP = 1000


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
        columns=engine.MEMBERSHIP_COLUMNS,
    ).astype("int64")
    without_role_profile = frozenset(employee_id for _team, employee_id, profile in rows if profile is None)
    requirement_frame = pd.DataFrame.from_records(
        list(requirements.values_list(*engine.REQUIREMENT_COLUMNS)),
        columns=engine.REQUIREMENT_COLUMNS,
    ).astype("int64")
    employee_filter = None if team_ids is None else memberships.order_by().values("employee_id")
    levels = effective_levels(on=on, employee_ids=employee_filter)[engine.LEVEL_COLUMNS]
    # One filter() call, so the employee join is filtered and read once: a second filter() on this
    # multi-valued relation would add a second join and repeat every target per profile holder.
    if team_ids is None:
        targets = RoleRequirement.objects.filter(role_profile__employees__isnull=False)
    else:
        targets = RoleRequirement.objects.filter(role_profile__employees__in=employee_filter)
    target_frame = pd.DataFrame.from_records(
        list(targets.values_list("role_profile__employees", "competency_id", "target_level")),
        columns=engine.ROLE_TARGET_COLUMNS,
    ).astype("int64")
    data = engine.AnalysisInput(
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
    """``engine.requirement_table`` of every team on ``on``, with the memberships (OrganisationAnalysis).

    Reading every person's effective levels takes seconds on a large organisation; this is computed once
    per change of anything (teams.gaps.cache's ``all`` version) and shared by HR's home, the organisation
    overview and the plan exports, in whichever web process or worker asks first (beat warms it)."""
    # DataFrames are pickled as the installed pandas lays them out: a deployment with another pandas must
    # not read the entries of the one before.
    return cache.cached(
        "organisation-analysis",
        (on.isoformat(), pd.__version__),
        [cache.ALL],
        lambda: _organisation_analysis(on),
    )


def _organisation_analysis(on):
    data = analysis_input(on=on)
    return OrganisationAnalysis(table=engine.requirement_table(data), memberships=data.memberships)
