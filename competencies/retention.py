"""Retention of personal notes: free text written about a person's competencies and development is
blanked once it is older than ``SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS`` (0 keeps it for ever). Levels,
dates and who did what stay; so does the rest of the record.

Personal notes are:
- the note of an assessment (the person's own with a self-assessment, the lead's with a confirmation,
  correction or certificate);
- the notes in a self-assessment draft (drafts themselves expire sooner, SERVICELEAD_DRAFT_RETENTION_DAYS);
- the reasons and the copies of notes kept in audit entries (reasons for a discussion or a correction);
- through ``hooks.register_note_purger``: comments on qualification plans and the employee's comment on a
  plan (qualification).
Development interests hold no note (a competency and a target level), so they are not touched."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import hooks
from .audit import audit_entry
from .models import Assessment, AuditEntry, Notification, SelfAssessmentDraft

# The name recorded as "who" for what the scheduled jobs do.
SYSTEM_ACTOR = "system"
BATCH = 1000


def personal_notes_purge(*, now=None):
    """Blank personal notes written before the retention period; one audit entry (by the system) per run.
    Returns the counts per kind of note, or None when notes are kept for ever (retention 0)."""
    days = settings.SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS
    if days <= 0:
        return None
    now = now or timezone.now()
    return personal_notes_purge_before(now - datetime.timedelta(days=days))


def personal_notes_purge_before(cutoff):
    """Blank the personal notes written before ``cutoff`` (the "notes" kind of competencies.data_kinds)."""
    with transaction.atomic():
        counts = {
            # Assessments are append-only (Assessment.save() refuses changes); blanking the note of an old
            # one is the single change retention makes to them, as anonymisation does, hence a queryset
            # update. Levels, sources and dates stay.
            "assessment_notes": Assessment.objects.filter(created_at__lt=cutoff)
            .exclude(note="")
            .update(note=""),
            "draft_notes": _purge_draft_notes(cutoff),
            "audit_reasons": AuditEntry.objects.filter(created_at__lt=cutoff)
            .exclude(reason="")
            .update(reason=""),
            "audit_notes": _purge_audit_notes(cutoff),
            **hooks.purge_notes(cutoff),
        }
        _record(
            AuditEntry.Action.NOTES_PURGED,
            {"retention_days": settings.SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS, "written_before": cutoff},
            counts,
        )
    return counts


def drafts_purge(cutoff):
    """Delete self-assessment drafts untouched since ``cutoff`` (the "drafts" kind)."""
    drafts = SelfAssessmentDraft.objects.filter(updated_at__lt=cutoff)
    return purge_model_before(kind="drafts", queryset=drafts, cutoff=cutoff)


def reads_purge(cutoff):
    """Delete the read audit's entries (who read whose levels) made before ``cutoff`` (the "reads" kind).
    The other audit entries stay: they are the history of the records themselves."""
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED, created_at__lt=cutoff)
    return purge_model_before(kind="reads", queryset=reads, cutoff=cutoff)


def notifications_purge(cutoff):
    """Delete notifications created before ``cutoff`` that are done with: read, or mailed, or never to be
    mailed (the "notifications" kind). One still waiting for its e-mail stays until it is sent."""
    done = Notification.objects.filter(created_at__lt=cutoff).filter(
        Q(read_at__isnull=False) | Q(emailed_at__isnull=False) | Q(delivery="off")
    )
    return purge_model_before(kind="notifications", queryset=done, cutoff=cutoff)


def purge_model_before(*, kind, queryset, cutoff):
    """Delete ``queryset`` (what of ``kind`` is past its period, written before ``cutoff``) and record how
    many in the audit; every kind that is deleted whole goes through here, higher apps' kinds too."""
    with transaction.atomic():
        deleted, _by_model = queryset.delete()
        counts = {kind: deleted}
        if deleted:
            _record(AuditEntry.Action.DATA_PURGED, {"kind": kind, "written_before": cutoff}, counts)
    return counts


def _record(action, what, counts):
    """One audit entry by the system for what a retention run removed (no person: it is about many)."""
    after = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in what.items()}
    entry = audit_entry(actor=None, action=action, employee=None, after={**after, **counts})
    entry.actor_name = SYSTEM_ACTOR
    entry.save(force_insert=True)


def _purge_draft_notes(cutoff):
    drafts = []
    for draft in SelfAssessmentDraft.objects.filter(updated_at__lt=cutoff):
        if any(isinstance(row, dict) and row.get("note") for row in draft.rows.values()):
            draft.rows = {
                pk: {**row, "note": ""} if isinstance(row, dict) else row for pk, row in draft.rows.items()
            }
            drafts.append(draft)
    # bulk_update leaves updated_at alone: blanking the notes does not keep a draft alive longer.
    SelfAssessmentDraft.objects.bulk_update(drafts, ["rows"], batch_size=BATCH)
    return len(drafts)


def _purge_audit_notes(cutoff):
    """Remove the "note" copies from old entries' before/after states (in batches: there may be many)."""
    ids = list(
        AuditEntry.objects.filter(created_at__lt=cutoff)
        .filter(Q(before__has_key="note") | Q(after__has_key="note"))
        .values_list("id", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        entries = list(AuditEntry.objects.filter(pk__in=ids[start : start + BATCH]))
        for entry in entries:
            entry.before = {key: value for key, value in entry.before.items() if key != "note"}
            entry.after = {key: value for key, value in entry.after.items() if key != "note"}
        AuditEntry.objects.bulk_update(entries, ["before", "after"])
    return len(ids)
