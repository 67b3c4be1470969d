"""Read-side queries for qualification plans: the coverage forecast's projected levels, and what the plan
pages show, each in a bounded number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competencies import percent as percent_rule
from competencies.i18n import localized
from competencies.models import Competency, Employee, Interest, RoleRequirement
from competencies.permissions import AnyUser
from competencies.roles import is_hr_or_admin
from competencies.selectors import Ids, count_unconfirmed, effective_levels, employees_active
from jobs.models import Job
from teams.gaps import engine
from teams.gaps.inputs import analysis_input
from teams.gaps.team import coverage_forecast
from teams.hooks import PROJECTED_COLUMNS
from teams.models import Team, TeamRequirement
from teams.selectors import led_team_ids, memberships_active
from teams.tree import TeamTree

from . import generation, job_kinds
from .badges import badges_for
from .models import Measure, MeasureCompetency, PlanItem, QualificationPlan


def projected_levels(*, employee_ids: Ids, until: datetime.date) -> pd.DataFrame:
    """Targets of open items in agreed or running plans due by ``until`` (for coverage forecasts)."""
    rows = (
        PlanItem.objects.filter(
            plan__employee_id__in=employee_ids,
            plan__status__in=QualificationPlan.AGREED_STATUSES,
            due_date__isnull=False,
            due_date__lte=until,
        )
        .exclude(status__in=[PlanItem.Status.DONE, PlanItem.Status.DROPPED])
        .values_list("plan__employee_id", "competency_id", "target_level", "due_date")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=PROJECTED_COLUMNS)
    return frame.astype({"employee_id": "int64", "competency_id": "int64", "level": "int64"})


# --------------------------------------------------------------------------------------------------
# Pages: plan choices, the plan page, team overviews, coverage outlook (bounded queries each)


def current_period(on: datetime.date | None = None) -> generation.Period:
    """The quarter containing ``on`` (today by default)."""
    on = on or timezone.localdate()
    return generation.Period(on.year, (on.month - 1) // 3 + 1)


def plannable_teams(user: AnyUser) -> list[dict[str, Any]]:
    """Teams ``user`` may generate and export plans for, as records (id, name, parent_id, depth,
    has_children) in tree order: all for HR and admins, the led teams with their subtrees for leads."""
    tree = TeamTree.load(fields=["name"], order_by=["name", "id"])
    allowed = None if is_hr_or_admin(user) else led_team_ids(user)
    found = [
        {
            "id": team_id,
            "name": tree.extra[team_id][0],
            "parent_id": tree.parent(team_id),
            "depth": depth,
            "has_children": tree.has_children(team_id),
        }
        for team_id, depth in tree.depth_first()
        if allowed is None or team_id in allowed
    ]
    shallowest = min((team["depth"] for team in found), default=0)
    for team in found:
        team["depth"] -= shallowest
    return found


def scope_members(*, team_ids: Iterable[int] | None, on: datetime.date | None = None) -> QuerySet[Any]:
    """values() queryset of the employees active on ``on`` in ``team_ids`` (None: everyone active)."""
    if team_ids is None:
        return employees_active(on=on).values("pk")
    return memberships_active(on=on).filter(team_id__in=list(team_ids)).values("employee_id")


def _levels_frame(*, employee_ids: Ids, competency_ids: Ids, on: datetime.date) -> pd.DataFrame:
    levels = effective_levels(on=on, employee_ids=employee_ids, competency_ids=competency_ids)
    if not count_unconfirmed():
        levels = levels[levels["confirmed"]]
    return levels


def item_level_now(*, employee: Employee, competency: Competency, on: datetime.date | None = None) -> int:
    """The person's effective level in ``competency`` as the gap analysis counts it (0 unassessed)."""
    levels = _levels_frame(
        employee_ids=[employee.pk], competency_ids=[competency.pk], on=on or timezone.localdate()
    )
    return int(levels["level"].iloc[0]) if len(levels) else 0


def fitting_measures(*, items: Iterable[PlanItem]) -> dict[int, list[Measure]]:
    """dict item id → active measures whose range for the item's competency fits its step (from level at
    or below the current level, to level at or above the target), cheapest first. One query."""
    items = list(items)
    ranges = (
        MeasureCompetency.objects.filter(
            competency_id__in={item.competency_id for item in items}, measure__is_active=True
        )
        .select_related("measure")
        .order_by("measure__cost", "measure__duration_hours", localized("measure__title"), "measure_id")
    )
    by_competency: defaultdict[int, list[MeasureCompetency]] = defaultdict(list)
    for entry in ranges:
        by_competency[entry.competency_id].append(entry)
    return {
        item.pk: [
            entry.measure
            for entry in by_competency.get(item.competency_id, [])
            if entry.from_level <= item.current_level and entry.to_level >= item.target_level
        ]
        for item in items
    }


def _colleague_teams(
    employee: Employee, on: datetime.date, extra_team_ids: Iterable[int | None] = ()
) -> tuple[set[int], set[int]]:
    """(own team ids, department team ids): the person's teams on ``on`` (plus ``extra_team_ids``) and
    the teams of their departments (a parent's subtree; a top-level team is its own department)."""
    own = set(memberships_active(on=on).filter(employee=employee).values_list("team_id", flat=True))
    own |= {team_id for team_id in extra_team_ids if team_id}
    tree = TeamTree.load()
    department: set[int] = set()
    for team_id in own:
        department.update(tree.department_team_ids(team_id))
    return own, department


def mentee_counts(
    *, mentor_ids: Iterable[int], period: generation.Period | str, exclude_item_ids: Iterable[int] = ()
) -> dict[int, int]:
    """dict mentor id → number of different mentees in ``period`` (plans not cancelled, items not
    dropped), leaving out ``exclude_item_ids``. One query."""
    rows = (
        PlanItem.objects.filter(mentor_id__in=list(mentor_ids), plan__period=str(period))
        .exclude(plan__status=QualificationPlan.Status.CANCELLED)
        .exclude(status=PlanItem.Status.DROPPED)
        .exclude(pk__in=list(exclude_item_ids))
        .order_by()
        .values_list("mentor_id", "plan__employee_id")
        .distinct()
    )
    counts: defaultdict[int, int] = defaultdict(int)
    for mentor_id, _mentee_id in rows:
        counts[mentor_id] += 1
    return dict(counts)


def eligible_mentors(
    *, plan: QualificationPlan, items: Iterable[PlanItem], on: datetime.date | None = None
) -> dict[int, list[dict[str, Any]]]:
    """dict item id → colleagues who may mentor the item, as records (id, name, level, mentees,
    same_team), colleagues of the same team first, then by fewest mentees and name: active people of
    the person's teams (else their departments) at or above the target level, with fewer than
    MAX_MENTEES mentees in the plan's period; never the person themselves. Six queries."""
    on = on or timezone.localdate()
    items = list(items)
    if not items:
        return {}
    own, department = _colleague_teams(plan.employee, on, {item.team_id for item in items})
    colleagues = dict(
        employees_active(on=on)
        .filter(pk__in=memberships_active(on=on).filter(team_id__in=list(department)).values("employee_id"))
        .exclude(pk=plan.employee_id)
        .values_list("pk", "name")
    )
    same_team = set(
        memberships_active(on=on)
        .filter(team_id__in=list(own), employee_id__in=list(colleagues))
        .values_list("employee_id", flat=True)
    )
    levels = _levels_frame(
        employee_ids=list(colleagues), competency_ids=sorted({item.competency_id for item in items}), on=on
    )
    held: defaultdict[int, dict[int, int]] = defaultdict(dict)
    for employee_id, competency_id, level in zip(
        levels["employee_id"].tolist(),
        levels["competency_id"].tolist(),
        levels["level"].tolist(),
        strict=True,
    ):
        held[competency_id][employee_id] = level
    counts = mentee_counts(
        mentor_ids=list(colleagues), period=plan.period, exclude_item_ids=[item.pk for item in items]
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        candidates = [
            {
                "id": employee_id,
                "name": colleagues[employee_id],
                "level": level,
                "mentees": counts.get(employee_id, 0),
                "same_team": employee_id in same_team,
            }
            for employee_id, level in held.get(item.competency_id, {}).items()
            if level >= item.target_level
            and (counts.get(employee_id, 0) < generation.MAX_MENTEES or employee_id == item.mentor_id)
        ]
        candidates.sort(key=lambda c: (not c["same_team"], c["mentees"], c["name"], c["id"]))
        found[item.pk] = candidates
    return found


def coverage_outlook(
    *, team_ids: Iterable[int], on: datetime.date | None = None
) -> dict[int, dict[str, Any]]:
    """Per team, the progress toward its coverage goal, computed with the gap engine's what-if:

    - ``before``: coverage as it was before the plans, i.e. today with the items already done in agreed,
      running or completed plans taken back to the level they started from;
    - ``coverage``: coverage today;
    - ``with_agreed``: the team's coverage forecast (``teams.gaps.team.coverage_forecast``, the number
      the dashboard and the Plans page show), on ``forecast_on``: agreed and running plan items counted
      as reached by their due date, certificates expiring by then no longer counted;
    - ``with_all_plans``: also with the open items of drafts and proposals reached;
    plus the items of agreed plans, done and in total. Three queries plus the engine's input, and the
    forecast's (cached with the dashboard's figures)."""
    on = on or timezone.localdate()
    team_ids = sorted(set(team_ids))
    if not team_ids:
        return {}
    data = analysis_input(on=on, team_ids=team_ids)
    rows = list(
        PlanItem.objects.filter(
            plan__employee_id__in=scope_members(team_ids=team_ids, on=on),
            plan__status__in=[*QualificationPlan.LIVE_STATUSES, QualificationPlan.Status.COMPLETED],
        )
        .exclude(status=PlanItem.Status.DROPPED)
        .order_by()
        .values_list(
            "plan__employee_id", "competency_id", "target_level", "current_level", "status", "plan__status"
        )
    )
    items = pd.DataFrame.from_records(
        rows, columns=["employee_id", "competency_id", "level", "start_level", "status", "plan_status"]
    ).astype({"employee_id": "int64", "competency_id": "int64", "level": "int64", "start_level": "int64"})
    open_items = items[items["status"].isin(list(PlanItem.OPEN_STATUSES))]
    working = items[items["plan_status"].isin(list(QualificationPlan.TAKEN_ON_STATUSES))]
    done_items = working[working["status"] == PlanItem.Status.DONE]

    def coverage_of(levels: pd.DataFrame) -> pd.Series:
        changed = replace(data, levels=levels)
        return engine.coverage_by_team(engine.requirement_table(changed), team_ids)

    def projected(frame: pd.DataFrame) -> pd.DataFrame:
        return engine.apply_projected_levels(data.levels, frame[["employee_id", "competency_id", "level"]])

    now = coverage_of(data.levels)
    before = now
    if not done_items.empty:
        started = done_items.groupby(["employee_id", "competency_id"], as_index=False)["start_level"].min()
        before = coverage_of(
            engine.what_if_levels(data.levels, started.rename(columns={"start_level": "level"}))
        )
    # One forecast everywhere (#14 item 6): the dashboard's, not a goal of our own.
    forecasts = {team_id: coverage_forecast(team=Team(pk=team_id), on=on) for team_id in team_ids}
    with_all = coverage_of(
        projected(open_items[open_items["plan_status"] != QualificationPlan.Status.COMPLETED])
    )
    per_team = data.memberships.merge(working[["employee_id", "status"]], on="employee_id")
    totals = per_team.groupby("team_id").size()
    done = per_team[per_team["status"] == PlanItem.Status.DONE].groupby("team_id").size()
    outlook: dict[int, dict[str, Any]] = {}
    for team_id in team_ids:
        forecast = forecasts[team_id]
        figures = [float(before.loc[team_id]), float(now.loc[team_id]), float(forecast["coverage"])]
        figures.append(float(with_all.loc[team_id]))
        before_percent, percent, agreed_percent, all_percent = (_percent(value) for value in figures)
        items_agreed, items_done = int(totals.get(team_id, 0)), int(done.get(team_id, 0))
        start = min(before_percent, percent)
        outlook[team_id] = {
            "before": figures[0],
            "coverage": figures[1],
            "with_agreed": figures[2],
            "with_all_plans": figures[3],
            "forecast_on": forecast["on"],
            "before_percent": before_percent,
            "percent": percent,
            "agreed_percent": agreed_percent,
            "all_percent": all_percent,
            # Widths of the stacked bar: before the plans, reached since, still to come with the agreed
            # plans, and what drafts and proposals would add.
            "start_percent": start,
            "reached_percent": max(0, percent - start),
            "gain_percent": max(0, agreed_percent - max(percent, start)),
            "draft_gain_percent": max(0, all_percent - max(agreed_percent, percent)),
            "has_requirements": bool((data.requirements["team_id"] == team_id).any()),
            "items_agreed": items_agreed,
            "items_done": items_done,
            "items_done_percent": round(100 * items_done / items_agreed) if items_agreed else 0,
        }
    return outlook


def _percent(value: float) -> int:
    """The project's one rounding rule (competencies.percent), as the dashboard shows figures."""
    return percent_rule.percent(value) or 0


def plan_progress(items: Iterable[PlanItem]) -> int:
    """Percent of a plan done: the mean progress of its items that are not dropped (done counts 100)."""
    values = [
        100 if item.status == PlanItem.Status.DONE else item.progress
        for item in items
        if item.status != PlanItem.Status.DROPPED
    ]
    return round(sum(values) / len(values)) if values else 0


def item_incentive(item: PlanItem, *, texts: dict[str, str] | None = None) -> str:
    """What completing ``item`` earns, in the active language (the stored text is in the language the
    plan was generated in)."""
    measure = item.measure if item.measure_id else None
    return generation.incentive_text(
        kind=measure.kind if measure is not None else generation.KIND_MENTORING,
        measure_title=measure.title if measure is not None else "",
        target_level=item.target_level,
        competency_name=item.competency.name,
        has_mentor=item.mentor_id is not None,
        texts=texts,
    )


def _why(
    item: PlanItem,
    *,
    requirement: dict[str, Any] | None,
    covered: int | None,
    role_target: int | None,
    role_name: str,
    interest: int | None,
) -> list[dict[str, Any]]:
    """Why the item matters, as sentences for the employee: the team gap, the role target, the interest."""
    reasons: list[dict[str, Any]] = []
    if item.reason == PlanItem.Reason.TEAM_SHORTFALL and item.team_id and requirement:
        reasons.append(
            {
                "kind": "team",
                "text": ngettext(
                    "%(team)s needs %(people)s person at level %(level)s or higher in %(competency)s; "
                    "%(covered)s has it today.",
                    "%(team)s needs %(people)s people at level %(level)s or higher in %(competency)s; "
                    "%(covered)s have it today.",
                    requirement["min_people"],
                )
                % {
                    "team": item.team.name,  # type: ignore[union-attr]  # team_id is set
                    "people": requirement["min_people"],
                    "level": requirement["required_level"],
                    "competency": item.competency.name,
                    "covered": covered if covered is not None else "?",
                },
                "weight": requirement["weight"],
            }
        )
    if role_target is not None and (
        item.reason == PlanItem.Reason.ROLE_PROFILE or role_target >= item.target_level
    ):
        reasons.append(
            {
                "kind": "role",
                "text": _("Your role profile “%(role)s” asks for level %(level)s.")
                % {"role": role_name, "level": role_target},
            }
        )
    if interest is not None:
        text = _("You said you want to grow in this.")
        if interest:
            text = _("You said you want to grow in this, up to level %(level)s.") % {"level": interest}
        reasons.append({"kind": "interest", "text": text})
    if not reasons:
        reasons.append({"kind": "other", "text": item.get_reason_display()})
    return reasons


def plan_page(*, plan: QualificationPlan, on: datetime.date | None = None) -> dict[str, Any]:
    """Everything a plan page shows: items with why they matter and what they earn, progress, the
    conversation, the employee's badges and the coverage outlook of their teams. A bounded number of
    queries whatever the number of items."""
    on = on or timezone.localdate()
    items = list(
        plan.items.select_related("competency__scale", "measure", "mentor", "team").order_by(
            "priority", "competency__name", "id"
        )
    )
    employee = plan.employee
    live = [item for item in items if item.status != PlanItem.Status.DROPPED]
    member_teams = dict(
        memberships_active(on=on)
        .filter(employee=employee)
        .order_by("team__name")
        .values_list("team_id", "team__name")
        .distinct()
    )
    team_ids = sorted(set(member_teams) | {item.team_id for item in live if item.team_id})
    requirements: dict[tuple[int | None, int], dict[str, Any]] = {
        (team_id, competency_id): {"required_level": level, "min_people": people, "weight": weight}
        for team_id, competency_id, level, people, weight in TeamRequirement.objects.filter(
            team_id__in=team_ids, competency_id__in={item.competency_id for item in live}
        ).values_list("team_id", "competency_id", "required_level", "min_people", "weight")
    }
    covered: dict[tuple[int | None, int], int] = {}
    if team_ids:
        data = analysis_input(on=on, team_ids=team_ids)
        table = engine.requirement_table(data)
        covered = {
            (int(r.team_id), int(r.competency_id)): int(r.covered) for r in table.itertuples(index=False)
        }
    role_targets = {}
    if employee.role_profile_id:
        role_targets = dict(
            RoleRequirement.objects.filter(role_profile_id=employee.role_profile_id).values_list(
                "competency_id", "target_level"
            )
        )
    interests = {
        competency_id: target or 0
        for competency_id, target in Interest.objects.filter(employee=employee).values_list(
            "competency_id", "target_level"
        )
    }
    records: list[dict[str, Any]] = []
    texts = generation.incentive_texts()
    for item in items:
        records.append(
            {
                "item": item,
                "earns": item_incentive(item, texts=texts),
                "why": _why(
                    item,
                    requirement=requirements.get((item.team_id, item.competency_id)),
                    covered=covered.get((item.team_id, item.competency_id)),
                    role_target=role_targets.get(item.competency_id),
                    role_name=employee.role_profile.name if employee.role_profile is not None else "",
                    interest=interests.get(item.competency_id),
                ),
                "matches_interest": item.competency_id in interests,
                "ready_to_confirm": item.progress == 100 and item.status in PlanItem.OPEN_STATUSES,
            }
        )
    outlook = coverage_outlook(team_ids=sorted(member_teams), on=on) if member_teams else {}
    return {
        "items": [r for r in records if r["item"].status != PlanItem.Status.DROPPED],
        "dropped": [r for r in records if r["item"].status == PlanItem.Status.DROPPED],
        "progress": plan_progress(items),
        "hours": sum((item.hours for item in live), Decimal(0)),
        "cost": sum((item.cost for item in live), Decimal(0)),
        "done": sum(1 for item in live if item.status == PlanItem.Status.DONE),
        "comments": list(plan.comments.select_related("author")),
        "badges": badges_for(employee_ids=[employee.pk]).get(employee.pk, []),
        "teams": [
            {"id": team_id, "name": name, **outlook[team_id]}
            for team_id, name in member_teams.items()
            if team_id in outlook
        ],
    }


def own_employee(user: AnyUser) -> Employee | None:
    """The signed-in user's employee record or None (one query)."""
    if not user.is_authenticated:
        return None
    return Employee.objects.select_related("role_profile").filter(user=user).first()


def own_plans(*, employee: Employee) -> list[QualificationPlan]:
    """The person's plans that are theirs to see (not drafts being prepared), newest period first."""
    return list(
        QualificationPlan.objects.filter(employee=employee)
        .exclude(status__in=QualificationPlan.NOT_SHOWN_STATUSES)
        .order_by("-period", "-id")
    )


def current_plan_of(plans: Sequence[QualificationPlan]) -> QualificationPlan | None:
    """The plan to show first among ``own_plans``: the earliest running, agreed or proposed one, else the
    latest completed."""
    active = [p for p in plans if p.status not in (QualificationPlan.Status.COMPLETED,)]
    if active:
        return min(active, key=lambda p: (p.period, p.pk))
    return plans[0] if plans else None


def team_plan_overview(
    *,
    team: Team,
    period: generation.Period | str,
    on: datetime.date | None = None,
    capacity_hours: Decimal | int = generation.DEFAULT_CAPACITY_HOURS,
) -> dict[str, Any]:
    """The lead's overview of ``team``'s plans for ``period``: per member their plan, load against the
    capacity, items matching stated interests and mentoring both ways; who mentors whom; the coverage
    outlook and the coverage forecast. Nine queries whatever the team size, and the forecast's (none while
    the team's figures are cached)."""
    on = on or timezone.localdate()
    members = list(
        Employee.objects.filter(pk__in=scope_members(team_ids=[team.pk], on=on))
        .order_by("name", "id")
        .values("id", "name", "personnel_no", "user_id")
    )
    member_ids = [m["id"] for m in members]
    plans = {
        plan["employee_id"]: plan
        for plan in QualificationPlan.objects.filter(employee_id__in=member_ids, period=str(period))
        .exclude(status=QualificationPlan.Status.CANCELLED)
        .values("id", "employee_id", "status", "origin")
    }
    items = list(
        PlanItem.objects.filter(plan_id__in=[p["id"] for p in plans.values()])
        .exclude(status=PlanItem.Status.DROPPED)
        .order_by("plan__employee__name", localized("competency__name"), "id")
        .values(
            "id",
            "plan_id",
            "plan__employee_id",
            "plan__employee__name",
            "competency_id",
            "target_level",
            "mentor_id",
            "mentor__name",
            "hours",
            "cost",
            "status",
            "needs_approval",
            competency__name=localized("competency__name"),
        )
    )
    interests = set(
        Interest.objects.filter(employee_id__in=member_ids).values_list("employee_id", "competency_id")
    )
    status_labels = dict(QualificationPlan.Status.choices)
    rows: dict[int, dict[str, Any]]
    rows = {m["id"]: {**m, "plan": None, "items": 0, "hours": Decimal(0), "cost": Decimal(0),
                       "interest_items": 0, "done": 0, "approval": 0, "mentees": [], "mentors": []}
            for m in members}  # fmt: skip
    for employee_id, plan in plans.items():
        rows[employee_id]["plan"] = {**plan, "status_label": status_labels[plan["status"]]}
    pairs: list[dict[str, Any]] = []
    for item in items:
        row = rows.get(item["plan__employee_id"])
        if row is None:
            continue
        row["items"] += 1
        row["hours"] += item["hours"]
        row["cost"] += item["cost"]
        row["done"] += item["status"] == PlanItem.Status.DONE
        row["approval"] += bool(item["needs_approval"])
        if (item["plan__employee_id"], item["competency_id"]) in interests:
            row["interest_items"] += 1
        if item["mentor_id"]:
            pair = {
                "mentor_id": item["mentor_id"],
                "mentor": item["mentor__name"],
                "mentee_id": item["plan__employee_id"],
                "mentee": item["plan__employee__name"],
                "competency": item["competency__name"],
                "target_level": item["target_level"],
                "mentor_in_team": item["mentor_id"] in rows,
                "plan_id": item["plan_id"],
            }
            pairs.append(pair)
            row["mentors"].append(pair)
            if item["mentor_id"] in rows:
                rows[item["mentor_id"]]["mentees"].append(pair)
    capacity = Decimal(capacity_hours)
    for row in rows.values():
        row["load"] = min(100, round(row["hours"] / capacity * 100)) if capacity else 0
        row["overloaded"] = row["hours"] > capacity
    people = list(rows.values())
    statuses: defaultdict[str, int] = defaultdict(int)
    for row in people:
        if row["plan"]:
            statuses[row["plan"]["status"]] += 1
    outlook = coverage_outlook(team_ids=[team.pk], on=on).get(team.pk)
    return {
        # The one forecast figure, the dashboard's (docs/gap-analysis.md, "The coverage forecast").
        "forecast": coverage_forecast(team=team, on=on),
        "people": people,
        "pairs": sorted(pairs, key=lambda p: (p["mentor"], p["mentee"], p["competency"])),
        "items": len(items),
        "interest_items": sum(row["interest_items"] for row in people),
        "hours": sum((row["hours"] for row in people), Decimal(0)),
        "cost": sum((row["cost"] for row in people), Decimal(0)),
        "approval": sum(row["approval"] for row in people),
        "statuses": [
            {"status": status, "label": label, "count": statuses.get(status, 0)}
            for status, label in QualificationPlan.Status.choices
            if statuses.get(status)
        ],
        "drafts": [row["plan"]["id"] for row in people if row["plan"] and row["plan"]["status"] == "draft"],
        "capacity": capacity,
        "outlook": outlook,
    }


def team_periods(*, team: Team, on: datetime.date | None = None) -> list[str]:
    """Periods with plans of ``team``'s members, newest first (one query)."""
    return list(
        QualificationPlan.objects.filter(employee_id__in=scope_members(team_ids=[team.pk], on=on))
        .exclude(status=QualificationPlan.Status.CANCELLED)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    )


def team_interests(
    *, team: Team, period: generation.Period | str, on: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Where the members of ``team`` (and the teams below) want to grow, by person then competency: the
    stated target, the effective level on ``on`` and whether their plan for ``period`` holds an item in
    that competency (its status and target) — so a lead sees whether the plans honour the interests.
    Three queries whatever the team size."""
    on = on or timezone.localdate()
    members = scope_members(team_ids=[team.pk], on=on)
    interests = list(
        Interest.objects.filter(employee_id__in=members)
        .order_by(
            "employee__name", "employee_id", "competency__category__position", localized("competency__name")
        )
        .values(
            "employee_id",
            "employee__name",
            "competency_id",
            "target_level",
            "created_at",
            competency__name=localized("competency__name"),
            competency__category__name=localized("competency__category__name"),
        )
    )
    ids = sorted({row["employee_id"] for row in interests})
    levels = effective_levels(
        on=on, employee_ids=ids, competency_ids=[row["competency_id"] for row in interests]
    )
    level_of = {
        (int(row.employee_id), int(row.competency_id)): int(row.level)
        for row in levels.itertuples(index=False)
    }
    planned = {
        (employee_id, competency_id): (status, target)
        for employee_id, competency_id, status, target in PlanItem.objects.filter(
            plan__employee_id__in=ids, plan__period=str(period)
        )
        .exclude(plan__status=QualificationPlan.Status.CANCELLED)
        .exclude(status=PlanItem.Status.DROPPED)
        .values_list("plan__employee_id", "competency_id", "status", "target_level")
    }
    rows = []
    for row in interests:
        key = (row["employee_id"], row["competency_id"])
        item = planned.get(key)
        rows.append(
            {
                "employee_id": row["employee_id"],
                "name": row["employee__name"],
                "competency": row["competency__name"],
                "category": row["competency__category__name"],
                "level": level_of.get(key, 0),
                "target": row["target_level"],
                "stated_on": row["created_at"],
                "item_status": item[0] if item else None,
                "item_label": PlanItem.Status(item[0]).label if item else "",
                "item_target": item[1] if item else None,
            }
        )
    return rows


def team_last_period(*, team: Team, on: datetime.date | None = None) -> str | None:
    """The period of the plan of ``team``'s members changed last (generated, edited, agreed), or None."""
    return (
        QualificationPlan.objects.filter(employee_id__in=scope_members(team_ids=[team.pk], on=on))
        .exclude(status=QualificationPlan.Status.CANCELLED)
        .order_by("-updated_at", "-id")
        .values_list("period", flat=True)
        .first()
    )


def last_generated_period(*, user: User) -> str | None:
    """The period of the user's latest plan generation that succeeded, or None."""
    parameters = (
        Job.objects.filter(owner=user, kind=job_kinds.GENERATE_PLANS, status=Job.Status.SUCCEEDED)
        .order_by("-created_at", "-id")
        .values_list("parameters", flat=True)
        .first()
    )
    period = parameters.get("period") if isinstance(parameters, dict) else None
    try:
        return str(generation.Period.parse(period)) if period else None
    except generation.GenerationError:
        return None


def plan_index(
    *, user: AnyUser, period: generation.Period | str, on: datetime.date | None = None
) -> list[dict[str, Any]]:
    """The teams ``user`` may plan for with their members' plans for ``period`` counted by status; a team
    with teams below it counts everyone in its subtree once. Four queries whatever the number of teams."""
    on = on or timezone.localdate()
    teams = plannable_teams(user)
    tree = TeamTree.load()
    subtrees = {team["id"]: tree.subtree(team["id"]) for team in teams}
    wanted = {team_id for ids in subtrees.values() for team_id in ids}
    people_of: defaultdict[int, set[int]] = defaultdict(set)
    for team_id, employee_id in (
        memberships_active(on=on).filter(team_id__in=wanted).order_by().values_list("team_id", "employee_id")
    ):
        people_of[team_id].add(employee_id)
    in_scope = memberships_active(on=on).filter(team_id__in=wanted).values("employee_id")
    status_of = dict(
        QualificationPlan.objects.filter(period=str(period), employee_id__in=in_scope)
        .exclude(status=QualificationPlan.Status.CANCELLED)
        .values_list("employee_id", "status")
    )
    members: dict[int, int] = {}
    counts: defaultdict[int, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for team_id, ids in subtrees.items():
        people = set().union(*(people_of.get(each, set()) for each in ids))
        members[team_id] = len(people)
        for employee_id in people:
            if employee_id in status_of:
                counts[team_id][status_of[employee_id]] += 1
    for team in teams:
        team["members"] = members.get(team["id"], 0)
        team["counts"] = {
            status: counts[team["id"]].get(status, 0) for status, _label in QualificationPlan.Status.choices
        }
        team["plans"] = sum(team["counts"].values())
        team["count_list"] = [
            (status, team["counts"][status])
            for status, _label in QualificationPlan.Status.choices
            if status != QualificationPlan.Status.CANCELLED
        ]
    return teams


def recent_jobs(*, user: User, limit: int = 5) -> list[Job]:
    """The user's latest plan generation and export jobs."""
    return list(
        Job.objects.filter(owner=user, kind__in=[job_kinds.GENERATE_PLANS, job_kinds.EXPORT_PLANS]).order_by(
            "-created_at", "-id"
        )[:limit]
    )


def measure_list(
    *,
    kind: str | None = None,
    competency_id: int | str | None = None,
    query: str = "",
    include_inactive: bool = False,
) -> QuerySet[Measure]:
    """The measure catalogue with its ranges (two queries), filtered."""
    ranges: Prefetch = Prefetch(
        "ranges",
        queryset=MeasureCompetency.objects.select_related("competency").order_by(
            localized("competency__name")
        ),
    )
    # Measure's manager is modeltranslation's (translated titles); its stubs type prefetch_related narrowly.
    measures = Measure.objects.prefetch_related(ranges).annotate(  # type: ignore[arg-type]
        plan_item_count=Count("plan_items", distinct=True)
    )
    if not include_inactive:
        measures = measures.filter(is_active=True)
    if kind:
        measures = measures.filter(kind=kind)
    if competency_id:
        measures = measures.filter(ranges__competency_id=competency_id)
    if query:
        measures = measures.filter(Q(title__icontains=query) | Q(provider__icontains=query))
    return measures.order_by("title", "id").distinct()
