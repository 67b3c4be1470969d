"""Read-side queries for the catalogue and people. The effective-level rule of SPEC.md lives here, once."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from . import hooks
from .i18n import localized
from .models import (
    AccountSettings,
    Assessment,
    Competency,
    Employee,
    EvidenceFile,
    Interest,
    RoleRequirement,
    ScaleLevel,
    SelfAssessmentDraft,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

EFFECTIVE_COLUMNS = ["employee_id", "competency_id", "level", "source", "assessed_on", "confirmed"]


class CompetencyForEmployee(TypedDict):
    """What ``competencies_for_employee`` annotates on each competency."""

    role_target: int | None
    interest_id: int | None
    interest_target: int | None
    self_level: int | None
    self_id: int | None
    self_on: datetime.date | None


# Ids of people or competencies: a list of ints or a values() queryset (used as a subquery).
Ids = Iterable[int] | QuerySet[Any]


def count_unconfirmed() -> bool:
    return bool(getattr(settings, "SERVICELEAD_COUNT_UNCONFIRMED", True))


def _id_filter(column: str, ids: Ids | None, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
    """SQL and params restricting ``column`` to ``ids`` (a list of ints or a values() queryset)."""
    if ids is None:
        return "", []
    if hasattr(ids, "query"):
        sql, params = ids.query.get_compiler(connection=connection).as_sql()
        return f" AND {column} IN ({sql})", list(params)
    ids = [int(i) for i in ids]
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


def _effective_rows(
    *, dates: Iterable[datetime.date], employee_ids: Ids | None = None, competency_ids: Ids | None = None
) -> list[tuple[Any, ...]]:
    """The rows of ``effective_levels_at``: (on, *EFFECTIVE_COLUMNS) tuples as the database returns them."""
    dates = sorted(set(dates))
    table = Assessment._meta.db_table
    connection = connections[router.db_for_read(Assessment)]
    cast = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    date_rows = " UNION ALL ".join(f"SELECT {cast} AS on_date" for _ in dates)
    employee_sql, employee_params = _id_filter("a.employee_id", employee_ids, connection)
    competency_sql, competency_params = _id_filter("a.competency_id", competency_ids, connection)
    confirmed = "CASE WHEN a.source = 'self' THEN 0 ELSE 1 END"
    if connection.vendor == "postgresql" and len(dates) == 1:
        # One date on PostgreSQL: DISTINCT ON takes each pair's first row in the rule's order, which
        # assessment_effective_idx holds (same expression): no sort and no window, a third of the time for
        # a whole organisation. The window below gives the same rows; SQLite and several dates take it.
        sql = f"""
            SELECT DISTINCT ON (a.employee_id, a.competency_id)
                   CAST(%s AS date), a.employee_id, a.competency_id, a.level, a.source, a.assessed_on,
                   {confirmed} AS confirmed
            FROM {table} a
            WHERE a.assessed_on <= CAST(%s AS date)
                AND (a.valid_until IS NULL OR a.valid_until >= CAST(%s AS date)){employee_sql}{competency_sql}
            ORDER BY a.employee_id, a.competency_id, {confirmed} DESC, a.assessed_on DESC, a.id DESC
        """  # noqa: S608 - only placeholders and our own table/column names are interpolated  # nosec B608
        day = dates[0].isoformat()
        with connection.cursor() as cursor:
            cursor.execute(sql, [day, day, day, *employee_params, *competency_params])
            return cursor.fetchall()
    sql = f"""
        WITH dates AS ({date_rows})
        SELECT on_date, employee_id, competency_id, level, source, assessed_on, confirmed FROM (
            SELECT d.on_date, a.employee_id, a.competency_id, a.level, a.source, a.assessed_on,
                   {confirmed} AS confirmed,
                   ROW_NUMBER() OVER (
                       PARTITION BY d.on_date, a.employee_id, a.competency_id
                       ORDER BY {confirmed} DESC, a.assessed_on DESC, a.id DESC
                   ) AS rank
            FROM {table} a
            JOIN dates d ON a.assessed_on <= d.on_date
                AND (a.valid_until IS NULL OR a.valid_until >= d.on_date)
            WHERE 1 = 1{employee_sql}{competency_sql}
        ) ranked
        WHERE rank = 1
        ORDER BY on_date, employee_id, competency_id
    """  # noqa: S608 - only placeholders and our own table/column names are interpolated  # nosec B608
    params = [d.isoformat() for d in dates] + employee_params + competency_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def effective_levels_at(
    *, dates: Iterable[datetime.date], employee_ids: Ids | None = None, competency_ids: Ids | None = None
) -> pd.DataFrame:
    """Effective levels on each of ``dates`` in one SQL query; the effective-level rule of SPEC.md.

    Among the assessments valid on a date (``assessed_on <= d`` and ``valid_until`` empty or ``>= d``)
    a confirmed source (manager, certificate, import) beats ``self``; then the most recent
    ``assessed_on``; then the later-created row (higher id). Pairs without a valid assessment are absent
    (level 0, *unassessed*). ``employee_ids``/``competency_ids``: lists of ids or values() querysets.

    Returns a DataFrame with columns ``on`` (date) plus EFFECTIVE_COLUMNS."""
    rows = _effective_rows(dates=dates, employee_ids=employee_ids, competency_ids=competency_ids)
    frame = pd.DataFrame.from_records(rows, columns=["on", *EFFECTIVE_COLUMNS])
    frame = frame.astype({"employee_id": "int64", "competency_id": "int64", "level": "int64"})
    frame["confirmed"] = frame["confirmed"].astype(bool)
    for column in ("on", "assessed_on"):
        if len(frame) and isinstance(frame[column].iloc[0], str):
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d").dt.date
    return frame


def effective_levels(
    *, on: datetime.date, employee_ids: Ids | None = None, competency_ids: Ids | None = None
) -> pd.DataFrame:
    """DataFrame of effective levels on ``on``: one row per assessed (employee, competency) pair.

    Columns: employee_id, competency_id, level, source, assessed_on, confirmed (bool)."""
    frame = effective_levels_at(dates=[on], employee_ids=employee_ids, competency_ids=competency_ids)
    return frame.drop(columns="on")


class EffectiveLevel(NamedTuple):
    """One row of ``effective_levels`` (its fields are EFFECTIVE_COLUMNS)."""

    employee_id: int
    competency_id: int
    level: int
    source: str
    assessed_on: datetime.date
    confirmed: bool


def effective_level_records(*, on: datetime.date, employee_ids: Ids) -> list[EffectiveLevel]:
    """``effective_levels`` as a list of EffectiveLevel tuples, without building a DataFrame: for the
    pages of one person or one team, where pandas would cost more than the query."""
    records: list[EffectiveLevel] = []
    for _on, employee_id, competency_id, level, source, assessed_on, confirmed in _effective_rows(
        dates=[on], employee_ids=employee_ids
    ):
        if isinstance(assessed_on, str):
            assessed_on = datetime.date.fromisoformat(assessed_on)
        records.append(
            EffectiveLevel(
                int(employee_id), int(competency_id), int(level), source, assessed_on, bool(confirmed)
            )
        )
    return records


def employee_effective_levels(*, employee: Employee, on: datetime.date | None = None) -> list[dict[str, Any]]:
    """The employee's effective level in every competency they have been assessed in, as records.

    Each record: competency (id, name, category), level, source, assessed_on, confirmed."""
    on = on or timezone.localdate()
    frame = effective_levels(on=on, employee_ids=[employee.pk])
    by_competency = {row.competency_id: row for row in frame.itertuples(index=False)}
    competencies = Competency.objects.filter(pk__in=by_competency).select_related("category")
    records = []
    for competency in competencies:
        row = by_competency[competency.pk]
        records.append(
            {
                "competency": competency,
                "level": int(row.level),
                "source": row.source,
                "source_label": Assessment.Source(row.source).label,
                "assessed_on": row.assessed_on,
                "confirmed": bool(row.confirmed),
            }
        )
    return records


def employees_active(*, on: datetime.date | None = None) -> QuerySet[Employee]:
    """Employees that have not left by ``on``."""
    on = on or timezone.localdate()
    return Employee.objects.filter(is_active=True).exclude(left_on__lt=on)


# --- Self-assessment, profile, review and certificates -------------------------------------------------


def scale_levels_by_scale(*, scale_ids: Iterable[int] | None = None) -> dict[int, list[ScaleLevel]]:
    """dict scale_id → list of ScaleLevel (value order), in one query."""
    levels = ScaleLevel.objects.order_by("scale_id", "value")
    if scale_ids is not None:
        levels = levels.filter(scale_id__in=list(scale_ids))
    found: defaultdict[int, list[ScaleLevel]] = defaultdict(list)
    for level in levels:
        found[level.scale_id].append(level)
    return dict(found)


def _latest_self(employee_id: int, field: str) -> Subquery:
    latest = Assessment.objects.filter(
        employee_id=employee_id, competency_id=OuterRef("pk"), source=Assessment.Source.SELF
    ).order_by("-assessed_on", "-id")
    return Subquery(latest.values(field)[:1])


def competencies_for_employee(
    *, employee: Employee
) -> "QuerySet[WithAnnotations[Competency, CompetencyForEmployee]]":
    """Every competency with the employee's role target, development interest and latest self-assessment
    annotated (``role_target``, ``interest_id``, ``interest_target``, ``self_level``, ``self_id``,
    ``self_on``), in one query whatever the size of the catalogue."""
    interest = Interest.objects.filter(employee_id=employee.pk, competency_id=OuterRef("pk"))
    role_target: Subquery | Value
    if employee.role_profile_id:
        role_target = Subquery(
            RoleRequirement.objects.filter(
                role_profile_id=employee.role_profile_id, competency_id=OuterRef("pk")
            ).values("target_level")[:1]
        )
    else:
        role_target = Value(None, output_field=IntegerField())
    return (
        Competency.objects.filter(retired_at__isnull=True)
        .select_related("category")
        .annotate(
            role_target=role_target,
            interest_id=Subquery(interest.values("pk")[:1]),
            interest_target=Subquery(interest.values("target_level")[:1]),
            self_level=_latest_self(employee.pk, "level"),
            self_id=_latest_self(employee.pk, "pk"),
            self_on=_latest_self(employee.pk, "assessed_on"),
        )
        .order_by("category__position", localized("category__name"), localized("name"))
    )


def _required_by_others(employee: Employee, on: datetime.date) -> dict[int, tuple[int, list[str]]]:
    """competency id → (highest level, [labels]) that registered providers (the person's teams) require."""
    required: dict[int, tuple[int, list[str]]] = {}
    for _employee_id, competency_id, level, label in hooks.required_levels(employee_ids=[employee.pk], on=on):
        current_level, labels = required.get(competency_id, (0, []))
        required[competency_id] = (max(current_level, level), [*labels, label])
    return required


def self_assessment_page(*, employee: Employee, on: datetime.date | None = None) -> dict[str, Any]:
    """Everything the self-assessment page shows, in five queries (plus the providers' own).

    Returns ``rows`` (dicts, competencies that concern the person first: role profile and team
    requirements, then those they assessed, are interested in or added), ``addable`` (an unevaluated
    queryset of the competencies in use not on the page) and ``version`` (the id of the person's latest
    self-assessment, 0 for none: a form
    rendered with an older version is stale)."""
    on = on or timezone.localdate()
    required = _required_by_others(employee, on)
    try:
        # Read with the employee when the caller used select_related("self_assessment_draft").
        draft = employee.self_assessment_draft
    except SelfAssessmentDraft.DoesNotExist:
        draft = None
    draft_rows = draft.rows if draft else {}
    added = {int(pk) for pk in (draft.added if draft else [])}
    # Only what concerns the person is read: a catalogue of 14,000 (ESCO) costs nothing here (#15 item 6).
    # The ids first (one UNION query), then the rows by id: with the subqueries in the competencies'
    # WHERE, PostgreSQL estimated most of a large catalogue to match and JIT-compiled the query (0.6 s).
    named = set(required) | added | {int(pk) for pk in draft_rows if str(pk).isdigit()}
    sources = [
        Assessment.objects.filter(employee_id=employee.pk).order_by().values_list("competency_id"),
        Interest.objects.filter(employee_id=employee.pk).order_by().values_list("competency_id"),
    ]
    if employee.role_profile_id:
        sources.append(
            RoleRequirement.objects.filter(role_profile_id=employee.role_profile_id)
            .order_by()
            .values_list("competency_id")
        )
    named |= {pk for (pk,) in sources[0].union(*sources[1:])}
    competencies = list(competencies_for_employee(employee=employee).filter(pk__in=sorted(named)))
    levels = scale_levels_by_scale(scale_ids={competency.scale_id for competency in competencies})
    effective = {row.competency_id: row for row in effective_level_records(on=on, employee_ids=[employee.pk])}
    rows, version = [], 0
    shown: list[int] = []
    for competency in competencies:
        version = max(version, competency.self_id or 0)
        team_level, team_labels = required.get(competency.pk, (None, []))
        targets = [t for t in (competency.role_target, team_level) if t]
        source_labels = ([_("role profile")] if competency.role_target else []) + team_labels
        current = effective.get(competency.pk)
        is_required = bool(targets)
        concerns = (
            is_required
            or competency.self_id is not None
            or current is not None
            or competency.interest_id is not None
            or competency.pk in added
            or str(competency.pk) in draft_rows
        )
        if not concerns:
            continue
        shown.append(competency.pk)
        saved = draft_rows.get(str(competency.pk))
        level = saved.get("level") if saved else competency.self_level
        target = saved.get("target") if saved else competency.interest_target
        if target is not None and level is not None and target <= level:
            # A stated aim the person has reached since is no aim any more; offering it again would make
            # an unchanged page fail its own "aim above the level" check.
            target = None
        rows.append(
            {
                "competency": competency,
                "levels": levels.get(competency.scale_id, []),
                "required": max(targets) if targets else None,
                "required_by": source_labels,
                "is_required": is_required,
                "self_level": competency.self_level,
                "self_on": competency.self_on,
                "confirmed_level": int(current.level) if current is not None and current.confirmed else None,
                "confirmed_source": current.source if current is not None and current.confirmed else None,
                "level": level,
                "note": saved.get("note", "") if saved else "",
                "grow": saved.get("grow", False) if saved else competency.interest_id is not None,
                "target": target,
                # The stored aim, also when ``target`` hides it as reached: submitting keeps it then.
                "stored_target": competency.interest_target,
                "in_draft": saved is not None,
            }
        )
    rows.sort(key=lambda row: not row["is_required"])  # stable: category order within each part
    # Not read here: the page searches the catalogue as the person types (catalogue:search).
    addable = (
        Competency.objects.filter(retired_at__isnull=True)
        .exclude(pk__in=shown)
        .select_related("category")
        .order_by("category__position", "category__name", "name")
    )
    return {"rows": rows, "addable": addable, "version": version, "draft": draft}


def latest_self_assessments(*, employee: Employee) -> tuple[dict[int, tuple[int, str, int]], int]:
    """competency id → (level, note, id) of the person's latest self-assessment, and the overall
    version (the highest id among those, 0 for none). One query."""
    latest: dict[int, tuple[int, str, int]] = {}
    version = 0
    rows = (
        Assessment.objects.filter(employee=employee, source=Assessment.Source.SELF)
        .order_by("competency_id", "assessed_on", "id")
        .values_list("competency_id", "level", "note", "id")
    )
    for competency_id, level, note, pk in rows:
        latest[competency_id] = (level, note, pk)
        version = max(version, pk)
    return latest, version


def employee_assessment_rows(*, employee_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Every assessment of ``employee_ids`` as dicts ordered by record time, with its evidence file
    (if any) and the scale's label of its level, in one query: the raw history the profile reads."""
    evidence = EvidenceFile.objects.filter(assessment_id=OuterRef("pk")).order_by("id").values("pk")[:1]
    label = (
        ScaleLevel.objects.filter(scale_id=OuterRef("competency__scale_id"), value=OuterRef("level"))
        .annotate(text=localized("label"))
        .values("text")
    )
    return list(
        Assessment.objects.filter(employee_id__in=list(employee_ids))
        .annotate(evidence_id=Subquery(evidence), level_label=Subquery(label[:1]))
        .order_by("employee_id", "competency_id", "created_at", "id")
        .values(
            "id",
            "employee_id",
            "competency_id",
            "level",
            "source",
            "assessed_on",
            "valid_until",
            "note",
            "created_at",
            "assessed_by__username",
            "evidence_id",
            "level_label",
        )
    )


def employee_profile(*, employee: Employee, on: datetime.date | None = None) -> dict[str, Any]:
    """Everything the profile page shows about levels, interests, history and certificates, as records,
    in three queries whatever the number of competencies.

    ``groups``: current levels by category (role-profile competencies without an assessment at 0);
    ``interests``; ``certificates`` (newest per competency, with expiry state); ``history`` (per
    competency the self and confirmed assessments over time) and ``radar`` (role-profile competencies)."""
    on = on or timezone.localdate()
    effective = {row.competency_id: row for row in effective_level_records(on=on, employee_ids=[employee.pk])}
    history_rows = employee_assessment_rows(employee_ids=[employee.pk])
    interest = Interest.objects.filter(employee_id=employee.pk, competency_id=OuterRef("pk"))
    # Subqueries, not joins: joining every interest and role requirement and then DISTINCT made the
    # planner scan them all (1.4 s on organisation L).
    assessed = set(effective) | {row["competency_id"] for row in history_rows}
    wanted = Q(pk__in=sorted(assessed)) | Q(
        pk__in=Interest.objects.filter(employee_id=employee.pk).values("competency_id")
    )
    if employee.role_profile_id:
        wanted |= Q(
            pk__in=RoleRequirement.objects.filter(role_profile_id=employee.role_profile_id).values(
                "competency_id"
            )
        )
        role_target: Subquery | Value = Subquery(
            RoleRequirement.objects.filter(
                role_profile_id=employee.role_profile_id, competency_id=OuterRef("pk")
            ).values("target_level")[:1]
        )
    else:
        role_target = Value(None, output_field=IntegerField())
    competencies = list(
        Competency.objects.filter(wanted)
        .select_related("category")
        .annotate(
            role_target=role_target,
            interest_id=Subquery(interest.values("pk")[:1]),
            interest_target=Subquery(interest.values("target_level")[:1]),
            scale_max=Subquery(
                ScaleLevel.objects.filter(scale_id=OuterRef("scale_id"))
                .order_by("-value")
                .values("value")[:1]
            ),
        )
        .order_by("category__position", localized("category__name"), localized("name"))
    )
    # The label of a level is read from the person's own assessments (a level held was assessed).
    labels: dict[tuple[int, int], str] = {}
    by_competency: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in history_rows:
        row["source_label"] = Assessment.Source(row["source"]).label
        labels[(row["competency_id"], row["level"])] = row["level_label"] or ""
        by_competency[row["competency_id"]].append(row)

    groups: list[dict[str, Any]] = []
    interests: list[dict[str, Any]] = []
    certificates: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    radar: list[dict[str, Any]] = []
    for competency in competencies:
        current = effective.get(competency.pk)
        level = int(current.level) if current is not None else 0
        rows = by_competency.get(competency.pk, [])
        if current is not None or competency.role_target:
            record = {
                "competency": competency,
                "level": level,
                "label": labels.get((competency.pk, level), ""),
                "assessed": current is not None,
                "source": current.source if current is not None else None,
                "source_label": Assessment.Source(current.source).label if current is not None else "",
                "assessed_on": current.assessed_on if current is not None else None,
                "confirmed": bool(current.confirmed) if current is not None else False,
                "target": competency.role_target,
                "below_target": bool(competency.role_target) and level < competency.role_target,
                "interest_target": competency.interest_target,
            }
            if not groups or groups[-1]["category"].pk != competency.category_id:
                groups.append({"category": competency.category, "rows": []})
            groups[-1]["rows"].append(record)
            if competency.role_target:
                radar.append(record)
        if competency.interest_id is not None:
            interests.append({"competency": competency, "target": competency.interest_target, "level": level})
        certificate = _current_certificate(rows)
        if certificate is not None:
            days_left = (certificate["valid_until"] - on).days if certificate["valid_until"] else None
            certificates.append(
                {
                    "competency": competency,
                    **certificate,
                    "days_left": days_left,
                    "expired": days_left is not None and days_left < 0,
                    "expiring": days_left is not None and 0 <= days_left <= 60,
                }
            )
        if rows:
            history.append({"competency": competency, "rows": rows})
    return {
        "groups": groups,
        "interests": interests,
        "certificates": certificates,
        "history": history,
        "radar": radar,
        "max_level": max((c.scale_max or 0 for c in competencies), default=4) or 4,
    }


def _current_certificate(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The person's certificate of one competency that is valid longest (the latest when none is valid)."""
    found = [row for row in rows if row["source"] == Assessment.Source.CERTIFICATE]
    if not found:
        return None
    return max(
        found, key=lambda row: (row["valid_until"] or datetime.date.max, row["assessed_on"], row["id"])
    )


def certificates_expiring(
    *, employee_ids: Ids, on: datetime.date | None = None, within_days: int = 60
) -> list[dict[str, Any]]:
    """Certificates of ``employee_ids`` (ids or a values() queryset) that expire within ``within_days``
    of ``on`` and have not been renewed, as records ordered by expiry (two queries).

    Each record: employee (id, name, personnel_no), competency (id, name), level, issued_on,
    valid_until, days_left."""
    on = on or timezone.localdate()
    horizon = on + datetime.timedelta(days=within_days)
    certificate = Assessment.Source.CERTIFICATE
    # A renewal is another certificate of the same pair valid beyond this one (or without an end).
    renewed = Assessment.objects.filter(
        source=certificate, employee_id=OuterRef("employee_id"), competency_id=OuterRef("competency_id")
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
    rows = (
        Assessment.objects.filter(source=certificate, employee_id__in=employee_ids)
        .filter(valid_until__gte=on, valid_until__lte=horizon)
        .exclude(employee__is_active=False)
        .annotate(renewed=Exists(renewed))
        .filter(renewed=False)
        .order_by("valid_until", "employee__name", localized("competency__name"), "id")
        .values(
            "id",
            "employee_id",
            "employee__name",
            "employee__personnel_no",
            "competency_id",
            "level",
            "assessed_on",
            "valid_until",
            competency__name=localized("competency__name"),
        )
    )
    return [
        {
            "assessment_id": row["id"],
            "employee": {
                "id": row["employee_id"],
                "name": row["employee__name"],
                "personnel_no": row["employee__personnel_no"],
            },
            "competency": {"id": row["competency_id"], "name": row["competency__name"]},
            "level": row["level"],
            "issued_on": row["assessed_on"],
            "valid_until": row["valid_until"],
            "days_left": (row["valid_until"] - on).days,
        }
        for row in rows
    ]


def evidence_for_download(*, evidence_id: int | str) -> EvidenceFile | None:
    """The evidence file with its employee, or None."""
    return EvidenceFile.objects.select_related("employee").filter(pk=evidence_id).first()


def account_language(*, user: User) -> str:
    """The interface language the login chose (a code of settings.LANGUAGES), or "" when none."""
    return AccountSettings.objects.filter(user=user).values_list("language", flat=True).first() or ""
