"""Reads for service operations: plain frames for the gap engine (teams.gaps.service) and page records."""

import datetime
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd
from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competencies.models import Competency, Employee
from teams.gaps import engine
from teams.gaps import service as gap_service
from teams.gaps import team as gaps_team
from teams.gaps.inputs import analysis_input
from teams.models import Team, TeamRequirement

from .models import DutyEntry, InstalledBase, Region, System, SystemNeed, Ticket, TicketNeed


def systems_with_needs():
    """Every system with its parent and needs (competency names), two queries."""
    needs = SystemNeed.objects.select_related("competency").order_by("competency__name")
    return (
        System.objects.select_related("parent")
        .prefetch_related(Prefetch("needs", queryset=needs))
        .annotate(installed_teams=Count("installed_base__team", distinct=True))
        .order_by("name")
    )


def system_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(needs including ancestors', systems with launch and end-of-life dates), two queries."""
    systems = list(System.objects.values_list("id", "parent_id", "launch_date", "end_of_life"))
    parents = {system_id: parent_id for system_id, parent_id, _launch, _end in systems}
    needs = pd.DataFrame.from_records(
        list(SystemNeed.objects.values_list("system_id", "competency_id", "required_level")),
        columns=gap_service.NEED_COLUMNS,
    )
    frame = pd.DataFrame.from_records(
        [(s, launch, end) for s, _p, launch, end in systems], columns=gap_service.SYSTEM_COLUMNS
    )
    return gap_service.needs_with_ancestors(needs, parents), frame


def installed_frame(*, team_ids: Iterable[int]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        list(
            InstalledBase.objects.filter(team_id__in=list(team_ids)).values_list(
                "team_id", "system_id", "on", "units"
            )
        ),
        columns=gap_service.INSTALLED_COLUMNS,
    )


def team_system_coverage(*, team: Team, on: datetime.date, forecast_on: datetime.date | None = None) -> dict:
    """Per system installed in (or needed by) ``team``: who can serve it, units, units per server,
    status, and the units on ``forecast_on`` (end of life and launches applied). Eight queries."""
    data = analysis_input(on=on, team_ids=[team.pk])
    needs, systems = system_frames()
    installed = installed_frame(team_ids=[team.pk])
    units = gap_service.installed_units(installed, systems, on=on, forecast=False)
    # Systems counted only for a later date (a launch) are listed too, with no units today.
    planned = installed["system_id"].drop_duplicates().tolist()
    table = gap_service.system_table(data, needs, units, team_ids=[team.pk], system_ids=planned)
    forecast = {}
    later = None
    if forecast_on is not None:
        later = gap_service.installed_units(installed, systems, on=forecast_on)
        forecast = {int(s): int(u) for s, u in zip(later["system_id"], later["units"], strict=True)}
    need_rows = _need_rows(data, needs, units, later, team_id=team.pk)
    ids = set(table["system_id"].tolist())
    details = {
        s["id"]: s
        for s in System.objects.filter(pk__in=ids).values(
            "id", "name", "manufacturer", "generation", "launch_date", "end_of_life"
        )
    }
    people = set(engine.team_members(data, team.pk))
    person_names = dict(Employee.objects.filter(pk__in=people).values_list("id", "name"))
    rows = []
    for row in table.itertuples(index=False):
        system_id = int(row.system_id)
        rows.append(
            {
                "system": {"id": system_id, "name": details.get(system_id, {}).get("name", "")},
                "manufacturer": details.get(system_id, {}).get("manufacturer", ""),
                "generation": details.get(system_id, {}).get("generation", ""),
                "launch_date": details.get(system_id, {}).get("launch_date"),
                "end_of_life": details.get(system_id, {}).get("end_of_life"),
                "units": int(row.units),
                "forecast_units": forecast.get(system_id, int(row.units)) if forecast_on else None,
                "served_by": int(row.served_by),
                # By name: a list of people is never in an order that could read as a ranking.
                "servers": sorted(
                    ({"id": e, "name": person_names.get(e, "")} for e in row.servers),
                    key=lambda person: (person["name"], person["id"]),
                ),
                "units_per_server": None
                if pd.isna(row.units_per_server)
                else round(float(row.units_per_server), 1),
                "status": row.status,
            }
        )
    rows.sort(key=lambda r: (r["system"]["name"], r["system"]["id"]))
    risks = sorted(
        (r for r in rows if r["status"] != gap_service.STATUS_OK and r["units"] > 0),
        key=lambda r: (-r["units"], r["system"]["name"]),
    )
    return {
        "team": {"id": team.pk, "name": team.name},
        "date": on.isoformat(),
        "systems": rows,
        "risks": risks,
        "needs": need_rows,
    }


def _need_rows(
    data: engine.AnalysisInput,
    needs: pd.DataFrame,
    units: pd.DataFrame,
    later: pd.DataFrame | None,
    *,
    team_id: int,
) -> list[dict]:
    """Per (competency, level) the systems need: units now and at the forecast date, and how many members
    hold the level (the engine's requirement table, one requirement per pair)."""
    frame = gap_service.competency_need(units, needs).rename(columns={"units": "units_now"})
    if later is not None:
        ahead = gap_service.competency_need(later, needs).rename(columns={"units": "units_later"})
        frame = frame.merge(ahead, on=["team_id", "competency_id", "required_level"], how="outer")
    else:
        frame = frame.assign(units_later=frame["units_now"])
    frame = frame.fillna(0)
    frame = frame[frame["team_id"] == team_id].astype("int64")
    if frame.empty:
        return []
    holders = {}
    # One engine run per level: the engine holds one requirement per (team, competency).
    for level, part in frame.groupby("required_level"):
        requirements = part[["team_id", "competency_id", "required_level"]].assign(min_people=1, weight=1)
        table = engine.requirement_table(replace(data, requirements=requirements[engine.REQUIREMENT_COLUMNS]))
        holders.update(
            {
                (int(c), int(level)): int(n)
                for c, n in zip(table["competency_id"], table["covered"], strict=True)
            }
        )
    names = dict(Competency.objects.filter(pk__in=frame["competency_id"].tolist()).values_list("id", "name"))
    rows = [
        {
            "competency": names.get(int(r.competency_id), ""),
            "level": int(r.required_level),
            "units_now": int(r.units_now),
            "units_later": int(r.units_later),
            "holders": holders.get((int(r.competency_id), int(r.required_level)), 0),
        }
        for r in frame.itertuples(index=False)
    ]
    return sorted(rows, key=lambda r: (-max(r["units_now"], r["units_later"]), r["competency"], r["level"]))


# --- Demand ----------------------------------------------------------------------------------------------


def hours_per_person() -> float:
    return float(getattr(settings, "SERVICELEAD_SERVICE_HOURS_PER_PERSON", 1000))


def ticket_work(
    *, team_ids: Iterable[int] | None, since: datetime.date, until: datetime.date
) -> pd.DataFrame:
    """Work per (team, system, competency, level) of the tickets dated in [since, until]
    (teams.gaps.service.ticket_work), from two grouped queries: the database sums, not Python."""
    tickets = Ticket.objects.filter(on__gte=since, on__lte=until)
    tags = TicketNeed.objects.filter(ticket__on__gte=since, ticket__on__lte=until)
    if team_ids is not None:
        tickets = tickets.filter(team_id__in=list(team_ids))
        tags = tags.filter(ticket__team_id__in=list(team_ids))
    outside = Count("id", filter=Q(outside_hours=True))
    system_work = pd.DataFrame.from_records(
        list(
            tickets.order_by()
            .values_list("team_id", "system_id")
            .annotate(jobs=Count("id"), hours=Sum("duration"), outside=outside)
        ),
        columns=gap_service.SYSTEM_WORK_COLUMNS,
    )
    tag_work = pd.DataFrame.from_records(
        list(
            tags.order_by()
            .values_list("ticket__team_id", "ticket__system_id", "competency_id", "required_level")
            .annotate(
                jobs=Count("id"),
                hours=Sum("ticket__duration"),
                outside=Count("id", filter=Q(ticket__outside_hours=True)),
            )
        ),
        columns=gap_service.WORK_COLUMNS,
    )
    for frame in (system_work, tag_work):
        frame["system_id"] = frame["system_id"].fillna(0).astype("int64")
    needs, _systems = system_frames()
    return gap_service.ticket_work(system_work, tag_work, needs)


def year_before(on: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for 29 February)."""
    return on.replace(year=on.year - 1, day=min(on.day, 28) if on.month == 2 else on.day)


def team_suggestions(*, team: Team, on: datetime.date) -> list[dict]:
    """Suggested requirements of ``team`` from the last 12 months of tickets, each with its sentence."""
    since = year_before(on) + datetime.timedelta(days=1)
    work = ticket_work(team_ids=[team.pk], since=since, until=on)
    requirements = pd.DataFrame.from_records(
        list(TeamRequirement.objects.filter(team=team).values_list(*engine.REQUIREMENT_COLUMNS)),
        columns=engine.REQUIREMENT_COLUMNS,
    )
    found = gap_service.demand_suggestions(work, requirements, hours_per_person=hours_per_person())
    return suggestion_records(found)


def explanation(*, jobs: int, system: str, other_systems: int, outside: int, people: int, level: int) -> str:
    """ "412 jobs on Heat pump X in 12 months, 9 % outside office hours → 3 people at level 3"."""
    if system and other_systems > 0:
        where = ngettext(
            "%(system)s and %(count)s other system", "%(system)s and %(count)s other systems", other_systems
        ) % {"system": system, "count": other_systems}
    else:
        where = system or _("no particular system")
    work = ngettext("%(count)s job on %(where)s", "%(count)s jobs on %(where)s", jobs) % {
        "count": jobs,
        "where": where,
    }
    staff = ngettext("%(count)s person at level %(level)s", "%(count)s people at level %(level)s", people) % {
        "count": people,
        "level": level,
    }
    return _("%(work)s in 12 months, %(outside)s %% outside office hours → %(staff)s") % {
        "work": work,
        "outside": outside,
        "staff": staff,
    }


def suggestion_records(found: pd.DataFrame) -> list[dict]:
    competencies = dict(
        Competency.objects.filter(pk__in=found["competency_id"].tolist()).values_list("id", "name")
    )
    systems = dict(System.objects.filter(pk__in=found["system_id"].tolist()).values_list("id", "name"))
    return [
        {
            "team_id": int(r.team_id),
            "competency": {"id": int(r.competency_id), "name": competencies.get(int(r.competency_id), "")},
            "required_level": int(r.required_level),
            "min_people": int(r.min_people),
            "weight": int(r.weight),
            "jobs": int(r.jobs),
            "hours": float(r.hours),
            "outside_percent": round(float(r.outside_share) * 100),
            "system": systems.get(int(r.system_id), ""),
            "explanation": explanation(
                jobs=int(r.jobs),
                system=systems.get(int(r.system_id), ""),
                other_systems=int(r.systems) - 1,
                outside=round(float(r.outside_share) * 100),
                people=int(r.min_people),
                level=int(r.required_level),
            ),
        }
        for r in found.itertuples(index=False)
    ]


# --- Duty ------------------------------------------------------------------------------------------------


def duty_ranges(*, employee_ids: Iterable[int], first: datetime.date, last: datetime.date):
    """(absent, on_duty or None): inclusive ranges overlapping [first, last]; on_duty is None when none of
    the people has a roster entry there (then everyone not absent is on duty). One query."""
    rows = list(
        DutyEntry.objects.filter(
            employee_id__in=list(employee_ids), start__lte=last, end__gte=first
        ).values_list("employee_id", "kind", "start", "end")
    )
    absent = pd.DataFrame(
        [(e, s, t) for e, k, s, t in rows if k == DutyEntry.ABSENT], columns=gap_service.RANGE_COLUMNS
    )
    duty = [(e, s, t) for e, k, s, t in rows if k != DutyEntry.ABSENT]
    return absent, (pd.DataFrame(duty, columns=gap_service.RANGE_COLUMNS) if duty else None)


def team_duty(
    *,
    team: Team,
    first: datetime.date,
    days: int = gap_service.DUTY_DAYS,
    planned_absences: Iterable[tuple[int, datetime.date, datetime.date]] = (),
    changes: dict | None = None,
) -> dict:
    """The team's duty coverage for ``days`` days from ``first``: one record per day, the days short, the
    days by week, and the requirements the team misses even with everyone present (``missing``). The days
    are judged on the requirements the team meets with everyone present: what it already misses is a gap
    of the dashboard on every day, and would hide the days the holiday plan makes short.

    ``planned_absences`` (employee id, start, end) are a what-if: counted as absences, written nowhere;
    so are ``changes`` (the what-if's join, leave and raise_levels, teams.gaps.team.what_if_input): the days
    are then judged for the changed team, on the requirements the team as it is meets."""
    dates = [first + datetime.timedelta(days=i) for i in range(days)]
    if changes:
        data, changed = gaps_team.what_if_input(team=team, on=first, **changes)
    else:
        data = changed = analysis_input(on=first, team_ids=[team.pk])
    everyone = engine.requirement_table(data)
    missing_ids = everyone.loc[everyone["status"] == engine.STATUS_GAP, "competency_id"].astype(int).tolist()
    met = changed.requirements[~changed.requirements["competency_id"].isin(missing_ids)]
    members = engine.team_members(changed, team.pk)
    absent, on_duty = duty_ranges(employee_ids=members, first=dates[0], last=dates[-1])
    planned = pd.DataFrame(list(planned_absences), columns=gap_service.RANGE_COLUMNS)
    if not planned.empty:
        absent = pd.concat([absent, planned], ignore_index=True)
    table = gap_service.duty_table(
        replace(changed, requirements=met), team_id=team.pk, days=dates, absent=absent, on_duty=on_duty
    )
    strip = gap_service.duty_days(table, dates)
    wanted = {c for day in strip for c in day["short"]} | set(missing_ids)
    names = dict(Competency.objects.filter(pk__in=wanted).values_list("id", "name")) if wanted else {}
    for day in strip:
        day["short_names"] = [names.get(c, "") for c in day["short"]]
    return {
        "team": {"id": team.pk, "name": team.name},
        "days": strip,
        "weeks": [strip[i : i + 7] for i in range(0, len(strip), 7)],
        "short_days": [d for d in strip if d["status"] == engine.STATUS_GAP],
        "missing": sorted(names.get(c, "") for c in missing_ids),
        "members": list(Employee.objects.filter(pk__in=members).order_by("name", "pk").values("pk", "name")),
    }


def all_suggestions(*, on: datetime.date) -> list[dict]:
    """Suggested requirements of every team from the last 12 months of tickets (one pass over all)."""
    work = ticket_work(team_ids=None, since=year_before(on) + datetime.timedelta(days=1), until=on)
    requirements = pd.DataFrame.from_records(
        list(TeamRequirement.objects.values_list(*engine.REQUIREMENT_COLUMNS)),
        columns=engine.REQUIREMENT_COLUMNS,
    )
    found = gap_service.demand_suggestions(work, requirements, hours_per_person=hours_per_person())
    return suggestion_records(found)


def regions() -> list[dict]:
    """Each team with regions: {"team": name, "regions": [names]}, by team name (one query)."""
    grouped: dict[str, list[str]] = {}
    for name, team in Region.objects.order_by("team__name", "name").values_list("name", "team__name"):
        grouped.setdefault(team, []).append(name)
    return [{"team": team, "regions": names} for team, names in grouped.items()]
