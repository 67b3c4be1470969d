"""Plan generation as a background job: the call that requests it, the handler run by
``jobs.services.job_run``, and the split of large scopes into parts that several workers generate side by
side.

``QualificationConfig.ready`` registers the handler (``register``), so every process knows it, web and worker.

What couples teams in generation (``qualification.generation``): a person's items, capacity and open-item
count span all their teams, and a mentor comes from the item's team or else its department (the parent's
subtree), at most three mentees per quarter. So:

- teams whose departments overlap form one group (``generation_parts``); more than MAX_PARTS groups are
  packed into MAX_PARTS parts of similar head count;
- a person may still belong to teams of several parts. Each person is planned, and mentors, in exactly one
  part, their *home*: the part of their lowest-id planned team (else of their lowest-id team that a part
  reads). In the other parts they count with the levels they hold and are not given those teams'
  shortfalls;
- a part leaves the drafts that the run replaces, wherever they are, out of what it counts: open items
  and mentees.

With that, no part reads what another part writes: the parts give the same plans in any order, side by side
on workers (child jobs, ``jobs.services.job_split``) or one after the other in-process, and running them again
replaces the drafts by the same items. A scope that is a single group is generated in one go by
``services.plans_generate``; a part runs that same function, on the input narrowed to its people.
Against one run over everything, only people in teams of several departments may be planned differently:
no shortfalls of teams outside their home, no mentors outside it, so other mentors are chosen too. So
``manage.py generate_plans`` runs these same parts one after the other (``plans_generate_in_parts``): the
command, the page and the workers give one canonical result."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from functools import partial
from typing import Any

import pandas as pd
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.selectors import employees_active
from jobs import registry
from jobs import services as job_services
from jobs.models import Job
from teams.models import Team
from teams.selectors import memberships_active
from teams.tree import TeamTree

from . import generation, job_kinds, services
from .models import PlanItem, QualificationPlan

KIND = job_kinds.GENERATE_PLANS

# More parts than workers keep every worker busy to the end; more than this only adds reading overhead.
MAX_PARTS = 16
_ID_CHUNK = 2000


def plans_generate_job_create(
    *,
    team_ids: Iterable[int | str] | int | str,
    period: str,
    capacity_hours: float | Decimal | str = 40,
    budget_per_team: float | Decimal | str | None = None,
    owner: Any = None,
    language: str = "",
) -> Job:
    """Check the parameters (PlanGenerationError when bad), record a generation job and enqueue it once
    the surrounding transaction commits; its progress and outcome are written in ``language``."""
    parameters = services.generation_parameters(
        team_ids=team_ids, period=period, capacity_hours=capacity_hours, budget_per_team=budget_per_team
    )
    return job_services.job_create(kind=KIND, parameters=parameters, owner=owner, language=language)


def _combine(job, outcomes):
    parameters = job.parameters
    return combined_outcome(
        outcomes,
        period=parameters.get("period"),
        capacity_hours=parameters.get("capacity_hours", 40),
        budget=parameters.get("budget"),
    )


def generate_plans(job: Job, progress: registry.Progress) -> Any:
    """Parameters: team_ids, period, capacity_hours, budget; a part also parent, part and parts. Returns
    the outcome of ``plans_generate`` (of its part, for a part), or hands a large scope to parts."""
    parameters = job.parameters
    arguments = {
        "team_ids": parameters.get("team_ids"),
        "period": parameters.get("period"),
        "capacity_hours": parameters.get("capacity_hours", 40),
        "budget_per_team": parameters.get("budget"),
        "progress": progress,
    }
    if "parent" in parameters:
        parent = Job.objects.select_related("owner").get(pk=parameters["parent"])
        return plans_generate_part(
            **arguments,
            parts=parameters["parts"],
            part=parameters["part"],
            created_by=parent.owner,
            job=parent,
        )
    if "only_parts" in parameters:
        return _generate_rest(job, arguments)
    parts = _checked_parts(**{key: value for key, value in arguments.items() if key != "progress"})
    if len(parts) > 1 and job_services.runs_on_workers():
        return job_services.job_split(job, [{**parameters, "parts": parts}] * len(parts))
    return plans_generate_in_parts(**arguments, parts=parts, created_by=job.owner, job=job)


def _generate_rest(job: Job, arguments: dict) -> Any:
    """The parts ``only_parts`` of the run over ``parts`` that an earlier job left undone ("finish the
    rest"): exactly what that run would have written for them."""
    parameters = job.parameters
    parts, only = parameters["parts"], parameters["only_parts"]
    progress = arguments.pop("progress")
    services.generation_arguments(**{key: arguments[key] for key in arguments if key != "progress"})
    if job_services.runs_on_workers():
        base = {key: value for key, value in parameters.items() if key != "only_parts"}
        return job_services.job_split(job, [{**base, "part": index} for index in only])
    outcomes = []
    for done, index in enumerate(only):

        def part_progress(percent, message="", done=done):
            progress((100 * done + percent) // len(only), message)

        outcomes.append(
            plans_generate_part(
                **arguments, parts=parts, part=index, created_by=job.owner, job=job, progress=part_progress
            )
        )
    return _combine(job, outcomes)


def _resume(job: Job, parts: list[Job]) -> registry.Resumption | None:
    """Finish the rest of a failed generation in parts: the parts that did not succeed, over the same
    scope and split, so that the organisation ends up planned as one complete run would have planned it."""
    layout = next((part.parameters["parts"] for part in parts if part.parameters.get("parts")), None)
    if layout is None:
        return None
    done = [part.parameters["part"] for part in parts if part.status == Job.Status.SUCCEEDED]
    remaining = sorted(part.parameters["part"] for part in parts if part.status != Job.Status.SUCCEEDED)
    names = dict(Team.objects.filter(pk__in=[t for group in layout for t in group]).values_list("pk", "name"))

    def teams(indices):
        return sorted(names.get(team_id, str(team_id)) for index in indices for team_id in layout[index])

    parameters = {key: value for key, value in job.parameters.items() if key != "only_parts"}
    return registry.Resumption(
        parameters={**parameters, "parts": layout, "only_parts": remaining},
        done=teams(done),
        remaining=teams(remaining),
    )


def register() -> None:
    """Register plan generation with the jobs app (called by ``QualificationConfig.ready``)."""
    registry.job_kind_register(
        KIND,
        label=gettext_lazy("Plan generation"),
        handler=generate_plans,
        combine=_combine,
        outcome_template="qualification/_generation_outcome.html",
        section=("qualification:index", gettext_lazy("Qualification")),
        resume=_resume,
    )


# --------------------------------------------------------------------------------------------------
# Parts


def generation_parts(team_ids: Iterable[int | str]) -> list[list[int]]:
    """``team_ids`` grouped into the parts of one generation run: sorted lists of team ids, ordered by
    their first id. Teams whose departments overlap share a part."""
    team_ids = sorted({int(team_id) for team_id in team_ids or ()})
    tree = TeamTree.load()
    departments = {team_id: tree.department_team_ids(team_id) for team_id in team_ids}
    root = {}

    def find(team_id):
        root.setdefault(team_id, team_id)
        while root[team_id] != team_id:
            root[team_id] = root[root[team_id]]
            team_id = root[team_id]
        return team_id

    for team_id in team_ids:
        for other in departments[team_id]:
            a, b = find(team_id), find(other)
            if a != b:
                root[max(a, b)] = min(a, b)
    groups = defaultdict(list)
    for team_id in team_ids:
        groups[find(team_id)].append(team_id)
    groups = sorted(groups.values())
    if len(groups) <= MAX_PARTS:
        return groups
    return _packed(groups)


def _packed(groups):
    """Groups packed into MAX_PARTS parts of similar head count: the largest group first into the part
    with the fewest people so far (ties: the lower index)."""
    members = dict(
        memberships_active()
        .filter(team_id__in=[t for group in groups for t in group])
        .order_by()
        .values_list("team_id")
        .annotate(count=Count("employee_id"))
    )
    sized = sorted(groups, key=lambda group: (-sum(members.get(t, 0) for t in group), group[0]))
    parts, load = [[] for _ in range(MAX_PARTS)], [0] * MAX_PARTS
    for group in sized:
        index = min(range(MAX_PARTS), key=lambda i: (load[i], i))
        parts[index].extend(group)
        load[index] += sum(members.get(t, 0) for t in group)
    return sorted(sorted(part) for part in parts if part)


def plans_generate_in_parts(
    *,
    team_ids: Iterable[int | str] | int | str,
    period: str | generation.Period,
    capacity_hours: float | Decimal | str = 40,
    budget_per_team: float | Decimal | str | None = None,
    created_by: Any = None,
    job: Job | None = None,
    progress: Callable[[int, str], None] | None = None,
    parts: list[list[int]] | None = None,
) -> dict:
    """``services.plans_generate`` for a scope that may span several parts, generated one after the other
    (what workers do side by side); the same outcome, with ``parts`` added when there are several."""
    if parts is None:
        parts = _checked_parts(
            team_ids=team_ids, period=period, capacity_hours=capacity_hours, budget_per_team=budget_per_team
        )
    if len(parts) < 2:
        return services.plans_generate(
            team_ids=team_ids,
            period=period,
            capacity_hours=capacity_hours,
            budget_per_team=budget_per_team,
            created_by=created_by,
            job=job,
            progress=progress,
        )
    outcomes = []
    for index in range(len(parts)):
        part_progress = None
        if progress is not None:

            def part_progress(percent, message="", index=index):
                progress((100 * index + percent) // len(parts), message)

        outcomes.append(
            plans_generate_part(
                team_ids=team_ids,
                parts=parts,
                part=index,
                period=period,
                capacity_hours=capacity_hours,
                budget_per_team=budget_per_team,
                created_by=created_by,
                job=job,
                progress=part_progress,
            )
        )
    return combined_outcome(
        outcomes, period=outcomes[0]["period"], capacity_hours=capacity_hours, budget=budget_per_team
    )


def _checked_parts(*, team_ids, period, capacity_hours, budget_per_team):
    """The parts of a run; bad input fails here, with plans_generate's message, before anything is split."""
    _period, _capacity, _budget, team_ids = services.generation_arguments(
        team_ids=team_ids, period=period, capacity_hours=capacity_hours, budget_per_team=budget_per_team
    )
    return generation_parts(team_ids)


def plans_generate_part(
    *,
    team_ids: Iterable[int | str] | int | str,
    parts: list[list[int]],
    part: int,
    period: str | generation.Period,
    capacity_hours: float | Decimal | str = 40,
    budget_per_team: float | Decimal | str | None = None,
    created_by: Any = None,
    job: Job | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> dict:
    """Generate the plans of the people whose home is ``parts[part]`` in a run over ``team_ids`` (see the
    module's docstring); returns that part's outcome in ``plans_generate``'s shape."""
    checked_period, _capacity, _budget, scope = services.generation_arguments(
        team_ids=team_ids, period=period, capacity_hours=capacity_hours, budget_per_team=budget_per_team
    )
    home = services.GenerationPart(
        team_ids=tuple(sorted(int(team_id) for team_id in parts[part])),
        narrow=partial(_at_home, scope=scope, parts=parts, part=part, period=checked_period),
    )
    return services.plans_generate(
        team_ids=scope,
        period=checked_period,
        capacity_hours=capacity_hours,
        budget_per_team=budget_per_team,
        created_by=created_by,
        job=job,
        progress=progress,
        part=home,
    )


def _at_home(data, snapshot, *, scope, parts, part, period):
    """The part's generation input and write snapshot narrowed to the people whose home it is.

    Open items and mentor counts are read again, in one statement each, leaving out every draft the run
    replaces anywhere: other parts may be writing theirs right now."""
    on = max(timezone.localdate(), period.start)
    home = _home_people(part=part, scope=set(scope), parts=parts, on=on) & set(data.active_ids)
    carried = data.carried[~data.carried["team_id"].isin(list(scope))]
    replaced_anywhere = _replaced_by_the_run(scope=scope, period=period, on=on)
    data = replace(
        data,
        eligible_ids=frozenset(data.eligible_ids & home),
        active_ids=frozenset(home),
        carried=carried.reset_index(drop=True),
        open_items=_open_items(team_ids=parts[part], scope=scope, period=period, on=on),
        mentor_load=_mentor_load(mentors=home, period=period, replaced=replaced_anywhere),
    )
    plan_people = {}
    replaced = list(snapshot.replaced_ids)
    for start in range(0, len(replaced), _ID_CHUNK):
        chunk = replaced[start : start + _ID_CHUNK]
        plan_people.update(QualificationPlan.objects.filter(pk__in=chunk).values_list("pk", "employee_id"))
    snapshot = replace(
        snapshot,
        replaced_ids=tuple(plan_id for plan_id in replaced if plan_people.get(plan_id) in home),
        replaced_keys=frozenset(key for key in snapshot.replaced_keys if key[0] in home),
        skipped_ids=tuple(e for e in snapshot.skipped_ids if e in home),
    )
    return data, snapshot


def _home_people(*, part, scope, parts, on):
    """Ids of the people in the teams part ``part`` reads (its own and their departments) whose home it is."""
    tree = TeamTree.load()
    part_of_team, read_by = {}, {}
    for index, teams in enumerate(parts):
        for team_id in teams:
            part_of_team[int(team_id)] = index
        for department in (tree.department_team_ids(int(t)) for t in teams):
            for team_id in department:
                read_by.setdefault(team_id, index)
    readable = [team_id for team_id, index in read_by.items() if index == part]
    rows = (
        memberships_active(on=on)
        .filter(employee_id__in=memberships_active(on=on).filter(team_id__in=readable).values("employee_id"))
        .order_by()
        .values_list("employee_id", "team_id")
    )
    teams_of = defaultdict(list)
    for employee_id, team_id in rows:
        teams_of[employee_id].append(team_id)
    home = set()
    for employee_id, teams in teams_of.items():
        planned = [t for t in teams if t in scope]
        if planned:
            anchor = part_of_team[min(planned)]
        else:
            read = [t for t in teams if t in read_by]
            anchor = read_by[min(read)] if read else None
        if anchor == part:
            home.add(employee_id)
    return home


def _replaced_by_the_run(*, scope, period, on, members=None):
    """Ids (a subquery) of the plans a run over ``scope`` replaces: the generated drafts from ``period`` on
    of its active members who have no kept plan in ``period`` (of ``members`` among them, if given)."""
    if members is None:
        members = memberships_active(on=on).filter(team_id__in=list(scope)).values("employee_id")
    kept_in_period = (
        QualificationPlan.objects.filter(period=str(period))
        .exclude(status=QualificationPlan.Status.CANCELLED)
        .exclude(status=QualificationPlan.Status.DRAFT, origin=QualificationPlan.Origin.GENERATED)
        .values("employee_id")
    )
    return (
        QualificationPlan.objects.filter(
            status=QualificationPlan.Status.DRAFT,
            origin=QualificationPlan.Origin.GENERATED,
            period__gte=str(period),
            employee_id__in=members,
        )
        .filter(employee_id__in=employees_active(on=on).values("pk"))
        .exclude(employee_id__in=kept_in_period)
        .values("pk")
    )


def _open_items(*, team_ids, scope, period, on):
    """Open items of the plans that stay, of the members of ``team_ids``: their targets count as reached."""
    members = memberships_active(on=on).filter(team_id__in=list(team_ids)).values("employee_id")
    rows = (
        PlanItem.objects.filter(
            plan__employee_id__in=members, status__in=[PlanItem.Status.OPEN, PlanItem.Status.IN_PROGRESS]
        )
        .exclude(plan__status__in=QualificationPlan.CLOSED_STATUSES)
        .exclude(plan_id__in=_replaced_by_the_run(scope=scope, period=period, on=on, members=members))
        .values_list("plan__employee_id", "competency_id", "target_level")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=generation.OPEN_ITEM_COLUMNS)
    return frame.astype("int64")


def _mentor_load(*, mentors, period, replaced):
    """Mentees of ``mentors`` per mentor and period, from ``period`` on, in the plans that stay."""
    rows = (
        PlanItem.objects.filter(mentor_id__in=sorted(mentors), plan__period__gte=str(period))
        .exclude(plan__status=QualificationPlan.Status.CANCELLED)
        .exclude(status=PlanItem.Status.DROPPED)
        .exclude(plan_id__in=replaced)
        .values_list("mentor_id", "plan__period", "plan__employee_id")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=generation.MENTOR_LOAD_COLUMNS)
    return frame.astype({"mentor_id": "int64", "mentee_id": "int64", "period": "object"})


def combined_outcome(
    outcomes: list[dict],
    *,
    period: str | generation.Period | None,
    capacity_hours: float | Decimal | str,
    budget: float | Decimal | str | None,
) -> dict:
    """One outcome in ``plans_generate``'s shape from the outcomes of a run's parts."""

    def total(key):
        return sum(outcome[key] for outcome in outcomes)

    outcome = {
        "period": str(period),
        "capacity_hours": float(capacity_hours),
        "budget_per_team": None if budget in (None, "") else float(budget),
        "plans_created": total("plans_created"),
        "plans_replaced": total("plans_replaced"),
        "plans_removed": total("plans_removed"),
        "employees_planned": total("employees_planned"),
        "periods": sorted({p for outcome in outcomes for p in outcome["periods"]}),
        "items": total("items"),
        "hours": round(total("hours"), 1),
        "cost": round(total("cost"), 2),
        "items_next_period": total("items_next_period"),
        "items_needing_approval": total("items_needing_approval"),
        "skipped_employee_ids": sorted({e for outcome in outcomes for e in outcome["skipped_employee_ids"]}),
        "teams": sorted((team for outcome in outcomes for team in outcome["teams"]), key=lambda t: t["id"]),
        "parts": len(outcomes),
    }
    outcome["message"] = _(
        "%(plans)s plans with %(items)s items for %(period)s; %(later)s items moved to a later quarter, "
        "%(approval)s need budget approval."
    ) % {
        "plans": outcome["plans_created"] + outcome["plans_replaced"],
        "items": outcome["items"],
        "period": outcome["period"],
        "later": outcome["items_next_period"],
        "approval": outcome["items_needing_approval"],
    }
    return outcome
