from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors
from .models import RoleRequirement, ScaleLevel
from .permissions import employee_for_levels


def _level_rows(employee, records):
    """Effective levels grouped by category, each with the scale's label and the role-profile target.

    Role-profile competencies without any assessment appear too, at level 0 and marked unassessed."""
    targets = {}
    if employee.role_profile_id:
        requirements = RoleRequirement.objects.filter(
            role_profile_id=employee.role_profile_id
        ).select_related("competency__category")
        targets = {requirement.competency_id: requirement for requirement in requirements}
    rows = [dict(record, assessed=True) for record in records]
    assessed_ids = {record["competency"].pk for record in records}
    for competency_id, requirement in targets.items():
        if competency_id not in assessed_ids:
            rows.append(
                {
                    "competency": requirement.competency,
                    "level": 0,
                    "source": None,
                    "source_label": "",
                    "assessed_on": None,
                    "confirmed": False,
                    "assessed": False,
                }
            )
    scale_ids = {row["competency"].scale_id for row in rows}
    labels = {
        (scale_id, value): label
        for scale_id, value, label in ScaleLevel.objects.filter(scale_id__in=scale_ids).values_list(
            "scale_id", "value", "label"
        )
    }
    for row in rows:
        competency = row["competency"]
        row["label"] = labels.get((competency.scale_id, row["level"]), "")
        requirement = targets.get(competency.pk)
        row["target"] = requirement.target_level if requirement else None
        row["below_target"] = requirement is not None and row["level"] < requirement.target_level
    rows.sort(
        key=lambda row: (
            row["competency"].category.position,
            row["competency"].category.name,
            row["competency"].name,
        )
    )
    groups = []
    for row in rows:
        category = row["competency"].category
        if not groups or groups[-1]["category"].pk != category.pk:
            groups.append({"category": category, "rows": []})
        groups[-1]["rows"].append(row)
    return groups


@login_required
def employee_detail(request, employee_id):
    employee = employee_for_levels(request.user, employee_id)
    records = selectors.employee_effective_levels(employee=employee)
    interests = employee.interest_set.select_related("competency__category").order_by(
        "competency__category__position", "competency__name"
    )
    return render(
        request,
        "competencies/employee_detail.html",
        {
            "employee": employee,
            "groups": _level_rows(employee, records),
            "interests": interests,
            "is_own_profile": employee.user_id == request.user.pk,
        },
    )
