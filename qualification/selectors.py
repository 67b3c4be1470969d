"""Read-side queries for qualification plans."""

import pandas as pd

from teams.hooks import PROJECTED_COLUMNS

from .models import PlanItem, QualificationPlan

AGREED_STATUSES = (QualificationPlan.Status.AGREED, QualificationPlan.Status.IN_PROGRESS)


def projected_levels(*, employee_ids, until):
    """Targets of open items in agreed or running plans due by ``until`` (for coverage forecasts)."""
    rows = (
        PlanItem.objects.filter(
            plan__employee_id__in=employee_ids,
            plan__status__in=AGREED_STATUSES,
            due_date__isnull=False,
            due_date__lte=until,
        )
        .exclude(status__in=[PlanItem.Status.DONE, PlanItem.Status.DROPPED])
        .values_list("plan__employee_id", "competency_id", "target_level", "due_date")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=PROJECTED_COLUMNS)
    return frame.astype({"employee_id": "int64", "competency_id": "int64", "level": "int64"})
