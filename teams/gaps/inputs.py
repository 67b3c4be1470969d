"""What the gap engine reads: the analysis input of some teams (or all), and the organisation's engine.

Every query here returns plain frames or records by name (rows are read by field name, never by
position); the engine (``teams.gaps.engine``) never
touches the ORM."""

import datetime
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

import pandas as pd
from django.db import router
from django.db.models import BooleanField, ExpressionWrapper, Q, Value

from competencies.models import Employee, RoleRequirement
from competencies.permissions import visible_employees
from competencies.selectors import count_unconfirmed, effective_levels

from ..models import Team, TeamRequirement
from ..selectors import memberships_active
from . import cache, engine

# Beyond this many people, reading every name is cheaper than sending their ids (an organisation's gaps,
# the gap reports of every team).
NAMES_LOOKED_UP = 1000


def analysis_input(*, on: datetime.date, team_ids: Iterable[int] | None = None) -> engine.AnalysisInput:
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


def organisation_analysis(*, on: datetime.date) -> "OrganisationAnalysis":
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


def _organisation_analysis(on: datetime.date) -> OrganisationAnalysis:
    data = analysis_input(on=on)
    return OrganisationAnalysis(table=engine.requirement_table(data), memberships=data.memberships)


PEOPLE_FIELDS = ["id", "personnel_no", "name", "user_id", "is_active", "visible", "left_on"]
MEMBERSHIP_FIELDS = ["memberships__team_id", "memberships__start", "memberships__end"]


def dashboard_people(
    *,
    team: Team | None,
    window_start: datetime.date,
    window_end: datetime.date,
    viewer: Any,
    offer_join_candidates: bool,
) -> tuple[pd.DataFrame | None, Employee | None, list[dict[str, Any]] | None]:
    """One query for everyone the team dashboard names: the team's memberships overlapping the window
    (none asked for when ``team`` is None), ``viewer``'s own employee record, and with
    ``offer_join_candidates`` everyone ``viewer`` may see.

    Returns (memberships frame or None, own record or None, visible people as records or None). Asking
    for the viewer here spares the page's navigation and the what-if panel a query each."""
    conditions = []
    if team is not None:
        conditions.append(
            Q(memberships__team=team, memberships__start__lte=window_end)
            & (Q(memberships__end__isnull=True) | Q(memberships__end__gte=window_start))
        )
    if viewer is not None and viewer.is_authenticated:
        conditions.append(Q(user=viewer))
    visible = visible_employees(viewer).values("pk") if offer_join_candidates else None
    if visible is not None:
        conditions.append(Q(pk__in=visible))
    if not conditions:
        return None, None, None
    query = Employee.objects.filter(reduce(operator.or_, conditions)).order_by()
    if visible is not None:
        query = query.annotate(visible=ExpressionWrapper(Q(pk__in=visible), output_field=BooleanField()))
    else:
        query = query.annotate(visible=Value(False))
    rows: list[Any] = list(
        query.values_list(*PEOPLE_FIELDS, *(MEMBERSHIP_FIELDS if team is not None else []), named=True)
    )
    # Plain Python for the viewer's part: it is all that is read while the team's figures are cached.
    own = None
    if viewer is not None and viewer.is_authenticated:
        mine = next((row for row in rows if row.user_id == viewer.pk), None)
        if mine is not None:
            own = Employee.from_db(
                router.db_for_read(Employee),
                ["id", "personnel_no", "name", "user_id"],
                [mine.id, mine.personnel_no, mine.name, viewer.pk],
            )
    people = None
    if visible is not None:
        seen: dict[int, Any] = {}
        for row in rows:
            if row.visible and row.is_active:
                seen.setdefault(row.id, row)
        people = [
            {"id": row.id, "name": row.name, "personnel_no": row.personnel_no}
            for row in sorted(seen.values(), key=lambda row: (row.name, row.id))
        ]
    memberships = None
    if team is not None:
        frame = pd.DataFrame.from_records(
            [tuple(row) for row in rows],
            columns=[
                "employee_id",
                "personnel_no",
                "name",
                "user_id",
                "is_active",
                "visible",
                "left_on",
                "team_id",
                "start",
                "end",
            ],
        )
        # A membership ends at the latest on the day its person left (SPEC: no member after that day).
        ends = [
            left if not pd.isna(left) and (pd.isna(end) or end > left) else end
            for end, left in zip(frame["end"], frame["left_on"], strict=True)
        ]
        frame = frame.assign(end=ends)
        team_rows = frame[frame["team_id"] == team.pk]
        team_rows = team_rows[
            (team_rows["start"] <= window_end)
            & (team_rows["end"].isna() | (team_rows["end"] >= window_start))
        ]
        memberships = (
            team_rows[["team_id", "employee_id", "start", "end", "name", "personnel_no"]]
            .drop_duplicates()
            .astype({"team_id": "int64", "employee_id": "int64"})
            .reset_index(drop=True)
        )
    return memberships, own, people
