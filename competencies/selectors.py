"""Read-side queries for the catalogue and people. The effective-level rule of SPEC.md lives here, once."""

import pandas as pd
from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from .models import Assessment, Competency, Employee

EFFECTIVE_COLUMNS = ["employee_id", "competency_id", "level", "source", "assessed_on", "confirmed"]


def count_unconfirmed():
    return bool(getattr(settings, "SERVICELEAD_COUNT_UNCONFIRMED", True))


def effective_assessments(*, on, employee_ids=None, competency_ids=None):
    """Queryset of the one assessment per (employee, competency) that is effective on ``on``.

    One SQL query with a window function: among assessments valid on the date, confirmed sources
    (manager, certificate, import) beat ``self``; then the most recent ``assessed_on``; then the
    later-created row. Pairs without any valid assessment are absent (level 0, *unassessed*)."""
    qs = Assessment.objects.filter(assessed_on__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    if employee_ids is not None:
        qs = qs.filter(employee_id__in=employee_ids)
    if competency_ids is not None:
        qs = qs.filter(competency_id__in=competency_ids)
    confirmed = Case(
        When(source=Assessment.Source.SELF, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        qs.annotate(
            confirmed=confirmed,
            rank=Window(
                RowNumber(),
                partition_by=[F("employee_id"), F("competency_id")],
                order_by=[confirmed.desc(), F("assessed_on").desc(), F("id").desc()],
            ),
        )
        .filter(rank=1)
        .order_by("employee_id", "competency_id")
    )


def effective_levels(*, on, employee_ids=None, competency_ids=None):
    """DataFrame of effective levels on ``on``: one row per assessed (employee, competency) pair.

    Columns: employee_id, competency_id, level, source, assessed_on, confirmed (bool)."""
    rows = effective_assessments(on=on, employee_ids=employee_ids, competency_ids=competency_ids).values_list(
        "employee_id", "competency_id", "level", "source", "assessed_on", "confirmed"
    )
    frame = pd.DataFrame.from_records(list(rows.iterator(chunk_size=20000)), columns=EFFECTIVE_COLUMNS)
    return frame.astype(
        {"employee_id": "int64", "competency_id": "int64", "level": "int64", "confirmed": "bool"}
    )


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
