"""What operations stores about a person (see competencies.hooks.register_privacy_coverage), and how long
(competencies.data_kinds)."""

from django.utils.translation import gettext_lazy

from competencies.data_kinds import DataKind
from competencies.retention import purge_model_before

PRIVACY_COVERAGE = {
    "operations.DutyEntry.employee": {
        "sections": ("duty",),
        "anonymised": gettext_lazy(
            "kept: which anonymous person was absent or on duty when (duty coverage statistics)"
        ),
    },
}


def personal_data(employee):
    """The person's absences and duty entries, for "download my data"."""
    from .models import DutyEntry

    rows = DutyEntry.objects.filter(employee=employee).values_list("kind", "start", "end")
    return {
        "duty": [
            {"kind": kind, "start": start.isoformat(), "end": end.isoformat()} for kind, start, end in rows
        ]
    }


def duty_purge(cutoff):
    """Delete absences and duty entries that ended before ``cutoff``."""
    from .models import DutyEntry

    ended = DutyEntry.objects.filter(end__lt=cutoff.date())
    return purge_model_before(kind="duty", queryset=ended, cutoff=cutoff)


DUTY_KIND = DataKind(
    "duty",
    gettext_lazy("Absences, on-call duty and shifts"),
    gettext_lazy("Knowing who is on duty on which day, to plan coverage; not to check attendance."),
    setting="SERVICELEAD_DUTY_RETENTION_DAYS",
    purge=duty_purge,
)
