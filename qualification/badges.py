"""Badges, derived from what happened (nothing is stored): a level reached by completing a plan item,
a certificate recorded, and mentor recognition when a mentee's item completes. Because they are read
from plan items and assessments, they follow the matrix at once."""

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.i18n import localized, localized_columns
from competencies.models import Assessment

from .models import PlanItem

KIND_LEVEL = "level"
KIND_CERTIFICATE = "certificate"
KIND_MENTOR = "mentor"


def level_badge_title(*, level, competency):
    return _("Level %(level)s · %(competency)s") % {"level": level, "competency": competency}


def _earned_on(completed_on, updated_at):
    if completed_on is not None:
        return completed_on
    return timezone.localdate(updated_at) if updated_at is not None else None


# The columns ``plan_badges`` reads, one row per done plan item.
DONE_COLUMNS = (
    "plan__employee_id",
    "plan_id",
    "plan__period",
    "competency__name",
    "target_level",
    "completed_on",
    "plan__updated_at",
    "mentor_id",
    "mentor__name",
    "plan__employee__name",
)


def badges_for(*, employee_ids, on=None, include_certificates=True):
    """dict employee id → badges, newest first: {"kind", "title", "detail", "earned_on", "expired",
    "valid_until", "plan_id"}. Two queries whatever the number of people."""
    on = on or timezone.localdate()
    employee_ids = list(employee_ids)
    # Levels reached and mentees' completions in one query: done items where the person is either side.
    done = (
        PlanItem.objects.filter(status=PlanItem.Status.DONE)
        .filter(Q(plan__employee_id__in=employee_ids) | Q(mentor_id__in=employee_ids))
        .order_by()
        .values_list(*localized_columns(PlanItem, DONE_COLUMNS))
    )
    found = plan_badges(done, employee_ids=employee_ids)
    if include_certificates:
        _add_certificate_badges(found, employee_ids=employee_ids, on=on)
    return _sorted(found)


def plan_badges(rows, *, employee_ids):
    """defaultdict employee id → level and mentor badges (unsorted) from done items (DONE_COLUMNS tuples)
    where one of ``employee_ids`` is the planned person or the mentor."""
    found = defaultdict(list)
    wanted = set(employee_ids)
    for (
        employee_id, plan_id, period, competency, level, completed_on, updated_at, mentor_id, mentor, mentee
    ) in rows:  # fmt: skip
        if employee_id in wanted:
            found[employee_id].append(
                {
                    "kind": KIND_LEVEL,
                    "title": level_badge_title(level=level, competency=competency),
                    "detail": (
                        _("Plan %(period)s, with %(mentor)s as mentor") % {"period": period, "mentor": mentor}
                        if mentor
                        else _("Plan %(period)s") % {"period": period}
                    ),
                    "earned_on": _earned_on(completed_on, updated_at),
                    "expired": False,
                    "valid_until": None,
                    "plan_id": plan_id,
                }
            )
        if mentor_id in wanted:
            found[mentor_id].append(
                {
                    "kind": KIND_MENTOR,
                    "title": _("Mentor · %(competency)s") % {"competency": competency},
                    "detail": _("%(mentee)s reached level %(level)s") % {"mentee": mentee, "level": level},
                    "earned_on": _earned_on(completed_on, updated_at),
                    "expired": False,
                    "valid_until": None,
                    "plan_id": None,
                }
            )
    return found


def _add_certificate_badges(found, *, employee_ids, on):
    # One badge per certified competency: its latest certificate (a renewal replaces the badge).
    latest = {}
    for employee_id, competency_id, competency, level, assessed_on, valid_until in (
        Assessment.objects.filter(employee_id__in=employee_ids, source=Assessment.Source.CERTIFICATE)
        .order_by("employee_id", "competency_id", "assessed_on", "id")
        .values_list(
            "employee_id",
            "competency_id",
            localized("competency__name"),
            "level",
            "assessed_on",
            "valid_until",
        )
    ):
        latest[(employee_id, competency_id)] = (competency, level, assessed_on, valid_until)
    for (employee_id, _competency_id), (competency, level, assessed_on, valid_until) in latest.items():
        found[employee_id].append(
            certificate_badge(
                competency=competency, level=level, assessed_on=assessed_on, valid_until=valid_until, on=on
            )
        )


def certificate_badge(*, competency, level, assessed_on, valid_until, on):
    """The badge a certificate earns; a renewal replaces it, an expired one stays marked as such."""
    return {
        "kind": KIND_CERTIFICATE,
        "title": _("Certificate · %(competency)s") % {"competency": competency},
        "detail": _("Level %(level)s") % {"level": level},
        "valid_until": valid_until,
        "earned_on": assessed_on,
        "expired": valid_until is not None and valid_until < on,
        "plan_id": None,
    }


def _sorted(found):
    for badges in found.values():
        badges.sort(key=lambda b: (b["earned_on"] is not None, b["earned_on"], b["title"]), reverse=True)
    return dict(found)
