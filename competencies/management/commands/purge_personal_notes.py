"""``manage.py purge_personal_notes``: blank personal notes older than the retention period (also run daily
by Celery beat, ``competencies.tasks.personal_notes_purge``)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from competencies.retention import personal_notes_purge


class Command(BaseCommand):
    help = _(
        "Blank personal notes written more than SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS days ago (0 keeps "
        "them for ever). Personal notes are the notes of assessments (self-assessments, confirmations, "
        "corrections, certificates), the notes in self-assessment drafts, the reasons and notes kept in the "
        "audit trail, comments on qualification plans and the employee's comment on a plan. Levels, dates "
        "and who did what stay; development interests hold no notes. Each run is recorded in the audit "
        "trail."
    )

    def handle(self, *args, **options):
        counts = personal_notes_purge()
        if counts is None:
            self.stdout.write(
                _("Personal notes are kept for ever (SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS=0).")
            )
            return
        days = settings.SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS
        self.stdout.write(
            _("Notes older than %(days)s days blanked: %(counts)s.")
            % {"days": days, "counts": ", ".join(f"{kind} {count}" for kind, count in counts.items())}
        )
