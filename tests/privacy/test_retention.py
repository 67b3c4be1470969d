"""Retention: personal notes older than SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS are blanked by a daily job
(and ``manage.py purge_personal_notes``); levels, dates and who did what stay; each run is audited."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from competencies import tasks
from competencies.audit import audit_record
from competencies.models import Assessment, AuditEntry, SelfAssessmentDraft
from competencies.retention import SYSTEM_ACTOR, personal_notes_purge
from qualification.models import PlanComment, QualificationPlan
from tests.factories import AssessmentFactory, CompetencyFactory, QualificationPlanFactory

OLD = 800  # days: past the default retention of 730
RECENT = 10


def _aged(model, pk, days, field="created_at"):
    model.objects.filter(pk=pk).update(**{field: timezone.now() - datetime.timedelta(days=days)})


@pytest.fixture
def notes(org):
    """One old and one recent note of each kind, about Erika."""
    competency = CompetencyFactory()
    made = {}
    for age in (OLD, RECENT):
        assessment = AssessmentFactory(
            employee=org.employee, competency=competency, level=3, note=f"note {age}"
        )
        _aged(Assessment, assessment.pk, age)
        entry = audit_record(
            actor=org.users["lead_a"],
            action=AuditEntry.Action.ADJUSTED,
            employee=org.employee,
            after={"level": 3, "note": f"note {age}"},
            reason=f"reason {age}",
        )
        _aged(AuditEntry, entry.pk, age)
        plan = QualificationPlanFactory(
            employee=org.employee, period=f"20{25 if age == OLD else 27}-Q1", employee_comment=f"mine {age}"
        )
        _aged(QualificationPlan, plan.pk, age, field="updated_at")
        comment = PlanComment.objects.create(plan=plan, author=org.users["lead_a"], text=f"comment {age}")
        _aged(PlanComment, comment.pk, age)
        made[age] = {"assessment": assessment, "entry": entry, "plan": plan, "comment": comment}
    draft = SelfAssessmentDraft.objects.create(
        employee=org.employee, rows={str(competency.pk): {"level": 2, "note": "draft note"}}
    )
    _aged(SelfAssessmentDraft, draft.pk, OLD, field="updated_at")
    made["draft"] = draft
    return made


def test_notes_past_the_retention_are_blanked_and_recent_ones_stay(notes):
    counts = personal_notes_purge()
    old, recent = notes[OLD], notes[RECENT]
    assert Assessment.objects.get(pk=old["assessment"].pk).note == ""
    assert Assessment.objects.get(pk=recent["assessment"].pk).note == f"note {RECENT}"
    old_entry, recent_entry = (AuditEntry.objects.get(pk=n["entry"].pk) for n in (old, recent))
    assert (old_entry.reason, old_entry.after) == ("", {"level": 3})
    assert (recent_entry.reason, recent_entry.after["note"]) == (f"reason {RECENT}", f"note {RECENT}")
    assert PlanComment.objects.get(pk=old["comment"].pk).text == ""
    assert PlanComment.objects.get(pk=recent["comment"].pk).text == f"comment {RECENT}"
    assert QualificationPlan.objects.get(pk=old["plan"].pk).employee_comment == ""
    assert QualificationPlan.objects.get(pk=recent["plan"].pk).employee_comment == f"mine {RECENT}"
    draft = SelfAssessmentDraft.objects.get(pk=notes["draft"].pk)
    assert draft.rows == {next(iter(draft.rows)): {"level": 2, "note": ""}}
    assert counts == {
        "assessment_notes": 1,
        "draft_notes": 1,
        "audit_reasons": 1,
        "audit_notes": 1,
        "plan_comments": 1,
        "plan_employee_comments": 1,
    }


def test_levels_and_dates_of_assessments_stay(notes):
    before = list(Assessment.objects.order_by("id").values_list("id", "level", "source", "assessed_on"))
    personal_notes_purge()
    assert (
        list(Assessment.objects.order_by("id").values_list("id", "level", "source", "assessed_on")) == before
    )


def test_each_run_is_recorded_once_by_the_system(notes):
    personal_notes_purge()
    personal_notes_purge()  # nothing left to blank: still recorded
    runs = list(AuditEntry.objects.filter(action=AuditEntry.Action.NOTES_PURGED).order_by("id"))
    assert len(runs) == 2
    assert {(run.actor, run.actor_name, run.employee) for run in runs} == {(None, SYSTEM_ACTOR, None)}
    assert runs[0].after["assessment_notes"] == 1 and runs[1].after["assessment_notes"] == 0
    assert runs[0].after["retention_days"] == settings.SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS


def test_a_retention_of_zero_keeps_notes_for_ever(notes, settings):
    settings.SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS = 0
    assert personal_notes_purge() is None
    assert Assessment.objects.get(pk=notes[OLD]["assessment"].pk).note == f"note {OLD}"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.NOTES_PURGED).exists()


def test_a_shorter_retention_reaches_recent_notes(notes, settings):
    settings.SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS = 5
    personal_notes_purge()
    assert not Assessment.objects.exclude(note="").exists()


def test_command_reports_what_it_blanked(notes):
    out = io.StringIO()
    call_command("purge_personal_notes", stdout=out)
    assert "assessment_notes 1" in out.getvalue()
    assert Assessment.objects.get(pk=notes[OLD]["assessment"].pk).note == ""


def test_command_help_names_the_notes_it_removes(capsys):
    with pytest.raises(SystemExit):
        call_command("purge_personal_notes", "--help")
    text = " ".join(capsys.readouterr().out.split())
    for kind in ("assessments", "self-assessment drafts", "audit trail", "qualification plans"):
        assert kind in text


def test_the_daily_task_calls_the_service(notes):
    assert tasks.retention_enforce()["notes"]["assessment_notes"] == 1
    entry = settings.CELERY_BEAT_SCHEDULE["retention-enforce"]
    assert entry["task"] == tasks.retention_enforce.name
