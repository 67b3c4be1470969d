"""What qualification tells competencies' profile pages through ``competencies.hooks``: the person's
current plan, their badges, their plans, comments, mentoring and jobs for "download my data", the removal
of comments when a person is anonymised or their retention has passed. ``register_profile_hooks`` is
called from ``QualificationConfig.ready()``."""

from collections import namedtuple

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from competencies.i18n import localized, localized_columns
from jobs.models import Job

from .badges import DONE_COLUMNS, certificate_badge, plan_badges
from .models import PlanComment, PlanItem, QualificationPlan
from .selectors import current_plan_of

_ITEM_COLUMNS = (
    "id",
    "plan__status",
    "priority",
    "current_level",
    "status",
    "progress",
    "due_date",
    *DONE_COLUMNS,
)


def _profile_items(employee):
    """One query for what the profile shows from plans: the items of the person's plans beyond draft
    (the current plan is among them) and the done items where they are the person or the mentor (badges),
    as dicts, ordered as a plan lists its items."""
    person = Q(plan__employee_id=employee.pk)
    rows = (
        PlanItem.objects.filter(
            (person & ~Q(plan__status__in=QualificationPlan.NOT_SHOWN_STATUSES))
            | Q(Q(status=PlanItem.Status.DONE), person | Q(mentor_id=employee.pk))
        )
        .order_by("priority", localized("competency__name"), "id")
        .values_list(*localized_columns(PlanItem, _ITEM_COLUMNS))
    )
    return [dict(zip(_ITEM_COLUMNS, row, strict=True)) for row in rows]


class _Plan(namedtuple("_Plan", "pk period status")):
    """As much of a plan as ``current_plan_of`` reads."""


def _current_plan(items, employee):
    rows = [
        item
        for item in items
        if item["plan__employee_id"] == employee.pk
        and item["plan__status"] not in QualificationPlan.NOT_SHOWN_STATUSES
    ]
    plans = {row["plan_id"]: _Plan(row["plan_id"], row["plan__period"], row["plan__status"]) for row in rows}
    plan = current_plan_of(sorted(plans.values(), key=lambda p: (p.period, p.pk), reverse=True))
    if plan is None:
        return None
    status_labels, item_labels = dict(QualificationPlan.Status.choices), dict(PlanItem.Status.choices)
    return {
        "period": plan.period,
        "status": str(status_labels.get(plan.status, plan.status)),
        "url": reverse("qualification:plan_detail", args=[plan.pk]),
        "items": [
            {
                "competency": row["competency__name"],
                "current": row["current_level"],
                "target": row["target_level"],
                "status": str(item_labels.get(row["status"], row["status"])),
                "progress": row["progress"],
                "due_date": row["due_date"],
            }
            for row in rows
            if row["plan_id"] == plan.pk and row["status"] != PlanItem.Status.DROPPED
        ],
    }


def _badges(items, employee, certificates):
    on = timezone.localdate()
    done = [
        tuple(item[column] for column in DONE_COLUMNS)
        for item in items
        if item["status"] == PlanItem.Status.DONE
    ]
    found = plan_badges(done, employee_ids=[employee.pk]).get(employee.pk, [])
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


def current_plan(employee):
    """The plan the person works on (not a draft still being prepared), as plain data, or None. One
    query."""
    return _current_plan(_profile_items(employee), employee)


def badges(employee, certificates=()):
    """The person's badges as ``{"title", "earned_on"}`` (and more keys the profile may ignore).

    ``certificates`` are the profile's current certificate records (it has read them already). One
    query."""
    return _badges(_profile_items(employee), employee, certificates)


def plan_and_badges(employee, certificates=()):
    """``current_plan`` and ``badges`` from the one query both read."""
    items = _profile_items(employee)
    return _current_plan(items, employee), _badges(items, employee, certificates)


def personal_data(employee):
    """The person's plans with their items and the comments on them, the items they mentor and the jobs
    their login requested, for "download my data"."""
    plans = (
        QualificationPlan.objects.filter(employee=employee)
        .order_by("period", "id")
        .values_list("period", "status", "origin", "created_by__username", "employee_comment", "created_at")
    )
    mentoring = (
        PlanItem.objects.filter(mentor=employee)
        .order_by("plan__period", localized("competency__name"), "id")
        .values_list("plan__period", localized("competency__name"), "target_level", "status")
    )
    jobs = (
        Job.objects.filter(owner=employee.user_id)
        .order_by("created_at", "id")
        .values_list("kind", "status", "created_at", "finished_at")
        if employee.user_id
        else []
    )
    items = (
        PlanItem.objects.filter(plan__employee=employee)
        .order_by("plan__period", "plan_id", "priority", "id")
        .values_list(
            "plan__period",
            "plan__status",
            localized("competency__name"),
            "current_level",
            "target_level",
            localized("measure__title"),
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
        .values_list("plan__period", "kind", "author__username", "text", "created_at")
    )
    keys = ("period", "plan_status", "competency", "current_level", "target_level", "measure", "mentor",
            "due_date", "status", "progress", "incentive", "completed_on")  # fmt: skip
    plan_keys = ("period", "status", "origin", "created_by", "employee_comment", "created_at")
    return {
        "qualification_plans": [dict(zip(plan_keys, row, strict=True)) for row in plans],
        "qualification_plan_items": [dict(zip(keys, row, strict=True)) for row in items],
        "qualification_plan_comments": [
            {"period": period, "kind": kind, "author": author or "", "text": text, "written": written}
            for period, kind, author, text, written in comments
        ],
        # The mentee is left out: that is the other person's data.
        "mentoring": [
            {"period": period, "competency": competency, "target_level": target, "status": status}
            for period, competency, target, status in mentoring
        ],
        "jobs": [
            {"kind": kind, "status": status, "requested_at": created, "finished_at": finished}
            for kind, status, created, finished in jobs
        ],
    }


def anonymise(employee):
    """Remove the free text the person wrote or received about their plans."""
    PlanComment.objects.filter(plan__employee=employee).update(text="")
    QualificationPlan.objects.filter(employee=employee).update(employee_comment="")


def purge_notes(cutoff):
    """Blank comments on plans written before ``cutoff``, and the employee's comment of plans last changed
    before it (personal notes past their retention)."""
    return {
        "plan_comments": PlanComment.objects.filter(created_at__lt=cutoff).exclude(text="").update(text=""),
        "plan_employee_comments": QualificationPlan.objects.filter(updated_at__lt=cutoff)
        .exclude(employee_comment="")
        .update(employee_comment=""),
    }


# See competencies.hooks.register_privacy_coverage.
PRIVACY_COVERAGE = {
    "qualification.QualificationPlan.employee": {
        "sections": ("qualification_plans", "qualification_plan_items", "qualification_plan_comments"),
        "anonymised": gettext_lazy(
            "comments and the employee's comment blanked; plans and items (levels, targets, "
            "measures) kept as anonymous statistics"
        ),
    },
    "qualification.QualificationPlan.created_by": {
        "sections": (),
        "anonymised": gettext_lazy("kept: part of another person's plan, attributed to the anonymised login"),
    },
    "qualification.PlanItem.mentor": {
        "sections": ("mentoring",),
        "anonymised": gettext_lazy("kept: the mentee's plan names the anonymised person"),
    },
    "qualification.PlanComment.author": {
        "sections": (),
        "anonymised": gettext_lazy(
            "comments on others' plans are part of their conversation: kept, by the anonymised "
            "login; comments on the person's own plans blanked"
        ),
    },
    "jobs.Job.owner": {
        "sections": ("jobs",),
        "anonymised": gettext_lazy(
            "kept: imports, exports and plan generation of the organisation, requested by the "
            "anonymised login"
        ),
    },
}


def register_profile_hooks():
    from competencies import hooks

    hooks.register_current_plan(current_plan)
    hooks.register_badges(badges)
    hooks.register_plan_and_badges(plan_and_badges)
    hooks.register_personal_data(personal_data)
    hooks.register_anonymiser(anonymise)
    hooks.register_note_purger(purge_notes)
    for relation, coverage in PRIVACY_COVERAGE.items():
        hooks.register_privacy_coverage(relation, **coverage)
