"""``manage.py enforce_retention``: apply the retention period of every kind of personal data now (Celery
beat runs the same daily, ``competencies.tasks.retention_enforce``; README "Purpose and retention")."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from competencies import data_kinds


class Command(BaseCommand):
    help = _(
        "Delete or blank what is past its retention period, for every kind of personal data: "
        "self-assessment drafts, personal notes, the read audit, notifications, absences and duty. Each "
        "kind's period is a setting (0 keeps it for ever); each run is recorded in the audit trail."
    )

    def handle(self, *args, **options):
        done = data_kinds.enforce()
        by_key = {kind.key: kind for kind in data_kinds.kinds()}
        for key, counts in done.items():
            kind = by_key[key]
            if counts is None:
                line = _("%(kind)s: kept for ever (%(setting)s=0).") % {
                    "kind": kind.label,
                    "setting": kind.setting,
                }
            else:
                line = _("%(kind)s: older than %(period)s %(unit)s — %(counts)s.") % {
                    "kind": kind.label,
                    "period": kind.period(),
                    "unit": kind.unit,
                    "counts": ", ".join(f"{what} {count}" for what, count in counts.items()),
                }
            self.stdout.write(line)
