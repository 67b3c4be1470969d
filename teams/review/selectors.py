"""Read side of leader confirmation and campaigns: the review rows of a person and of a team, the
calibration list, expiring certificates of a team, and who has submitted in a campaign."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone

from competencies import works_council
from competencies.i18n import localized
from competencies.models import Assessment, AuditEntry, Category, Competency, Employee
from competencies.permissions import AnyUser
from competencies.roles import is_hr_or_admin
from competencies.selectors import certificates_expiring, effective_level_records, scale_levels_by_scale

from ..models import Campaign, Team, TeamRequirement
from ..selectors import led_team_ids, memberships_active

CONFIRMED = list(Assessment.CONFIRMED_SOURCES)
SELF = Assessment.Source.SELF
CALIBRATION_LIMIT = 25


def _latest(employee_id: int, field: str, **filters: Any) -> Subquery:
    # Ordered like assessment_lookup_idx (employee, competency, assessed_on): an index range per pair.
    rows = Assessment.objects.filter(employee_id=employee_id, competency_id=OuterRef("pk"), **filters)
    return Subquery(rows.order_by("-assessed_on", "-id").values(field)[:1])


def _max_id(employee_id: int, **filters: Any) -> Subquery:
    """The id of the pair's most recently recorded assessment (ids grow with record time)."""
    rows = Assessment.objects.filter(employee_id=employee_id, competency_id=OuterRef("pk"), **filters)
    return Subquery(rows.order_by().values("competency_id").annotate(last=Max("id")).values("last"))


def _discussion(employee_id: int, field: str) -> Subquery:
    rows = AuditEntry.objects.filter(
        employee_id=employee_id, competency_id=OuterRef("pk"), action=AuditEntry.Action.DISCUSSION
    )
    return Subquery(rows.order_by("-id").values(field)[:1])


def employee_with_viewer(*, employee_id: int, user: AnyUser) -> tuple[Employee | None, Employee | None]:
    """(the employee or None, ``user``'s own employee record or None) in one query; the navigation
    needs the latter on every page."""
    condition = Q(pk=employee_id)
    if user.is_authenticated:
        condition |= Q(user=user)
    found = {e.pk: e for e in Employee.objects.select_related("role_profile").filter(condition)}
    employee = found.get(employee_id)
    own = next((e for e in found.values() if e.user_id == user.pk), None)
    return employee, own


def _decorate(
    row: dict[str, Any], levels: dict[int, Any], effective: dict[tuple[int, int], Any]
) -> dict[str, Any]:
    """Add the scale, the current confirmed level, the difference and the pending state to a row."""
    current = effective.get((row["employee_id"], row["competency"].pk))
    confirmed = int(current.level) if current is not None and current.confirmed else None
    self_level = row["self_level"]
    difference = self_level - confirmed if self_level is not None and confirmed is not None else None
    row.update(
        levels=levels.get(row["competency"].scale_id, []),
        confirmed_level=confirmed,
        confirmed_source=current.source if current is not None and confirmed is not None else None,
        difference=difference,
        # Pending: a self-assessment newer than every confirmation, not yet decided.
        pending=row["self_id"] is not None and (row["confirmed_id"] or 0) < row["self_id"],
        unchanged=difference == 0,
        prefix=f"e{row['employee_id']}-c{row['competency'].pk}",
    )
    return row


def member_review_rows(*, employee: Employee, on: datetime.date | None = None) -> list[dict[str, Any]]:
    """Every competency that concerns the person (role profile, their teams' requirements, anything
    assessed) with the latest self-assessment and note, the current confirmed level, the difference,
    whether it waits for a decision and whether it is marked for discussion. Three queries."""
    on = on or timezone.localdate()
    team_ids = memberships_active(on=on).filter(employee=employee).values("team_id")
    concerns = Q(pk__in=Assessment.objects.filter(employee=employee).values("competency_id")) | Q(
        pk__in=TeamRequirement.objects.filter(team_id__in=team_ids).values("competency_id")
    )
    role_target: Value | Subquery = Value(None, output_field=IntegerField())
    role_profile = employee.role_profile if employee.role_profile_id else None
    if role_profile is not None:
        concerns |= Q(pk__in=role_profile.requirements.values("competency_id"))
        role_target = Subquery(
            role_profile.requirements.filter(competency_id=OuterRef("pk")).values("target_level")[:1]
        )
    team_target = Subquery(
        TeamRequirement.objects.filter(competency_id=OuterRef("pk"), team_id__in=team_ids)
        .order_by("-required_level")
        .values("required_level")[:1]
    )
    competencies = (
        Competency.objects.filter(concerns)
        .select_related("category")
        .annotate(
            role_target=role_target,
            team_target=team_target,
            self_id=_latest(employee.pk, "id", source=SELF),
            self_level=_latest(employee.pk, "level", source=SELF),
            self_on=_latest(employee.pk, "assessed_on", source=SELF),
            self_note=_latest(employee.pk, "note", source=SELF),
            self_created=_latest(employee.pk, "created_at", source=SELF),
            confirmed_id=_max_id(employee.pk, source__in=CONFIRMED),
            latest_id=_max_id(employee.pk),
            discussion_id=_discussion(employee.pk, "id"),
            discussion_reason=_discussion(employee.pk, "reason"),
            discussion_by=_discussion(employee.pk, "actor_name"),
            discussion_created=_discussion(employee.pk, "created_at"),
        )
        .order_by("category__position", localized("category__name"), localized("name"))
    )
    effective = {
        (row.employee_id, row.competency_id): row
        for row in effective_level_records(on=on, employee_ids=[employee.pk])
    }
    levels = scale_levels_by_scale()
    rows: list[dict[str, Any]] = []
    for competency in competencies:
        targets = [t for t in (competency.role_target, competency.team_target) if t]
        row = {
            "employee_id": employee.pk,
            "employee": employee,
            "competency": competency,
            "required": max(targets) if targets else None,
            "self_id": competency.self_id,
            "self_level": competency.self_level,
            "self_on": competency.self_on,
            "self_note": competency.self_note or "",
            "confirmed_id": competency.confirmed_id,
            "latest_id": competency.latest_id or 0,
            "discussion_id": competency.discussion_id,
            "discussion_reason": competency.discussion_reason or "",
            "discussion_by": competency.discussion_by or "",
        }
        _decorate(row, levels, effective)
        # A discussion mark counts while the self-assessment it was about still waits for a decision.
        row["discussion"] = (
            row["pending"]
            and competency.discussion_created is not None
            and competency.discussion_created >= competency.self_created
        )
        rows.append(row)
    return rows


def _latest_self_ids(member_ids: Sequence[int], *, undecided: bool) -> QuerySet[Any]:
    """values() queryset of the id of each pair's most recently recorded self-assessment among
    ``member_ids``; with ``undecided``, only where no confirmation was recorded after it. One scan of
    the members' assessments, grouped by pair."""
    pairs = (
        Assessment.objects.filter(employee_id__in=member_ids)
        .order_by()
        .values("employee_id", "competency_id")
        .annotate(
            last_self=Max("id", filter=Q(source=SELF)),
            last_confirmed=Max("id", filter=Q(source__in=CONFIRMED)),
        )
        .filter(last_self__isnull=False)
    )
    if undecided:
        pairs = pairs.filter(Q(last_confirmed__isnull=True) | Q(last_confirmed__lt=F("last_self")))
    return pairs.values("last_self")


def team_review_queue(
    *, team: Team, members: Sequence[Employee], on: datetime.date | None = None
) -> list[dict[str, Any]]:
    """The self-assessments of ``members`` (employees of ``team``) that wait for a decision, by person
    and category: the latest self-assessment of each pair recorded after any confirmation. Three queries."""
    on = on or timezone.localdate()
    member_ids = [member.pk for member in members]
    discussion = AuditEntry.objects.filter(
        employee_id=OuterRef("employee_id"),
        competency_id=OuterRef("competency_id"),
        action=AuditEntry.Action.DISCUSSION,
        created_at__gte=OuterRef("created_at"),
    ).order_by("-id")
    pending = (
        Assessment.objects.filter(pk__in=_latest_self_ids(member_ids, undecided=True))
        .annotate(
            discussion_id=Subquery(discussion.values("id")[:1]),
            discussion_reason=Subquery(discussion.values("reason")[:1]),
            discussion_by=Subquery(discussion.values("actor_name")[:1]),
        )
        .values(
            "id",
            "employee_id",
            "competency_id",
            "level",
            "assessed_on",
            "note",
            "discussion_id",
            "discussion_reason",
            "discussion_by",
            "competency__scale_id",
            "competency__category_id",
            "competency__category__position",
            competency__name=localized("competency__name"),
            competency__category__name=localized("competency__category__name"),
        )
    )
    effective = {
        (row.employee_id, row.competency_id): row
        for row in effective_level_records(on=on, employee_ids=member_ids)
    }
    levels = scale_levels_by_scale()
    by_id = {member.pk: member for member in members}
    order = {member.pk: index for index, member in enumerate(members)}
    competencies: dict[int, Competency] = {}
    rows: list[dict[str, Any]] = []
    for found in pending:
        competency = competencies.get(found["competency_id"])
        if competency is None:
            # A queue can hold a thousand rows over a few dozen competencies: one object per competency.
            competency = competencies[found["competency_id"]] = Competency(
                id=found["competency_id"],
                name=found["competency__name"],
                scale_id=found["competency__scale_id"],
                category=Category(
                    id=found["competency__category_id"],
                    name=found["competency__category__name"],
                    position=found["competency__category__position"],
                ),
            )
        row = {
            "employee_id": found["employee_id"],
            "employee": by_id[found["employee_id"]],
            "competency": competency,
            "required": None,
            "self_id": found["id"],
            "self_level": found["level"],
            "self_on": found["assessed_on"],
            "self_note": found["note"],
            "confirmed_id": None,
            # Nothing was recorded for the pair after this self-assessment: that is what pending means.
            "latest_id": found["id"],
            "discussion_id": found["discussion_id"],
            "discussion_reason": found["discussion_reason"] or "",
            "discussion_by": found["discussion_by"] or "",
        }
        _decorate(row, levels, effective)
        row["discussion"] = found["discussion_id"] is not None
        rows.append(row)
    rows.sort(
        key=lambda r: (
            order[r["employee_id"]],
            r["competency"].category.position,
            r["competency"].category.name,
            r["competency"].name,
        )
    )
    return rows


def group_by_person(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """[{"employee", "rows"}] in row order."""
    groups: list[dict[str, Any]] = []
    for row in rows:
        if not groups or groups[-1]["employee"].pk != row["employee_id"]:
            groups.append({"employee": row["employee"], "rows": []})
        groups[-1]["rows"].append(row)
    return groups


def team_members_with_viewer(
    *, team: Team, user: AnyUser, on: datetime.date | None = None
) -> tuple[list[Employee], Employee | None]:
    """(active members of ``team`` ordered by name, ``user``'s own employee record or None), one query."""
    on = on or timezone.localdate()
    member_ids = memberships_active(on=on).filter(team=team).values("employee_id")
    condition = Q(pk__in=member_ids)
    if user.is_authenticated:
        condition |= Q(user=user)
    rows = list(
        Employee.objects.filter(condition)
        .annotate(is_member=Exists(memberships_active(on=on).filter(team=team, employee_id=OuterRef("pk"))))
        .select_related("role_profile")
        .order_by("name", "id")
    )
    own = next((e for e in rows if user.is_authenticated and e.user_id == user.pk), None)
    return [e for e in rows if e.is_member], own


def team_calibration(
    *,
    team: Team,
    members: Sequence[Employee],
    on: datetime.date | None = None,
    limit: int = CALIBRATION_LIMIT,
) -> dict[str, Any]:
    """Where self-view and confirmed level differ most in the team: the pairs with the largest absolute
    difference between the latest self-assessment and the current confirmed level, and per person the
    average difference (positive: rates themselves higher than confirmed). Two queries."""
    on = on or timezone.localdate()
    member_ids = [member.pk for member in members]
    names = {member.pk: member for member in members}
    latest_self = Assessment.objects.filter(pk__in=_latest_self_ids(member_ids, undecided=False)).values_list(
        "employee_id", "competency_id", "level", localized("competency__name")
    )
    effective = {
        (row.employee_id, row.competency_id): row
        for row in effective_level_records(on=on, employee_ids=member_ids)
    }
    pairs: list[dict[str, Any]] = []
    per_person: defaultdict[int, list[int]] = defaultdict(list)
    for employee_id, competency_id, self_level, competency_name in latest_self:
        current = effective.get((employee_id, competency_id))
        if current is None or not current.confirmed:
            continue
        difference = self_level - int(current.level)
        per_person[employee_id].append(difference)
        if difference:
            pairs.append(
                {
                    "employee": names[employee_id],
                    "competency": competency_name,
                    "self_level": self_level,
                    "confirmed_level": int(current.level),
                    "difference": difference,
                    "magnitude": abs(difference),
                }
            )
    pairs.sort(key=lambda p: (-p["magnitude"], p["employee"].name, p["competency"]))
    people: list[dict[str, Any]] = [
        {
            "employee": names[employee_id],
            "compared": len(differences),
            "mean": round(sum(differences) / len(differences), 2),
            "higher": sum(1 for d in differences if d > 0),
            "lower": sum(1 for d in differences if d < 0),
        }
        for employee_id, differences in per_person.items()
    ]
    if works_council.enabled("no_ranking"):
        # No ranking of persons: the largest differences (the topics for the next conversations) are listed
        # by name, and the team gets one tendency instead of one per person.
        shown = sorted(pairs[:limit], key=lambda p: (p["employee"].name, p["employee"].pk, p["competency"]))
        differences = [d for values in per_person.values() for d in values]
        team_figure = {
            "compared": len(differences),
            "people": len(per_person),
            "mean": round(sum(differences) / len(differences), 2) if differences else 0.0,
            "higher": sum(1 for d in differences if d > 0),
            "lower": sum(1 for d in differences if d < 0),
        }
        return {"pairs": shown, "total": len(pairs), "people": [], "team": team_figure}
    people.sort(key=lambda p: (-abs(p["mean"]), p["employee"].name))
    return {"pairs": pairs[:limit], "total": len(pairs), "people": people, "team": None}


def team_certificates_expiring(
    *, team: Team, on: datetime.date | None = None, within_days: int = 60
) -> list[dict[str, Any]]:
    """Certificates of the team's active members that expire within ``within_days`` and have not been
    renewed, ordered by expiry: records for the team dashboard (two queries)."""
    on = on or timezone.localdate()
    member_ids = memberships_active(on=on).filter(team=team).values("employee_id")
    return certificates_expiring(employee_ids=member_ids, on=on, within_days=within_days)


# --- Campaigns -------------------------------------------------------------------------------------------


def campaigns_visible(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns ``user`` may see and follow: all for HR and admins, else those of teams they lead."""
    campaigns = Campaign.objects.all()
    if not is_hr_or_admin(user):
        campaigns = campaigns.filter(teams__in=list(led_team_ids(user))).distinct()
    return campaigns.order_by("-deadline", "-id")


def campaigns_open_for_employee(*, employee: Employee, on: datetime.date | None = None) -> list[Campaign]:
    """Open campaigns (``opens_on <= on <= deadline``) of the person's teams, each with whether the person
    has submitted since it opened (one query)."""
    on = on or timezone.localdate()
    team_ids = memberships_active(on=on).filter(employee=employee).values("team_id")
    submitted = AuditEntry.objects.filter(
        employee=employee, action=AuditEntry.Action.SELF_SUBMITTED, created_at__date__gte=OuterRef("opens_on")
    )
    return list(
        Campaign.objects.filter(teams__in=team_ids, opens_on__lte=on, deadline__gte=on)
        .distinct()
        .annotate(submitted=Exists(submitted))
        .order_by("deadline", "id")
    )


def campaign_progress(
    *, campaign: Campaign, user: AnyUser | None = None, on: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Per team of the campaign (only those ``user`` leads, unless HR/admin or None) its active members
    and whether each has submitted since the campaign opened."""
    on = on or timezone.localdate()
    day = min(on, campaign.deadline)
    teams = list(campaign.teams.order_by("name"))
    if user is not None and not is_hr_or_admin(user):
        scope = led_team_ids(user)
        teams = [team for team in teams if team.pk in scope]
    submitted = AuditEntry.objects.filter(
        employee_id=OuterRef("employee_id"),
        action=AuditEntry.Action.SELF_SUBMITTED,
        created_at__date__gte=campaign.opens_on,
    )
    memberships = (
        memberships_active(on=day)
        .filter(team__in=teams)
        .annotate(submitted=Exists(submitted))
        .select_related("employee")
        .order_by("employee__name", "employee_id")
    )
    by_team: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for membership in memberships:
        by_team[membership.team_id].append(
            {"employee": membership.employee, "submitted": membership.submitted}
        )
    result: list[dict[str, Any]] = []
    for team in teams:
        members = by_team.get(team.pk, [])
        done = sum(1 for m in members if m["submitted"])
        result.append({"team": team, "members": members, "submitted": done, "total": len(members)})
    return result


def campaign_pending_recipients(*, campaign: Campaign, on: datetime.date | None = None) -> list[Employee]:
    """Active members of the campaign's teams who have not submitted yet and can be reached: by their login
    (notifications) or by their e-mail address."""
    on = on or timezone.localdate()
    submitted = AuditEntry.objects.filter(
        employee_id=OuterRef("pk"),
        action=AuditEntry.Action.SELF_SUBMITTED,
        created_at__date__gte=campaign.opens_on,
    )
    member_ids = memberships_active(on=on).filter(team__in=campaign.teams.all()).values("employee_id")
    return list(
        Employee.objects.filter(pk__in=member_ids, is_active=True)
        .select_related("user")
        .filter(Q(user__isnull=False) | ~Q(email=""))
        .annotate(submitted=Exists(submitted))
        .filter(submitted=False)
        .order_by("pk")
    )
