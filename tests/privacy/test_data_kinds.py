"""Purpose and retention per kind of personal data (#17 item 4): each kind has a purpose and a period
from the settings, the daily retention job enforces every period, and the annex lists them."""

import datetime
import io

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from competencies import data_kinds, tasks
from competencies.models import AuditEntry, Notification, SelfAssessmentDraft
from operations.models import DutyEntry
from qualification import annex
from tests.test_production_settings import production

NOW = timezone.now()


def aged(queryset, days):
    queryset.update(created_at=NOW - datetime.timedelta(days=days))


def read_entry(employee, days):
    entry = AuditEntry.objects.create(action=AuditEntry.Action.VIEWED, employee=employee, what="profile")
    aged(AuditEntry.objects.filter(pk=entry.pk), days)
    return entry


def notification(user, key, days, **fields):
    note = Notification.objects.create(
        recipient=user, kind="campaign", key=key, url="/", delivery="daily", **fields
    )
    aged(Notification.objects.filter(pk=note.pk), days)
    return note


def test_every_kind_has_a_purpose_and_a_period_from_the_settings(db):
    keys = [kind.key for kind in data_kinds.kinds()]
    assert {"levels", "drafts", "notes", "reads", "notifications", "uploads", "duty"} <= set(keys)
    for kind in data_kinds.kinds():
        assert kind.purpose_text()
        assert kind.setting is None or kind.period() is not None
        # A kind with a period is enforced by a job (the daily one, or the uploads' own).
        assert kind.setting is None or kind.purge is not None or kind.enforced_by == "import_uploads_expire"


@override_settings(
    SERVICELEAD_READ_AUDIT_RETENTION_DAYS=100,
    SERVICELEAD_NOTIFICATION_RETENTION_DAYS=50,
    SERVICELEAD_DUTY_RETENTION_DAYS=30,
    SERVICELEAD_DRAFT_RETENTION_DAYS=20,
)
def test_the_daily_job_enforces_every_period(org):
    user = org.users["employee"]
    old_read, new_read = read_entry(org.employee, 101), read_entry(org.employee, 99)
    # Other audit entries are the records' history: retention of reads leaves them.
    history = AuditEntry.objects.create(action=AuditEntry.Action.CONFIRMED, employee=org.employee)
    aged(AuditEntry.objects.filter(pk=history.pk), 5000)
    old_read_note = notification(user, "a", 51, read_at=NOW)
    old_waiting = notification(user, "b", 51)  # not yet mailed in the digest: stays until it is sent
    new_note = notification(user, "c", 49, read_at=NOW)
    today = timezone.localdate()
    DutyEntry.objects.create(
        employee=org.employee,
        kind=DutyEntry.ABSENT,
        start=today - datetime.timedelta(days=40),
        end=today - datetime.timedelta(days=31),
    )
    recent_absence = DutyEntry.objects.create(
        employee=org.employee,
        kind=DutyEntry.ABSENT,
        start=today - datetime.timedelta(days=40),
        end=today - datetime.timedelta(days=29),
    )
    draft = SelfAssessmentDraft.objects.create(employee=org.employee, rows={})
    SelfAssessmentDraft.objects.filter(pk=draft.pk).update(updated_at=NOW - datetime.timedelta(days=21))

    done = tasks.retention_enforce()

    assert done["reads"] == {"reads": 1}
    assert done["notifications"] == {"notifications": 1}
    assert done["duty"] == {"duty": 1}
    assert done["drafts"] == {"drafts": 1}
    assert not AuditEntry.objects.filter(pk=old_read.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[new_read.pk, history.pk]).count() == 2
    kept = list(Notification.objects.order_by("key").values_list("pk", flat=True))
    assert kept == [old_waiting.pk, new_note.pk]
    assert not Notification.objects.filter(pk=old_read_note.pk).exists()
    assert list(DutyEntry.objects.values_list("pk", flat=True)) == [recent_absence.pk]
    assert not SelfAssessmentDraft.objects.exists()
    # Each run that removed something is in the audit, by the system, with what and how many.
    purged = AuditEntry.objects.filter(action=AuditEntry.Action.DATA_PURGED)
    assert {entry.after["kind"]: entry.actor_name for entry in purged} == {
        "reads": "system",
        "notifications": "system",
        "duty": "system",
        "drafts": "system",
    }
    assert tasks.retention_enforce()["reads"] == {"reads": 0}


@override_settings(SERVICELEAD_READ_AUDIT_RETENTION_DAYS=0, SERVICELEAD_DUTY_RETENTION_DAYS=0)
def test_a_period_of_0_keeps_the_kind_for_ever(org):
    entry = read_entry(org.employee, 10_000)
    done = data_kinds.enforce()
    assert done["reads"] is None and done["duty"] is None
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_command_reports_every_kind(org):
    read_entry(org.employee, 10_000)
    out = io.StringIO()
    with override_settings(SERVICELEAD_NOTIFICATION_RETENTION_DAYS=0):
        call_command("enforce_retention", stdout=out)
    text = out.getvalue()
    assert "reads 1" in text
    assert "SERVICELEAD_NOTIFICATION_RETENTION_DAYS=0" in text


@override_settings(
    SERVICELEAD_DUTY_RETENTION_DAYS=90,
    SERVICELEAD_DATA_PURPOSES={"duty": "Dienstplanung laut Betriebsvereinbarung § 3"},
)
def test_the_annex_lists_each_kind_with_its_purpose_and_period(db):
    _title, sections = annex.annex_document("en")
    retention = next(section for section in sections if section.heading.startswith("5."))
    rows = {row[0]: row for row in retention.rows}
    assert rows["Absences, on-call duty and shifts"][1:] == [
        "Dienstplanung laut Betriebsvereinbarung § 3",
        "90 days (SERVICELEAD_DUTY_RETENTION_DAYS)",
    ]
    assert rows["Uploaded import files"][2].startswith("6 hours")
    assert "until anonymisation" in rows["Levels, assessments, plans and their history (without notes)"][2]
    assert len(rows) == len(data_kinds.kinds())


@override_settings(SERVICELEAD_DATA_PURPOSES={"dutty": "typo"})
def test_a_purpose_for_an_unknown_kind_is_an_error_at_start(db):
    errors = [error for error in run_checks() if error.id == "servicelead.E011"]
    assert errors and "dutty" in errors[0].msg


@pytest.mark.parametrize("value", ["-1", "many"])
def test_a_negative_or_wrong_period_stops_the_start(value):
    done = production("manage.py", "check", SERVICELEAD_READ_AUDIT_RETENTION_DAYS=value)
    assert done.returncode != 0
    message = "SERVICELEAD_READ_AUDIT_RETENTION_DAYS must be a whole number, 0 (kept for ever) or more"
    assert message in done.stderr
