"""Read-side queries for the catalogue and people. The effective-level rule of SPEC.md lives here, once."""

import pandas as pd
from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from .models import Assessment, Competency, Employee

EFFECTIVE_COLUMNS = ["employee_id", "competency_id", "level", "source", "assessed_on", "confirmed"]


def count_unconfirmed():
    return bool(getattr(settings, "SERVICELEAD_COUNT_UNCONFIRMED", True))


def _id_filter(column, ids, connection):
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


def effective_levels_at(*, dates, employee_ids=None, competency_ids=None):
    """Effective levels on each of ``dates`` in one SQL query; the effective-level rule of SPEC.md.

    Among the assessments valid on a date (``assessed_on <= d`` and ``valid_until`` empty or ``>= d``)
    a confirmed source (manager, certificate, import) beats ``self``; then the most recent
    ``assessed_on``; then the later-created row (higher id). Pairs without a valid assessment are absent
    (level 0, *unassessed*). ``employee_ids``/``competency_ids``: lists of ids or values() querysets.

    Returns a DataFrame with columns ``on`` (date) plus EFFECTIVE_COLUMNS."""
    dates = sorted(set(dates))
    table = Assessment._meta.db_table
    connection = connections[router.db_for_read(Assessment)]
    cast = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    date_rows = " UNION ALL ".join(f"SELECT {cast} AS on_date" for _ in dates)
    employee_sql, employee_params = _id_filter("a.employee_id", employee_ids, connection)
    competency_sql, competency_params = _id_filter("a.competency_id", competency_ids, connection)
    confirmed = "CASE WHEN a.source = 'self' THEN 0 ELSE 1 END"
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
    """  # noqa: S608 - only placeholders and our own table/column names are interpolated
    params = [d.isoformat() for d in dates] + employee_params + competency_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=["on", *EFFECTIVE_COLUMNS])
    frame = frame.astype({"employee_id": "int64", "competency_id": "int64", "level": "int64"})
    frame["confirmed"] = frame["confirmed"].astype(bool)
    for column in ("on", "assessed_on"):
        if len(frame) and isinstance(frame[column].iloc[0], str):
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d").dt.date
    return frame


def effective_levels(*, on, employee_ids=None, competency_ids=None):
    """DataFrame of effective levels on ``on``: one row per assessed (employee, competency) pair.

    Columns: employee_id, competency_id, level, source, assessed_on, confirmed (bool)."""
    frame = effective_levels_at(dates=[on], employee_ids=employee_ids, competency_ids=competency_ids)
    return frame.drop(columns="on")


def employee_effective_levels(*, employee, on=None):
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


def employees_active(*, on=None):
    """Employees that have not left by ``on``."""
    on = on or timezone.localdate()
    return Employee.objects.filter(is_active=True).exclude(left_on__lt=on)
