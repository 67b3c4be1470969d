"""What qualification tells competencies' profile pages through ``competencies.hooks``: the person's
current plan, their badges, their plans and comments for "download my data", and the removal of
comments when a person is anonymised. ``register_profile_hooks`` is called from
``QualificationConfig.ready()``."""

from django.urls import reverse
from django.utils import timezone

from .badges import badges_for, certificate_badge
from .models import PlanComment, PlanItem, QualificationPlan
from .selectors import current_plan_of


def current_plan(employee):
    """The plan the person works on (not a draft still being prepared), as plain data, or None.

    One query: the items of all the person's visible plans, from which the current plan is picked."""
    rows = list(
        PlanItem.objects.filter(plan__employee=employee)
        .exclude(plan__status__in=[QualificationPlan.Status.DRAFT, QualificationPlan.Status.CANCELLED])
        .select_related("plan", "competency")
        .order_by("priority", "competency__name", "id")
    )
    plans = {item.plan_id: item.plan for item in rows}
    plan = current_plan_of(sorted(plans.values(), key=lambda p: (p.period, p.pk), reverse=True))
    if plan is None:
        return None
    items = [item for item in rows if item.plan_id == plan.pk and item.status != PlanItem.Status.DROPPED]
    return {
        "period": plan.period,
        "status": plan.get_status_display(),
        "url": reverse("qualification:plan_detail", args=[plan.pk]),
        "items": [
            {
                "competency": item.competency.name,
                "current": item.current_level,
                "target": item.target_level,
                "status": item.get_status_display(),
                "progress": item.progress,
                "due_date": item.due_date,
            }
            for item in items
        ],
    }


def badges(employee, certificates=()):
    """The person's badges as ``{"title", "earned_on"}`` (and more keys the profile may ignore).

    ``certificates`` are the profile's current certificate records (it has read them already)."""
    on = timezone.localdate()
    found = badges_for(employee_ids=[employee.pk], on=on, include_certificates=False).get(employee.pk, [])
    found += [
        certificate_badge(
            competency=c["competency"].name,
            level=c["level"],
            assessed_on=c["assessed_on"],
            valid_until=c["valid_until"],
            on=on,
        )
        for c in certificates
    ]
    found.sort(key=lambda b: (b["earned_on"] is not None, b["earned_on"], b["title"]), reverse=True)
    return found


def personal_data(employee):
    """The person's plans with their items and the comments on them, for "download my data"."""
    items = (
        PlanItem.objects.filter(plan__employee=employee)
        .order_by("plan__period", "plan_id", "priority", "id")
        .values_list(
            "plan__period",
            "plan__status",
            "competency__name",
            "current_level",
            "target_level",
            "measure__title",
            "mentor__name",
            "due_date",
            "status",
            "progress",
            "incentive",
            "completed_on",
        )
    )
    comments = (
        PlanComment.objects.filter(plan__employee=employee)
        .order_by("created_at", "id")
        .values_list("plan__period", "kind", "text", "created_at")
    )
    keys = ("period", "plan_status", "competency", "current_level", "target_level", "measure", "mentor",
            "due_date", "status", "progress", "incentive", "completed_on")  # fmt: skip
    return {
        "qualification_plan_items": [dict(zip(keys, row, strict=True)) for row in items],
        "qualification_plan_comments": [
            {"period": period, "kind": kind, "text": text, "written": written}
            for period, kind, text, written in comments
        ],
    }


def anonymise(employee):
    """Remove the free text the person wrote or received about their plans."""
    PlanComment.objects.filter(plan__employee=employee).update(text="")
    QualificationPlan.objects.filter(employee=employee).update(employee_comment="")


def register_profile_hooks():
    from competencies import hooks

    hooks.register_current_plan(current_plan)
    hooks.register_badges(badges)
    hooks.register_personal_data(personal_data)
    hooks.register_anonymiser(anonymise)
