"""State-changing services for qualification plans: generation, proposal, agreement, completion.

Keyword-only arguments; each service writes in one transaction. Plan generation reads its input in a
bounded number of queries whatever the organisation's size, computes in ``generation`` (pure) and
replaces generated drafts only: plans that were proposed, agreed, started, completed or built by hand
are never touched."""

import datetime
import logging
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NoReturn, cast

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Field, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.i18n import localized
from competencies.models import Assessment, Competency, Employee, Interest
from competencies.scales import level_check, scale_levels
from competencies.selectors import employees_active
from competencies.services import assessment_record, fields_assign
from teams.gaps.inputs import analysis_input
from teams.models import Team
from teams.selectors import memberships_active
from teams.tree import TeamTree

from . import generation
from .models import Measure, MeasureCompetency, PlanComment, PlanItem, QualificationPlan

if TYPE_CHECKING:
    from teams.models import TeamRequirement

logger = logging.getLogger(__name__)

PlanGenerationError = generation.GenerationError

# A concurrent change to the plans being replaced makes the write step start over, at most this often.
WRITE_ATTEMPTS = 3
ID_CHUNK = 500
PLAN_BATCH = 1000
ITEM_BATCH = 2000


class PlanStateError(ValueError):
    """The plan or item is not in a state that allows the action; the message says why."""


class _PlansChanged(Exception):
    """A draft that was to be replaced changed state between reading and writing."""


# --------------------------------------------------------------------------------------------------
# Generation


def generation_parameters(
    *,
    team_ids: Iterable[int | str] | int | str,
    period: str | generation.Period,
    capacity_hours: float | Decimal | str = 40,
    budget_per_team: float | Decimal | str | None = None,
) -> dict:
    """Checked, JSON-ready parameters of a generation run; raises PlanGenerationError on bad input."""
    period, capacity, budget, team_ids = generation_arguments(
        team_ids=team_ids, period=period, capacity_hours=capacity_hours, budget_per_team=budget_per_team
    )
    known = set(Team.objects.filter(pk__in=team_ids).values_list("pk", flat=True))
    _check_known(team_ids, known)
    return {
        "team_ids": team_ids,
        "period": str(period),
        "capacity_hours": float(capacity),
        "budget": None if budget is None else float(budget),
    }


@dataclass(frozen=True)
class PlanSnapshot:
    """What the write step must find unchanged, and what the outcome reports."""

    replaced_ids: tuple
    replaced_keys: frozenset
    skipped_ids: tuple
    team_names: dict


Narrowing = Callable[
    [generation.GenerationInput, PlanSnapshot], tuple[generation.GenerationInput, PlanSnapshot]
]


@dataclass(frozen=True)
class GenerationPart:
    """One part of a run that is generated in parts (``generation_jobs``): the teams whose input it reads,
    and ``narrow(data, snapshot)``, which keeps of that input the people the part plans."""

    team_ids: tuple[int, ...]
    narrow: Narrowing


def plans_generate(
    *,
    team_ids: Iterable[int | str] | int | str,
    period: str | generation.Period,
    capacity_hours: float | Decimal | str = 40,
    budget_per_team: float | Decimal | str | None = None,
    created_by: Any = None,
    job: Any = None,
    progress: Callable[[int, str], None] | None = None,
    part: GenerationPart | None = None,
) -> dict:
    """Generate draft plans for the members of ``team_ids`` for ``period`` by SPEC.md's rules and return
    the outcome (JSON-ready). Replaces generated drafts only; the same data gives the same items.

    The one generation pipeline (read, generate, write, outcome; the write starts over when the plans
    changed meanwhile): the page's job, its parts and ``manage.py generate_plans`` all run it. With
    ``part`` only that part of a run over ``team_ids`` is generated.

    ``progress(percent, message)`` is called as teams are planned (it may raise to cancel: nothing is
    written then)."""
    period, capacity, budget, team_ids = generation_arguments(
        team_ids=team_ids, period=period, capacity_hours=capacity_hours, budget_per_team=budget_per_team
    )
    read_ids = team_ids if part is None else sorted(int(team_id) for team_id in part.team_ids)
    report = _throttled(progress)
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        report(1, _("Reading the organisation …"))
        data, snapshot = _generation_input(team_ids=read_ids, period=period, capacity=capacity, budget=budget)
        if part is not None:
            data, snapshot = part.narrow(data, snapshot)
        result = generation.generate(
            data,
            on_progress=lambda done, total: report(
                5 + 85 * done // max(total, 1),
                _("Planned %(done)s of %(total)s teams") % {"done": done, "total": total},
            ),
        )
        report(92, _("Writing plans …"))
        try:
            written = _write_plans(result, snapshot, created_by=created_by, job=job)
        except (IntegrityError, _PlansChanged):
            logger.info("plans of teams %s changed while generating (attempt %s)", read_ids, attempt)
            continue
        return _outcome(result, snapshot, written, period=period, capacity=capacity, budget=budget)
    raise PlanGenerationError(_("Plans of these teams changed while they were generated; please try again."))


def generation_arguments(
    *,
    team_ids: Iterable[int | str] | int | str,
    period: str | generation.Period,
    capacity_hours: float | Decimal | str,
    budget_per_team: float | Decimal | str | None,
) -> tuple[generation.Period, Decimal, Decimal | None, list[int]]:
    """The checked arguments of a generation run: (period, capacity, budget or None, sorted team ids).
    Raises PlanGenerationError on bad input."""
    checked_period: generation.Period = generation.Period.parse(period)
    if checked_period.end < timezone.localdate():
        raise PlanGenerationError(
            _("The period %(period)s has already ended; choose the current or a later quarter.")
            % {"period": checked_period}
        )
    capacity = _decimal(capacity_hours, _("capacity"))
    if capacity <= 0:
        raise PlanGenerationError(_("The capacity must be a positive number of hours per person."))
    budget = None if budget_per_team in (None, "") else _decimal(budget_per_team, _("budget"))
    if budget is not None and budget < 0:
        raise PlanGenerationError(_("The budget per team cannot be negative."))
    if isinstance(team_ids, str | int):
        team_ids = [team_ids]
    try:
        ids = sorted({int(team_id) for team_id in team_ids or ()})
    except (TypeError, ValueError):
        raise PlanGenerationError(_("Team ids must be whole numbers.")) from None
    if not ids:
        raise PlanGenerationError(_("Choose at least one team to plan for."))
    return checked_period, capacity, budget, ids


def _decimal(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise PlanGenerationError(
            _("The %(name)s must be a number (got %(value)r).") % {"name": name, "value": value}
        )
    return number


def _check_known(team_ids: Iterable[int], known: Container[int]) -> None:
    unknown = [team_id for team_id in team_ids if team_id not in known]
    if unknown:
        raise PlanGenerationError(
            _("There is no team with id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
        )


def _throttled(progress: Callable[[int, str], None] | None) -> Callable[[float, str], None]:
    """``progress`` called only when the whole percentage changes: one UPDATE per step, not per team."""
    last = [-1]

    def report(percent: float, message: str) -> None:
        whole = max(0, min(99, int(percent)))
        if progress is not None and whole != last[0]:
            last[0] = whole
            progress(whole, message)

    return report


def _frame(rows: Iterable[Any], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _generation_input(
    *, team_ids: Sequence[int], period: generation.Period, capacity: Decimal, budget: Decimal | None
) -> tuple[generation.GenerationInput, PlanSnapshot]:
    """Load a GenerationInput for ``team_ids`` org-wide in a fixed number of queries (about a dozen)."""
    on = max(timezone.localdate(), period.start)
    tree = TeamTree.load()
    _check_known(team_ids, tree)
    # Mentors may come from the planned teams' departments, so their members are read too.
    extended = set(team_ids).union(*(tree.department_team_ids(team_id) for team_id in team_ids))
    data = analysis_input(on=on, team_ids=None if len(extended) == len(tree) else sorted(extended))
    data = replace(data, requirements=data.requirements[data.requirements["team_id"].isin(team_ids)])
    member_query = memberships_active(on=on)
    if len(team_ids) != len(tree):
        member_query = member_query.filter(team_id__in=team_ids)
    member_ids = member_query.values("employee_id")

    memberships = data.memberships
    active = set(employees_active(on=on).values_list("pk", flat=True))
    members = set(memberships.loc[memberships["team_id"].isin(team_ids), "employee_id"].tolist()) & active
    plans = list(
        QualificationPlan.objects.filter(employee_id__in=member_ids, period__gte=str(period))
        .exclude(status=QualificationPlan.Status.CANCELLED)
        .values_list("id", "employee_id", "period", "status", "origin")
    )
    # Generated drafts are replaced; anything else in the period means: leave this person alone.
    skipped = {
        e for _id, e, p, status, origin in plans if p == str(period) and not _replaceable(status, origin)
    }
    eligible = members - skipped
    replaced = sorted(
        (plan_id, e, p)
        for plan_id, e, p, status, origin in plans
        if e in eligible and _replaceable(status, origin)
    )
    replaced_ids = {plan_id for plan_id, _e, _p in replaced}
    open_items, mentor_load, carried = _kept_items(
        member_query=member_ids,
        period=period,
        replaced_ids=replaced_ids,
        outside_teams=len(team_ids) != len(tree),
        team_ids=team_ids,
    )
    interests = _frame(
        Interest.objects.filter(employee_id__in=member_ids).values_list(*generation.INTEREST_COLUMNS),
        generation.INTEREST_COLUMNS,
    )
    interests["target_level"] = interests["target_level"].fillna(0)
    measures, scale_max, competency_names = _catalogue()
    data_input = generation.GenerationInput(
        period=period,
        analysis=data,
        team_ids=tuple(team_ids),
        eligible_ids=frozenset(eligible),
        active_ids=frozenset(active),
        departments={team_id: tree.department_team_ids(team_id) for team_id in extended},
        interests=_ints(interests),
        measures=measures,
        scale_max=scale_max,
        competency_names=competency_names,
        open_items=open_items,
        mentor_load=mentor_load,
        carried=carried,
        locked=frozenset((e, p) for plan_id, e, p, _s, _o in plans if plan_id not in replaced_ids),
        capacity_hours=capacity,
        budget_per_team=budget,
    )
    snapshot = PlanSnapshot(
        replaced_ids=tuple(sorted(replaced_ids)),
        replaced_keys=frozenset((e, p) for _id, e, p in replaced),
        skipped_ids=tuple(sorted(skipped & members)),
        team_names=dict(Team.objects.filter(pk__in=team_ids).values_list("id", "name")),
    )
    return data_input, snapshot


_INT_COLUMNS = {
    "employee_id",
    "competency_id",
    "target_level",
    "team_id",
    "priority",
    "mentor_id",
    "mentee_id",
    "measure_id",
    "from_level",
    "to_level",
}


def _ints(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({c: "int64" for c in frame.columns if c in _INT_COLUMNS})


def _replaceable(status: str, origin: str) -> bool:
    return status == QualificationPlan.Status.DRAFT and origin == QualificationPlan.Origin.GENERATED


def _kept_items(
    *,
    member_query: QuerySet[Any, Any],
    period: generation.Period,
    replaced_ids: set[int],
    outside_teams: bool,
    team_ids: Sequence[int],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Items of plans that stay: open items of the planned people (their targets count as reached),
    mentees per mentor and period from the period on, and the shortfall items that replaced drafts hold
    for teams outside this run (they are planned again)."""
    open_items = _frame(
        PlanItem.objects.filter(plan__employee_id__in=member_query, status__in=PlanItem.OPEN_STATUSES)
        .exclude(plan__status__in=QualificationPlan.CLOSED_STATUSES)
        .values_list("plan_id", "plan__employee_id", "competency_id", "target_level"),
        ["plan_id", *generation.OPEN_ITEM_COLUMNS],
    )
    open_items = open_items[~open_items["plan_id"].isin(replaced_ids)][generation.OPEN_ITEM_COLUMNS]
    mentor_load = _frame(
        PlanItem.objects.filter(mentor__isnull=False, plan__period__gte=str(period))
        .exclude(plan__status=QualificationPlan.Status.CANCELLED)
        .exclude(status=PlanItem.Status.DROPPED)
        .values_list("plan_id", "mentor_id", "plan__period", "plan__employee_id"),
        ["plan_id", *generation.MENTOR_LOAD_COLUMNS],
    )
    mentor_load = mentor_load[~mentor_load["plan_id"].isin(replaced_ids)][generation.MENTOR_LOAD_COLUMNS]
    carried = generation.empty_carried()
    if replaced_ids and outside_teams:
        carried = _frame(
            PlanItem.objects.filter(
                plan__employee_id__in=member_query,
                plan__status=QualificationPlan.Status.DRAFT,
                plan__origin=QualificationPlan.Origin.GENERATED,
                plan__period__gte=str(period),
                reason=PlanItem.Reason.TEAM_SHORTFALL,
                team__isnull=False,
            )
            .exclude(team_id__in=team_ids)
            .exclude(status=PlanItem.Status.DROPPED)
            .values_list("plan_id", "plan__employee_id", *generation.CARRIED_COLUMNS[1:]),
            ["plan_id", *generation.CARRIED_COLUMNS],
        )
        carried = carried[carried["plan_id"].isin(replaced_ids)][generation.CARRIED_COLUMNS]
    return _ints(open_items), _ints(mentor_load), _ints(carried).astype({"needs_approval": "bool"})


def _catalogue() -> tuple[pd.DataFrame, dict[int, int], dict[int, str]]:
    """Active measures with the ranges they develop, each competency's scale maximum, and names."""
    measures = _frame(
        MeasureCompetency.objects.filter(measure__is_active=True).values_list(
            "measure_id",
            "competency_id",
            "from_level",
            "to_level",
            "measure__kind",
            localized("measure__title"),
            "measure__duration_hours",
            "measure__cost",
        ),
        generation.MEASURE_COLUMNS,
    )
    competencies = list(
        Competency.objects.order_by()
        .annotate(top=Max("scale__levels__value"))
        .values_list("id", "name", "top")
    )
    scale_max = {c: top for c, _name, top in competencies if top is not None}
    return _ints(measures), scale_max, {c: name for c, name, _top in competencies}


def _chunks(values: list[int], size: int) -> list[list[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


# Item columns written by generation; status and progress are the model defaults of a new item.
_ITEM_FIELDS = (
    "plan",
    "competency",
    "current_level",
    "target_level",
    "measure",
    "mentor",
    "team",
    "due_date",
    "reason",
    "priority",
    "hours",
    "cost",
    "needs_approval",
    "incentive",
    "status",
    "progress",
)


def _write_plans(
    result: generation.GenerationResult, snapshot: PlanSnapshot, *, created_by: Any, job: Any
) -> list[tuple[int, str]]:
    """Replace the snapshot's drafts by the result's plans in one transaction; returns the plan keys."""
    keys = sorted({(item["employee_id"], item["period"]) for item in result.items})
    with transaction.atomic():
        for chunk in _chunks(list(snapshot.replaced_ids), ID_CHUNK):
            still_draft = QualificationPlan.objects.select_for_update().filter(
                pk__in=chunk,
                status=QualificationPlan.Status.DRAFT,
                origin=QualificationPlan.Origin.GENERATED,
            )
            if len(still_draft.values_list("pk", flat=True)) != len(chunk):
                raise _PlansChanged
            PlanItem.objects.filter(plan_id__in=chunk).delete()
            QualificationPlan.objects.filter(pk__in=chunk).delete()
        plans = QualificationPlan.objects.bulk_create(
            [
                QualificationPlan(
                    employee_id=employee_id,
                    period=period,
                    status=QualificationPlan.Status.DRAFT,
                    origin=QualificationPlan.Origin.GENERATED,
                    created_by=created_by,
                    job=job,
                )
                for employee_id, period in keys
            ],
            batch_size=PLAN_BATCH,
        )
        plan_ids = {(plan.employee_id, plan.period): plan.pk for plan in plans}
        _insert_items(
            [
                (
                    plan_ids[(item["employee_id"], item["period"])],
                    item["competency_id"],
                    item["current_level"],
                    item["target_level"],
                    item["measure_id"],
                    item["mentor_id"],
                    item["team_id"],
                    item["due_date"],
                    item["reason"],
                    item["priority"],
                    item["hours"],
                    item["cost"],
                    item["needs_approval"],
                    item["incentive"],
                    PlanItem.Status.OPEN.value,
                    0,
                )
                for item in result.items
            ]
        )
    return keys


def _insert_items(rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert plan items given as tuples in _ITEM_FIELDS order.

    On PostgreSQL with COPY: an organisation-wide run writes ~100,000 items, and bulk_create spends
    most of its time preparing values in Python. PlanItem has no save() logic and no signals, and the
    database checks its constraints either way."""
    connection = connections[router.db_for_write(PlanItem)]
    # Every name in _ITEM_FIELDS is a concrete field of PlanItem (no relation's reverse side).
    fields = [cast("Field[Any, Any]", PlanItem._meta.get_field(name)) for name in _ITEM_FIELDS]
    if connection.vendor != "postgresql":
        PlanItem.objects.bulk_create(
            [
                PlanItem(**{field.attname: value for field, value in zip(fields, row, strict=True)})
                for row in rows
            ],
            batch_size=ITEM_BATCH,
        )
        return
    table = connection.ops.quote_name(PlanItem._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _outcome(
    result: generation.GenerationResult,
    snapshot: PlanSnapshot,
    written_keys: Iterable[tuple[int, str]],
    *,
    period: generation.Period,
    capacity: Decimal,
    budget: Decimal | None,
) -> dict[str, Any]:
    written = set(written_keys)
    items = result.items
    teams = [
        {
            "id": team["team_id"],
            "name": snapshot.team_names.get(team["team_id"], ""),
            "coverage_before": team["coverage_before"],
            "coverage_after": team["coverage_after"],
            "items": team["items"],
            "hours": float(team["hours"]),
            "cost": float(team["cost"]),
            "items_next_period": team["items_next_period"],
            "items_needing_approval": team["items_needing_approval"],
            "unfilled_shortfall": team["unfilled_shortfall"],
        }
        for team in result.teams
    ]
    outcome: dict[str, Any] = {
        "period": str(period),
        "capacity_hours": float(capacity),
        "budget_per_team": None if budget is None else float(budget),
        "plans_created": len(written - snapshot.replaced_keys),
        "plans_replaced": len(written & snapshot.replaced_keys),
        "plans_removed": len(snapshot.replaced_keys - written),
        "employees_planned": len({employee_id for employee_id, _period in written}),
        "periods": sorted({p for _employee_id, p in written}),
        "items": len(items),
        "hours": float(sum((item["hours"] for item in items), Decimal(0))),
        "cost": float(sum((item["cost"] for item in items), Decimal(0))),
        "items_next_period": sum(1 for item in items if item["period"] != str(period)),
        "items_needing_approval": sum(1 for item in items if item["needs_approval"]),
        "skipped_employee_ids": list(snapshot.skipped_ids),
        "teams": teams,
    }
    outcome["message"] = _(
        "%(plans)s plans with %(items)s items for %(period)s; %(later)s items moved to a later quarter, "
        "%(approval)s need budget approval."
    ) % {
        "plans": len(written),
        "items": outcome["items"],
        "period": period,
        "later": outcome["items_next_period"],
        "approval": outcome["items_needing_approval"],
    }
    return outcome


# --------------------------------------------------------------------------------------------------
# From draft to done


def _locked_plan(plan_id: int) -> QualificationPlan:
    plan = QualificationPlan.objects.select_for_update().filter(pk=plan_id).select_related("employee").first()
    if plan is None:
        raise PlanStateError(_("This plan no longer exists; it may have been regenerated."))
    return plan


def _refuse(plan: QualificationPlan, action: str) -> NoReturn:
    raise PlanStateError(
        _("This plan is %(status)s; it cannot be %(action)s.")
        % {"status": plan.get_status_display().lower(), "action": action}
    )


def plan_propose(*, plan: QualificationPlan, by: Any = None, message: str = "") -> QualificationPlan:
    """Hand a draft plan to its employee for agreement; with ``by``, the step (and ``message`` to the
    employee) enters the plan's conversation."""
    with transaction.atomic():
        plan = _locked_plan(plan.pk)
        if plan.status == QualificationPlan.Status.PROPOSED:
            raise PlanStateError(
                _("This plan has already been proposed; it is waiting for the employee's answer.")
            )
        if plan.status != QualificationPlan.Status.DRAFT:
            _refuse(plan, _("proposed"))
        if not plan.items.exclude(status=PlanItem.Status.DROPPED).exists():
            raise PlanStateError(_("A plan without items cannot be proposed."))
        plan.status = QualificationPlan.Status.PROPOSED
        plan.save(update_fields=["status", "updated_at"])
        if by is not None:
            PlanComment.objects.create(plan=plan, author=by, kind=PlanComment.Kind.PROPOSED, text=message)
    return plan


def plans_propose_drafts(
    *, team: Team, period: str, plan_ids: Iterable[int], by: Any = None, on: datetime.date | None = None
) -> list[QualificationPlan]:
    """Propose the draft plans ``plan_ids`` of ``team``'s members (with its subtree) for ``period`` in one
    transaction: all or none. Refuses (PlanStateError, nothing changed) when a plan is no longer a draft,
    belongs to someone outside the team or another period, or is gone; plans without items are skipped."""
    wanted = sorted({int(plan_id) for plan_id in plan_ids})
    if not wanted:
        raise PlanStateError(_("There are no draft plans to propose."))
    on = on or timezone.localdate()
    members = (
        memberships_active(on=on).filter(team_id__in=TeamTree.load().subtree(team.pk)).values("employee_id")
    )
    with transaction.atomic():
        plans = list(
            QualificationPlan.objects.select_for_update()
            .filter(pk__in=wanted, employee_id__in=members, period=period)
            .select_related("employee")
            .order_by("employee__name", "pk")
        )
        if len(plans) < len(wanted):
            raise PlanStateError(
                _(
                    "Some of these plans no longer exist or are not plans of %(team)s for %(period)s; "
                    "nothing was proposed."
                )
                % {"team": team.name, "period": period}
            )
        moved = [plan for plan in plans if plan.status != QualificationPlan.Status.DRAFT]
        if moved:
            raise PlanStateError(
                _("Nothing was proposed; no longer drafts: %(plans)s. The list shows what is left.")
                % {
                    "plans": ", ".join(
                        f"{plan.employee.name} ({plan.get_status_display().lower()})" for plan in moved
                    )
                }
            )
        with_items = set(
            PlanItem.objects.filter(plan__in=plans)
            .exclude(status=PlanItem.Status.DROPPED)
            .values_list("plan_id", flat=True)
        )
        proposed = [plan for plan in plans if plan.pk in with_items]
        for plan in proposed:
            # Saved one by one, as plan_propose does: the plan signals keep the cached forecasts right.
            plan.status = QualificationPlan.Status.PROPOSED
            plan.save(update_fields=["status", "updated_at"])
        if by is not None:
            PlanComment.objects.bulk_create(
                PlanComment(plan=plan, author=by, kind=PlanComment.Kind.PROPOSED) for plan in proposed
            )
    return proposed


def plan_agree(*, plan: QualificationPlan, comment: str = "", by: Any = None) -> QualificationPlan:
    """The employee accepts a proposed plan, optionally with a comment; it becomes the working plan. With
    ``by``, the agreement (and comment) enters the plan's conversation."""
    with transaction.atomic():
        plan = _locked_plan(plan.pk)
        if plan.status in (QualificationPlan.Status.AGREED, QualificationPlan.Status.IN_PROGRESS):
            raise PlanStateError(_("You have already agreed to this plan; nothing more to do here."))
        if plan.status != QualificationPlan.Status.PROPOSED:
            _refuse(plan, _("agreed to"))
        plan.status = QualificationPlan.Status.AGREED
        fields = ["status", "updated_at"]
        if comment:
            plan.employee_comment = comment
            fields.append("employee_comment")
        plan.save(update_fields=fields)
        if by is not None:
            PlanComment.objects.create(plan=plan, author=by, kind=PlanComment.Kind.AGREED, text=comment)
    return plan


COMPLETION_SOURCES = (Assessment.Source.MANAGER, Assessment.Source.CERTIFICATE)


def plan_item_complete(
    *,
    item: PlanItem,
    assessed_by: Any,
    source: str = Assessment.Source.MANAGER,
    level: int | str | None = None,
    assessed_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    note: str = "",
) -> PlanItem:
    """Complete an item of an agreed or running plan with evidence: records the reached level as a new
    manager or certificate assessment, so the matrix and the badges follow. Returns the item."""
    if source not in COMPLETION_SOURCES:
        raise PlanStateError(_("An item is completed with a manager's confirmation or a certificate."))
    with transaction.atomic():
        plan = _locked_plan(item.plan_id)
        item = PlanItem.objects.select_for_update().select_related("competency").get(pk=item.pk)
        if plan.status not in QualificationPlan.AGREED_STATUSES:
            _refuse(plan, _("worked on"))
        if item.status in (PlanItem.Status.DONE, PlanItem.Status.DROPPED):
            raise PlanStateError(
                _("This item is already %(status)s.") % {"status": item.get_status_display().lower()}
            )
        level = item.target_level if level is None else int(level)
        if level < item.target_level:
            raise PlanStateError(
                _("Level %(level)s is below the item's target %(target)s; record the assessment instead.")
                % {"level": level, "target": item.target_level}
            )
        assessment_record(
            employee=plan.employee,
            competency=item.competency,
            level=level,
            source=source,
            assessed_on=assessed_on or timezone.localdate(),
            assessed_by=assessed_by,
            valid_until=valid_until,
            note=note or _("Qualification plan %(period)s completed.") % {"period": plan.period},
        )
        item.status = PlanItem.Status.DONE
        item.progress = 100
        item.completed_on = assessed_on or timezone.localdate()
        item.save(update_fields=["status", "progress", "completed_on"])
        if not plan.items.exclude(status__in=[PlanItem.Status.DONE, PlanItem.Status.DROPPED]).exists():
            plan.status = QualificationPlan.Status.COMPLETED
        else:
            plan.status = QualificationPlan.Status.IN_PROGRESS
        plan.save(update_fields=["status", "updated_at"])
    return item


# --------------------------------------------------------------------------------------------------
# Reviewing a draft, the conversation, progress


class PlanItemInvalid(PlanStateError):
    """A change to a plan item that breaks a rule (measure range, mentor, level, date); the message says
    which and nothing was written."""


COMMENT_MAX_LENGTH = 2000


def _editable_plan(plan_id: int) -> QualificationPlan:
    plan = _locked_plan(plan_id)
    if plan.status != QualificationPlan.Status.DRAFT:
        raise PlanStateError(
            _(
                "This plan is %(status)s, no longer a draft; its items cannot be changed. Only draft plans "
                "are edited — the employee can ask for a change, which returns the plan to draft."
            )
            % {"status": plan.get_status_display().lower()}
        )
    return plan


def _mark_revised(plan: QualificationPlan) -> None:
    """A generated draft that a person changed is kept when plans are generated again."""
    fields = ["updated_at"]
    if plan.origin == QualificationPlan.Origin.GENERATED:
        plan.origin = QualificationPlan.Origin.REVISED
        fields.append("origin")
    plan.save(update_fields=fields)


def _check_measure(
    measure: Measure | None, *, competency: Competency, current_level: int, target_level: int
) -> None:
    if measure is None:
        return
    if not measure.is_active:
        raise PlanItemInvalid(
            _("“%(measure)s” is no longer offered; choose another measure.") % {"measure": measure.title}
        )
    fits = MeasureCompetency.objects.filter(
        measure=measure, competency=competency, from_level__lte=current_level, to_level__gte=target_level
    ).exists()
    if not fits:
        ranges = ", ".join(
            f"{from_level}→{to_level}"
            for from_level, to_level in MeasureCompetency.objects.filter(
                measure=measure, competency=competency
            ).values_list("from_level", "to_level")
        )
        raise PlanItemInvalid(
            _(
                "“%(measure)s” does not fit this step: it develops %(competency)s %(ranges)s, the item needs "
                "%(current)s→%(target)s."
            )
            % {
                "measure": measure.title,
                "competency": competency.name,
                "ranges": ranges or _("not at all"),
                "current": current_level,
                "target": target_level,
            }
        )


def _check_mentor(mentor: Employee | None, *, plan: QualificationPlan, item: PlanItem) -> None:
    if mentor is None:
        return
    from .selectors import eligible_mentors

    eligible = {c["id"] for c in eligible_mentors(plan=plan, items=[item]).get(item.pk, [])}
    if mentor.pk not in eligible:
        raise PlanItemInvalid(
            _(
                "%(mentor)s cannot mentor this item: a mentor is an active colleague of the same team or "
                "department, at level %(level)s or higher in %(competency)s, with fewer than %(max)s mentees "
                "in %(period)s."
            )
            % {
                "mentor": mentor.name,
                "level": item.target_level,
                "competency": item.competency.name,
                "max": generation.MAX_MENTEES,
                "period": plan.period,
            }
        )


def _check_due(due_date: datetime.date | None) -> None:
    if due_date is not None and due_date < timezone.localdate():
        raise PlanItemInvalid(_("The due date cannot be in the past."))


def _effort(item: PlanItem, measure: Measure | None) -> tuple[Decimal, Decimal, str]:
    """Hours, cost and incentive of ``item`` with ``measure`` (None: mentoring without a catalogue
    measure), as plan generation sets them."""
    kind = measure.kind if measure else generation.KIND_MENTORING
    hours = measure.duration_hours if measure else generation.MENTORING_HOURS
    cost = measure.cost if measure else generation.MENTORING_COST
    incentive = generation.incentive_text(
        kind=kind,
        measure_title=measure.title if measure else "",
        target_level=item.target_level,
        competency_name=item.competency.name,
        has_mentor=item.mentor_id is not None,
    )
    return hours, cost, incentive


def plan_item_update(
    *, item: PlanItem, measure: Measure | None, mentor: Employee | None, due_date: datetime.date | None
) -> PlanItem:
    """Change a draft item's measure (its range must fit the step), mentor (an eligible colleague) and
    due date; hours, cost and incentive follow the measure. Returns the item."""
    with transaction.atomic():
        plan = _editable_plan(item.plan_id)
        item = PlanItem.objects.select_for_update().select_related("competency").get(pk=item.pk)
        if item.status == PlanItem.Status.DROPPED:
            raise PlanItemInvalid(_("This item was dropped; add it again to plan it."))
        _check_measure(
            measure,
            competency=item.competency,
            current_level=item.current_level,
            target_level=item.target_level,
        )
        _check_mentor(mentor, plan=plan, item=item)
        _check_due(due_date)
        item.measure = measure
        item.mentor = mentor
        item.due_date = due_date
        item.hours, item.cost, item.incentive = _effort(item, measure)
        item.save(update_fields=["measure", "mentor", "due_date", "hours", "cost", "incentive"])
        _mark_revised(plan)
    return item


def plan_item_drop(*, item: PlanItem) -> PlanItem:
    """Take an item out of a draft plan (it stays on record as dropped and can be added again)."""
    with transaction.atomic():
        plan = _editable_plan(item.plan_id)
        updated = PlanItem.objects.filter(pk=item.pk).exclude(status=PlanItem.Status.DROPPED)
        updated.update(status=PlanItem.Status.DROPPED)
        _mark_revised(plan)
    item.refresh_from_db()
    return item


def _shortfall_team(
    plan: QualificationPlan, competency: Competency, target_level: int
) -> "TeamRequirement | None":
    """The first team (by name) of the person that requires ``competency`` at ``target_level`` or below."""
    from teams.models import TeamRequirement

    return (
        TeamRequirement.objects.filter(
            team_id__in=memberships_active().filter(employee_id=plan.employee_id).values("team_id"),
            competency=competency,
            required_level__lte=target_level,
        )
        .select_related("team")
        .order_by("team__name", "team_id")
        .first()
    )


def plan_item_add(
    *,
    plan: QualificationPlan,
    competency: Competency,
    target_level: int | str,
    reason: str,
    measure: Measure | None = None,
    mentor: Employee | None = None,
    due_date: datetime.date | None = None,
) -> PlanItem:
    """Add an item to a draft plan (a dropped item of the same competency is planned again). The current
    level is the person's effective level today; a team shortfall names the person's team that requires
    the competency. Returns the item."""
    from .selectors import item_level_now

    target_level = int(target_level)
    with transaction.atomic():
        plan = _editable_plan(plan.pk)
        existing = PlanItem.objects.select_for_update().filter(plan=plan, competency=competency).first()
        if existing is not None and existing.status != PlanItem.Status.DROPPED:
            raise PlanItemInvalid(
                _("The plan has an item for %(competency)s already; change that one.")
                % {"competency": competency.name}
            )
        current = item_level_now(employee=plan.employee, competency=competency)
        levels = scale_levels(competency_ids=[competency.pk])[competency.pk]
        try:
            level_check(competency=competency, level=target_level, levels=levels)
        except ValidationError as error:
            raise PlanItemInvalid(" ".join(error.messages)) from None
        if target_level <= current:
            raise PlanItemInvalid(
                _("The target level must lie above the current level %(current)s and at most %(top)s.")
                % {"current": current, "top": max(levels, default=0)}
            )
        team, priority = None, generation.PRIORITY_INTEREST
        if reason == PlanItem.Reason.TEAM_SHORTFALL:
            requirement = _shortfall_team(plan, competency, target_level)
            if requirement is None:
                raise PlanItemInvalid(
                    _(
                        "No team of %(name)s requires %(competency)s at a level this item reaches; choose "
                        "another reason."
                    )
                    % {"name": plan.employee.name, "competency": competency.name, "level": target_level}
                )
            team, priority = requirement.team, generation.PRIORITY_BY_WEIGHT[requirement.weight]
        elif reason == PlanItem.Reason.ROLE_PROFILE:
            priority = generation.PRIORITY_ROLE_PROFILE
        elif reason != PlanItem.Reason.INTEREST:
            raise PlanItemInvalid(_("Unknown reason %(reason)r.") % {"reason": reason})
        _check_measure(measure, competency=competency, current_level=current, target_level=target_level)
        _check_due(due_date)
        item = existing or PlanItem(plan=plan, competency=competency)
        item.current_level, item.target_level = current, target_level
        item.reason, item.team, item.priority = reason, team, priority
        item.status, item.progress, item.needs_approval = PlanItem.Status.OPEN, 0, False
        item.measure, item.mentor = measure, None
        item.due_date = due_date or generation.Period.parse(plan.period).end
        item.hours, item.cost, item.incentive = _effort(item, measure)
        item.save()
        if mentor is not None:
            _check_mentor(mentor, plan=plan, item=item)
            item.mentor = mentor
            item.hours, item.cost, item.incentive = _effort(item, measure)
            item.save(update_fields=["mentor", "incentive"])
        _mark_revised(plan)
    return item


def _comment_text(text: str | None, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise PlanStateError(_("Please write what you would like to change."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise PlanStateError(_("Please keep it under %(max)s characters.") % {"max": COMMENT_MAX_LENGTH})
    return text


def plan_comment(*, plan: QualificationPlan, author: Any, text: str | None) -> PlanComment:
    """Add a comment to the plan's conversation (the employee or a lead; any status)."""
    text = _comment_text(text, required=False)
    if not text:
        raise PlanStateError(_("The comment is empty."))
    with transaction.atomic():
        plan = _locked_plan(plan.pk)
        return PlanComment.objects.create(plan=plan, author=author, kind=PlanComment.Kind.COMMENT, text=text)


def plan_request_change(*, plan: QualificationPlan, author: Any, text: str | None) -> QualificationPlan:
    """The employee asks for changes to a proposed plan: it returns to draft (kept when plans are
    generated again) with the request in its conversation."""
    text = _comment_text(text, required=True)
    with transaction.atomic():
        plan = _locked_plan(plan.pk)
        if plan.status != QualificationPlan.Status.PROPOSED:
            _refuse(plan, _("sent back for changes"))
        plan.status = QualificationPlan.Status.DRAFT
        plan.save(update_fields=["status", "updated_at"])
        _mark_revised(plan)
        PlanComment.objects.create(plan=plan, author=author, kind=PlanComment.Kind.CHANGE_REQUEST, text=text)
    return plan


def plan_item_progress(*, item: PlanItem, progress: int | str) -> PlanItem:
    """The employee reports progress (0–100 %) on an item of an agreed or running plan; 100 % means
    "finished, please confirm": the item is done only when the lead confirms it. Returns the item."""
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise PlanItemInvalid(_("Progress is a whole number of percent.")) from None
    if not 0 <= progress <= 100:
        raise PlanItemInvalid(_("Progress lies between 0 and 100 %."))
    with transaction.atomic():
        plan = _locked_plan(item.plan_id)
        item = PlanItem.objects.select_for_update().get(pk=item.pk)
        if plan.status not in QualificationPlan.AGREED_STATUSES:
            _refuse(plan, _("worked on"))
        if item.status in (PlanItem.Status.DONE, PlanItem.Status.DROPPED):
            raise PlanStateError(
                _("This item is already %(status)s.") % {"status": item.get_status_display().lower()}
            )
        item.progress = progress
        item.status = PlanItem.Status.IN_PROGRESS if progress > 0 else PlanItem.Status.OPEN
        item.save(update_fields=["progress", "status"])
        if progress > 0 and plan.status == QualificationPlan.Status.AGREED:
            plan.status = QualificationPlan.Status.IN_PROGRESS
            plan.save(update_fields=["status", "updated_at"])
    return item


# --------------------------------------------------------------------------------------------------
# Measure catalogue


class MeasureInvalid(ValidationError, ValueError):
    """A measure that cannot be saved; the message says why (by field) and nothing was written."""

    def __str__(self) -> str:
        return " ".join(self.messages)


MEASURE_FIELDS = ("title", "kind", "description", "duration_hours", "cost", "provider", "is_active")


def measure_competencies_check(*, ranges: Sequence[Mapping[str, Any]]) -> None:
    """MeasureInvalid unless the measure names at least one competency, each once, each with a range
    that rises from one level of its scale to a higher one (``ranges``: dicts of competency,
    from_level, to_level)."""
    if not ranges:
        raise MeasureInvalid({"competencies": [_("Name at least one competency the measure develops.")]})
    seen = set()
    for entry in ranges:
        competency = entry["competency"]
        if competency.pk in seen:
            raise MeasureInvalid(
                {
                    "competencies": [
                        _("%(competency)s is listed twice; give it one range.")
                        % {"competency": competency.name}
                    ]
                }
            )
        seen.add(competency.pk)
    levels = scale_levels(competency_ids=seen)
    for index, entry in enumerate(ranges):
        competency = entry["competency"]
        try:
            for name in ("from_level", "to_level"):
                level_check(
                    competency=competency,
                    level=entry[name],
                    levels=levels[competency.pk],
                    field=f"competencies.{index}.{name}",
                )
        except ValidationError as error:
            raise MeasureInvalid(error) from None
        if entry["to_level"] <= entry["from_level"]:
            raise MeasureInvalid(
                {f"competencies.{index}.to_level": [_("The target level must lie above the start level.")]}
            )


def measure_save(
    *,
    measure: Measure | None = None,
    fields: Mapping[str, Any],
    ranges: Sequence[Mapping[str, Any]] | None,
) -> Measure:
    """Create or change a measure with the competency ranges it develops (``ranges``: dicts with
    competency, from_level, to_level; they replace the measure's ranges, ``None`` keeps them on a
    change). The ranges are checked by ``measure_competencies_check``. Returns the measure."""
    if ranges is not None or measure is None:
        ranges = list(ranges or [])
        measure_competencies_check(ranges=ranges)
    with transaction.atomic():
        measure = measure or Measure()
        fields_assign(measure, fields, MEASURE_FIELDS)
        measure.save()
        if ranges is not None:
            kept = [entry["competency"].pk for entry in ranges]
            MeasureCompetency.objects.filter(measure=measure).exclude(competency_id__in=kept).delete()
            for entry in ranges:
                MeasureCompetency.objects.update_or_create(
                    measure=measure,
                    competency=entry["competency"],
                    defaults={"from_level": entry["from_level"], "to_level": entry["to_level"]},
                )
    return measure


def measure_delete(*, measure: Measure) -> None:
    """Delete a measure; ProtectedError while plan items still name it."""
    with transaction.atomic():
        measure.delete()
