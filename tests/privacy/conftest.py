"""A person with something stored in every model that can refer to a person, for the privacy tests."""

from dataclasses import dataclass

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.authtoken.models import Token

from competencies.audit import audit_record, audit_record_view
from competencies.models import (
    AccountSettings,
    AuditEntry,
    CertificateNotice,
    CompetencyMerge,
    CompetencyProposal,
    EvidenceFile,
    Notification,
    NotificationPreference,
    SelfAssessmentDraft,
)
from operations.models import DutyEntry
from qualification import job_kinds
from qualification.models import PlanComment
from teams.models import Campaign, MatrixColumns
from tests.competencies.test_certificates import evidence_for
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    InterestFactory,
    JobFactory,
    PlanItemFactory,
    QualificationPlanFactory,
    days_ago,
)

# Text that names Erika or is a note about her: after anonymisation none of it may be left anywhere.
MARKERS = ("Erika", "P-ERIKA", "NOTE-MARK")


@dataclass
class Everything:
    employee: object
    user: object
    competency: object
    evidence: object


@pytest.fixture
def everything(org):
    """Erika (``org.employee``, login ``employee``) in every table that can refer to a person: her own
    records, and what her login did to Carl's (she also leads a team, opened a campaign, mentors Carl)."""
    erika, login, carl = org.employee, org.users["employee"], org.colleague
    erika.personnel_no, erika.email = "P-ERIKA-1", "erika.employee@example.com"
    erika.save()
    login.first_name, login.last_name, login.email = "Erika", "Employee", "erika.private@example.com"
    login.save()
    Token.objects.create(user=login)
    AccountSettings.objects.create(user=login, language="de")
    NotificationPreference.objects.create(user=login, language="de", modes={"campaign": "off"})
    Notification.objects.create(
        recipient=login,
        kind="certificate_own",
        key="certificate:1",
        params={"competency": "Heat pump diagnostics", "valid_until": "2027-01-01", "name": "Erika"},
        url="/people/1/",
        delivery="daily",
    )
    competency = CompetencyFactory(name="Heat pump diagnostics")
    AssessmentFactory(employee=erika, competency=competency, level=3, source="self", note="NOTE-MARK self")
    AssessmentFactory(
        employee=erika, competency=competency, level=2, note="NOTE-MARK lead", assessed_by=login
    )
    AssessmentFactory(employee=carl, competency=competency, level=2, assessed_by=login, note="Carl's level")
    InterestFactory(employee=erika, competency=competency, target_level=4)
    SelfAssessmentDraft.objects.create(
        employee=erika, rows={str(competency.pk): {"level": 4, "note": "NOTE-MARK draft"}}
    )
    evidence = EvidenceFile.objects.get(pk=evidence_for(erika, competency))
    EvidenceFile.objects.filter(pk=evidence.pk).update(original_name="Erika-certificate.pdf")
    carl_evidence = EvidenceFile.objects.get(pk=evidence_for(carl))
    EvidenceFile.objects.filter(pk=carl_evidence.pk).update(uploaded_by=login)
    CertificateNotice.objects.create(employee=erika, assessment_id=evidence.assessment_id, days_before=30)
    audit_record(
        actor=org.users["lead_a"],
        action=AuditEntry.Action.DISCUSSION,
        employee=erika,
        competency=competency,
        before={"note": "NOTE-MARK before"},
        reason="NOTE-MARK talk with Erika",
    )
    audit_record(actor=login, action=AuditEntry.Action.SELF_SUBMITTED, employee=erika, after={"levels": 1})
    audit_record_view(actor=login, employee=carl, what=AuditEntry.Read.PROFILE)
    audit_record_view(actor=org.users["lead_a"], employee=erika, what=AuditEntry.Read.PROFILE)
    org.team_b.leads.add(login)
    campaign = Campaign.objects.create(
        name="Spring round", opens_on=days_ago(5), deadline=days_ago(-10), created_by=login
    )
    campaign.teams.set([org.team_a])
    MatrixColumns.objects.create(user=login, team=org.team_b).competencies.set([competency])
    plan = QualificationPlanFactory(employee=erika, employee_comment="NOTE-MARK my comment")
    PlanItemFactory(plan=plan, competency=competency)
    PlanComment.objects.create(plan=plan, author=login, text="NOTE-MARK please add a course")
    carls_plan = QualificationPlanFactory(employee=carl, created_by=login)
    PlanItemFactory(plan=carls_plan, competency=competency, mentor=erika)
    PlanComment.objects.create(plan=carls_plan, author=login, text="Carl, see you Monday")
    JobFactory(kind=job_kinds.GENERATE_PLANS, owner=login)
    DutyEntry.objects.create(employee=erika, kind=DutyEntry.ABSENT, start=days_ago(3), end=days_ago(1))
    # Catalogue governance (#15): her proposal, decided by HR; a merge she (as HR) made and confirmed.
    CompetencyProposal.objects.create(
        name="Heat pump commissioning",
        justification="NOTE-MARK Erika needs it on site",
        proposed_by=login,
        decided_by=login,
    )
    CompetencyMerge.objects.create(
        source=CompetencyFactory(), target=competency, created_by=login, decided_by=login
    )
    for obj, text in ((erika, str(erika)), (login, login.get_username())):
        LogEntry.objects.create(
            user=login,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=text,
            action_flag=CHANGE,
            change_message="[]",
            action_time=timezone.now(),
        )
    return Everything(employee=erika, user=login, competency=competency, evidence=evidence)
