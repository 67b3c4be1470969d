"""Assessment campaigns: who opens them, members see them on their home page, the lead sees who has
submitted, and reminders go out by e-mail before the deadline (once per lead time)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from competencies import services as competency_services
from competencies import tasks as competency_tasks
from competencies.models import SelfAssessmentDraft
from teams.models import Campaign
from teams.review import register_competency_hooks
from teams.review import tasks as review_tasks
from teams.review.services import CampaignInvalid, campaign_open, campaign_reminders_send
from tests.factories import CompetencyFactory, days_ago


@pytest.fixture(autouse=True)
def competency_hooks():
    register_competency_hooks()


def campaign_for(team, *, opens_on=None, deadline=None):
    """An open campaign for ``team`` (for the permission matrix too); its id."""
    campaign = Campaign.objects.create(
        name="Spring round", opens_on=opens_on or days_ago(5), deadline=deadline or days_ago(-10)
    )
    campaign.teams.set([team])
    return campaign.pk


def submit(org):
    """Erika submits her self-assessment (one level)."""
    competency = CompetencyFactory()
    competency_services.self_assessment_submit(
        employee=org.employee, user=org.users["employee"], entries={competency.pk: {"level": 2}}, version=0
    )


def test_a_lead_opens_a_campaign_for_their_team_only(org):
    lead = org.users["lead_a"]
    campaign = campaign_open(
        name="Spring", teams=[org.team_a], opens_on=days_ago(0), deadline=days_ago(-14), user=lead
    )
    assert list(campaign.teams.all()) == [org.team_a]
    with pytest.raises(PermissionDenied):
        campaign_open(
            name="Both",
            teams=[org.team_a, org.team_b],
            opens_on=days_ago(0),
            deadline=days_ago(-14),
            user=lead,
        )
    hr_campaign = campaign_open(
        name="All",
        teams=[org.team_a, org.team_b],
        opens_on=days_ago(0),
        deadline=days_ago(-14),
        user=org.users["hr"],
    )
    assert hr_campaign.teams.count() == 2


def test_a_deadline_in_the_past_or_before_opening_is_refused(org):
    for opens_on, deadline in ((days_ago(10), days_ago(1)), (days_ago(0), days_ago(2))):
        with pytest.raises(CampaignInvalid):
            campaign_open(
                name="x", teams=[org.team_a], opens_on=opens_on, deadline=deadline, user=org.users["hr"]
            )
    assert not Campaign.objects.exists()


def test_campaign_form_lists_only_the_leads_teams_and_opens_it(client_for, org):
    client = client_for("lead_a")
    form = client.get(reverse("teams:campaign_create")).context["form"]
    assert list(form.fields["teams"].queryset) == [org.team_a]
    response = client.post(
        reverse("teams:campaign_create"),
        {
            "name": "Autumn",
            "teams": [org.team_a.pk],
            "opens_on": days_ago(0).isoformat(),
            "deadline": days_ago(-21).isoformat(),
        },
    )
    campaign = Campaign.objects.get(name="Autumn")
    assert response["Location"] == reverse("teams:campaign_detail", kwargs={"campaign_id": campaign.pk})
    assert campaign.created_by == org.users["lead_a"]


def test_members_see_open_campaigns_on_their_home_page_with_their_status(client_for, org):
    campaign_for(org.team_a)
    campaign_for(org.team_b)  # not Erika's team
    campaign_for(org.team_a, opens_on=days_ago(40), deadline=days_ago(20))  # over
    client = client_for("employee")
    campaigns = client.get(reverse("home")).context["profile"]["campaigns"]
    assert [(c.name, c.submitted) for c in campaigns] == [("Spring round", False)]
    submit(org)
    campaigns = client.get(reverse("home")).context["profile"]["campaigns"]
    assert [c.submitted for c in campaigns] == [True]
    assert reverse("competencies:self_assessment") in client.get(reverse("home")).content.decode()


def test_the_lead_sees_who_has_submitted(client_for, org):
    campaign_id = campaign_for(org.team_a)
    submit(org)
    response = client_for("lead_a").get(reverse("teams:campaign_detail", kwargs={"campaign_id": campaign_id}))
    members = {m["employee"].name: m["submitted"] for m in response.context["progress"][0]["members"]}
    assert members == {"Carl Colleague": False, "Erika Employee": True}
    assert (response.context["submitted"], response.context["total"]) == (1, 2)


def test_a_submission_before_the_campaign_opened_does_not_count(client_for, org):
    submit(org)
    campaign_id = campaign_for(org.team_a, opens_on=days_ago(-1), deadline=days_ago(-10))
    response = client_for("hr").get(reverse("teams:campaign_detail", kwargs={"campaign_id": campaign_id}))
    assert response.context["submitted"] == 0


def test_campaign_list_shows_hr_everything_and_leads_their_teams(client_for, org):
    campaign_for(org.team_a)
    campaign_for(org.team_b)
    assert len(client_for("hr").get(reverse("teams:campaign_list")).context["open_campaigns"]) == 2
    assert len(client_for("lead_b").get(reverse("teams:campaign_list")).context["open_campaigns"]) == 1
    assert client_for("employee").get(reverse("teams:campaign_list")).status_code == 403


def test_reminders_go_to_members_who_have_not_submitted_once_per_lead_time(org):
    org.colleague.email = "carl@example.com"
    org.colleague.save()
    today = timezone.localdate()
    campaign_for(
        org.team_a, opens_on=today - datetime.timedelta(days=10), deadline=today + datetime.timedelta(days=7)
    )
    submit(org)
    assert campaign_reminders_send(on=today - datetime.timedelta(days=1)) == 0  # 8 days left
    assert campaign_reminders_send(on=today) == 1
    assert mail.outbox[0].to == ["carl@example.com"]
    assert "Spring round" in mail.outbox[0].subject
    assert campaign_reminders_send(on=today) == 0
    assert campaign_reminders_send(on=today + datetime.timedelta(days=6)) == 1  # one day left
    assert campaign_reminders_send(on=today + datetime.timedelta(days=8)) == 0  # closed
    assert Campaign.objects.get().reminders_sent == [7, 1]


def test_the_reminder_task_calls_the_service(org):
    campaign_for(org.team_a, deadline=days_ago(-1))
    assert review_tasks.campaign_reminders() == 2  # Erika and Carl, one e-mail each


def test_drafts_untouched_for_the_retention_period_are_deleted(org, settings):
    settings.SERVICELEAD_DRAFT_RETENTION_DAYS = 30
    draft = SelfAssessmentDraft.objects.create(employee=org.employee, rows={})
    SelfAssessmentDraft.objects.filter(pk=draft.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=31)
    )
    SelfAssessmentDraft.objects.create(employee=org.colleague, rows={})
    assert competency_tasks.self_assessment_drafts_expire() == 1
    assert list(SelfAssessmentDraft.objects.values_list("employee", flat=True)) == [org.colleague.pk]
