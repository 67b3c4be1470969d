"""Old certificate-expiry and campaign mails go through the notification system (#14): whoever has a login
gets each event once — as their notification, in their language and mode — not a second, direct mail.
People without a login (whom notifications cannot reach) still get the plain mail."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from competencies.models import Assessment
from competencies.notifications import notifications_collect, notifications_send
from competencies.services import certificates_warn_expiring
from teams.models import Campaign
from teams.review import register_competency_hooks
from teams.review.services import campaign_reminders_send
from tests.factories import AssessmentFactory, CompetencyFactory, days_ago


@pytest.fixture(autouse=True)
def competency_hooks():
    register_competency_hooks()


def mails_about(text, *addresses):
    return [m for m in mail.outbox if text in m.subject + m.body and set(m.to) & set(addresses)]


def run_everything(on):
    """The beat tasks of a day: the old warning jobs, then collecting and sending notifications."""
    certificates_warn_expiring(on=on)
    campaign_reminders_send(on=on)
    notifications_collect(on=on)
    notifications_send(now=timezone.now() + datetime.timedelta(days=1))


def test_an_expiring_certificate_reaches_the_person_and_each_lead_once(org):
    fgas = CompetencyFactory(name="Refrigerant handling", requires_certificate=True, validity_months=24)
    today = days_ago(0)
    AssessmentFactory(
        employee=org.employee,
        competency=fgas,
        level=3,
        source=Assessment.Source.CERTIFICATE,
        assessed_on=days_ago(600),
        valid_until=today + datetime.timedelta(days=30),
    )
    run_everything(today)
    run_everything(today)
    erika = (org.employee.email, org.users["employee"].email)
    assert len(mails_about("Refrigerant handling", *erika)) == 1
    assert len(mails_about("Refrigerant handling", org.users["lead_a"].email)) == 1


def test_a_campaign_reminder_reaches_a_member_with_a_login_once(org):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="Spring round",
        opens_on=today - datetime.timedelta(days=10),
        deadline=today + datetime.timedelta(days=1),
    )
    campaign.teams.set([org.team_a])
    run_everything(today)
    erika = (org.employee.email, org.users["employee"].email)
    assert len(mails_about("Spring round", *erika)) == 1
    # Carl has no login: notifications cannot reach him, the plain reminder still does.
    assert len(mails_about("Spring round", org.colleague.email)) == 1
