from django.utils.translation import gettext_lazy

"""What operations stores about a person (see competencies.hooks.register_privacy_coverage)."""

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
