"""Bad input from #14: a to-do for something already done, or a stale to-do link, answers with a clear
message and never a 500 (proposing a plan twice, agreeing twice, "propose all" for drafts proposed
meanwhile, reviewing a self-assessment someone already reviewed, a notification about a plan that is gone)."""

import pytest
from django.urls import reverse

from competencies.models import Assessment, Notification
from qualification.models import QualificationPlan
from teams.review import register_competency_hooks
from tests.factories import AssessmentFactory, CompetencyFactory, days_ago
from tests.qualification.test_views import PERIOD, build_world, messages_of, url

PROPOSED = QualificationPlan.Status.PROPOSED


@pytest.fixture(autouse=True)
def competency_hooks():
    register_competency_hooks()


@pytest.fixture
def world(org):
    return build_world(org)


def test_proposing_a_plan_already_proposed_says_so(client_for, world):
    client = client_for("lead_a")
    first = client.post(url("plan_propose", world.plan.pk), follow=True)
    assert first.status_code == 200
    again = client.post(url("plan_propose", world.plan.pk), follow=True)
    assert again.status_code == 200
    [message] = messages_of(again)
    assert message == "This plan has already been proposed; it is waiting for the employee's answer."
    assert world.plan.comments.filter(kind="proposed").count() == 1


def test_agreeing_twice_says_the_plan_is_agreed(client_for, world):
    client_for("lead_a").post(url("plan_propose", world.plan.pk))
    client = client_for("employee")
    assert client.post(url("plan_agree", world.plan.pk), follow=True).status_code == 200
    again = client.post(url("plan_agree", world.plan.pk), follow=True)
    assert again.status_code == 200
    [message] = messages_of(again)
    assert message == "You have already agreed to this plan; nothing more to do here."


def test_propose_all_for_drafts_proposed_meanwhile_says_so(client_for, world):
    client = client_for("lead_a")
    client.post(url("plan_propose", world.plan.pk))
    data = {"team": world.org.team_a.pk, "period": str(PERIOD), "plans": str(world.plan.pk)}
    response = client.post(reverse("propose_drafts"), data, follow=True)
    assert response.status_code == 200
    assert messages_of(response)[-1] == (
        "Nothing was proposed; no longer drafts: Erika Employee (proposed). The list shows what is left."
    )


@pytest.mark.parametrize("team", ["", "abc", "999999"])
def test_propose_all_with_a_broken_link_is_not_found_not_an_error(client_for, world, team):
    response = client_for("lead_a").post(
        reverse("propose_drafts"), {"team": team, "period": "x", "plans": "1"}
    )
    assert response.status_code in (403, 404)


def test_reviewing_a_self_assessment_someone_already_reviewed_says_so(client_for, org):
    competency = CompetencyFactory(name="Diagnostics")
    AssessmentFactory(
        employee=org.colleague, competency=competency, level=3, source="self", assessed_on=days_ago(2)
    )
    review_url = reverse("teams:review_member", kwargs={"employee_id": org.colleague.pk})
    lead = client_for("lead_a")
    [row] = list(lead.get(review_url).context["form"].row_states())
    decision = {
        "action": "decide",
        f"{row['prefix']}-action": "confirm",
        f"{row['prefix']}-seen": row["latest_id"],
    }
    # The department head confirms it first; the lead's open page still offers it.
    assert client_for("lead_dept").post(review_url, decision).status_code == 302
    response = lead.post(review_url, decision, follow=True)
    assert response.status_code == 200
    text = " ".join(messages_of(response))
    assert "Diagnostics was assessed again since you opened the page. Nothing was recorded" in text
    assert Assessment.objects.filter(employee=org.colleague, source="manager").count() == 1


def test_a_notification_about_a_plan_that_is_gone_says_so(client_for, world):
    user = world.org.users["employee"]
    plan_url = url("plan_detail", world.plan.pk)
    note = Notification.objects.create(
        recipient=user, kind="plan_proposed", key=f"plan:{world.plan.pk}:proposed", params={}, url=plan_url
    )
    world.plan.items.all().delete()
    world.plan.delete()
    client = client_for("employee")
    response = client.get(reverse("notifications:open", args=[note.pk]), follow=True)
    assert response.status_code in (200, 404)
    assert "no longer exists" in response.content.decode()


def review_counts(user):
    from django.utils import timezone

    from competencies.todos import todo_context, todos_for

    items = [i for role in todos_for(todo_context(user=user, on=timezone.localdate())).values() for i in role]
    return sorted(i.count for i in items if i.kind == "review")


def test_the_heads_waiting_reviews_follow_a_confirmation_and_a_new_self_assessment(client_for, org):
    """The waiting self-assessments are kept in the analysis cache for a head's large scope; a decision
    or a new self-assessment below shows at once."""
    first, second = CompetencyFactory(), CompetencyFactory()
    waiting = AssessmentFactory(employee=org.colleague, competency=first, level=3, source="self")
    head = org.lead_dept
    assert review_counts(head) == [1]
    AssessmentFactory(employee=org.colleague, competency=first, level=3, source="manager")
    assert review_counts(head) == []
    AssessmentFactory(employee=org.member_b, competency=second, level=2, source="self")
    assert review_counts(head) == [1]
    assert waiting.pk
