"""The plan pages from draft to done: the lead reviews and proposes, the employee accepts, comments or asks
for a change and reports progress, the lead completes items; bad input is refused with a message and
nothing written; list and overview pages take a fixed number of queries as data grows."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies.models import Assessment, AuditEntry
from jobs.models import Job
from qualification import job_kinds, selectors
from qualification.forms import next_period
from qualification.models import Measure, PlanComment, PlanItem, QualificationPlan
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    InterestFactory,
    JobFactory,
    MeasureCompetencyFactory,
    MembershipFactory,
    PlanItemFactory,
    QualificationPlanFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    TeamFactory,
    TeamRequirementFactory,
)

PERIOD = next_period()
TODAY = timezone.localdate()
DRAFT, PROPOSED, AGREED = "draft", "proposed", "agreed"


# --------------------------------------------------------------------------------------------------
# Builders (used by the permission matrix too)


def plan_for(employee, *, status=DRAFT, competency=None, team=None, measure=None):
    """A plan of ``employee`` for the next quarter with one item 2 → 3 (for the permission matrix too); its
    id."""
    plan = QualificationPlanFactory(
        employee=employee, period=str(PERIOD), status=status, origin=QualificationPlan.Origin.GENERATED
    )
    PlanItemFactory(
        plan=plan,
        competency=competency or CompetencyFactory(),
        current_level=2,
        target_level=3,
        team=team,
        measure=measure,
        reason=PlanItem.Reason.TEAM_SHORTFALL if team else PlanItem.Reason.ROLE_PROFILE,
        due_date=PERIOD.end,
        hours=8,
        cost=400,
        incentive="Level 3 · Heat pump diagnostics",
    )
    return plan.pk


def completed_plan_for(employee):
    """A completed plan of ``employee`` with one done item (for the permission matrix too); its id."""
    plan_id = plan_for(employee, status="completed")
    PlanItem.objects.filter(plan_id=plan_id).update(status=PlanItem.Status.DONE, progress=100)
    return plan_id


def item_of(plan_id):
    return PlanItem.objects.filter(plan_id=plan_id).order_by("id").first().pk


def job_for(user, *, kind=job_kinds.GENERATE_PLANS, status=Job.Status.QUEUED, result=None):
    """A job requested by ``user`` (for the permission matrix too); its id."""
    return JobFactory(kind=kind, owner=user, status=status, result=result or {}).pk


def export_job_for(user):
    """A finished export job of ``user`` whose file is stored (for the permission matrix too); its id."""
    name = default_storage.save("exports/export-test.csv", ContentFile(b"personnel number\r\n"))
    return job_for(
        user,
        kind=job_kinds.EXPORT_PLANS,
        status=Job.Status.SUCCEEDED,
        result={"file": name, "format": "csv", "message": "1 item exported"},
    )


@dataclass
class World:
    org: object
    heat: object
    course: object
    workshop: object
    plan: object
    item: object


@pytest.fixture
def world(org):
    return build_world(org)


def build_world(org):
    """Team A needs heat-pump diagnostics at 3 from two people: Carl has it, Erika (level 2, interested)
    has a draft plan to get there with the heat-pump course; the expert workshop (3 → 4) does not fit."""
    heat = CompetencyFactory(name="Heat pump diagnostics")
    TeamRequirementFactory(team=org.team_a, competency=heat, required_level=3, min_people=2, weight=3)
    AssessmentFactory(employee=org.employee, competency=heat, level=2)
    AssessmentFactory(employee=org.colleague, competency=heat, level=3)
    InterestFactory(employee=org.employee, competency=heat, target_level=3)
    course = MeasureCompetencyFactory(
        competency=heat, from_level=1, to_level=3, measure__title="Heat pump course", measure__cost=400
    ).measure
    workshop = MeasureCompetencyFactory(
        competency=heat, from_level=3, to_level=4, measure__title="Expert workshop"
    ).measure
    plan_id = plan_for(org.employee, competency=heat, team=org.team_a, measure=course)
    plan = QualificationPlan.objects.get(pk=plan_id)
    return World(org=org, heat=heat, course=course, workshop=workshop, plan=plan, item=plan.items.get())


def url(name, *args):
    return reverse(f"qualification:{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def set_status(plan, status):
    QualificationPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()


def snapshot(item):
    item.refresh_from_db()
    return (item.measure_id, item.mentor_id, item.due_date, item.status, item.progress, item.hours, item.cost)


# --------------------------------------------------------------------------------------------------
# The lead reviews a draft


def test_lead_changes_measure_mentor_and_due_date_of_a_draft_item(client_for, world):
    org = world.org
    due = PERIOD.end.replace(day=15)
    response = client_for("lead_a").post(
        url("item_update", world.item.pk),
        {
            f"item-{world.item.pk}-measure": "",
            f"item-{world.item.pk}-mentor": org.colleague.pk,
            f"item-{world.item.pk}-due_date": due.isoformat(),
        },  # fmt: skip
        follow=True,
    )
    assert "Heat pump diagnostics updated." in messages_of(response)
    world.item.refresh_from_db()
    assert (world.item.measure, world.item.mentor, world.item.due_date) == (None, org.colleague, due)
    # Without a measure the item is mentoring: hours, cost and incentive follow.
    assert (float(world.item.hours), float(world.item.cost)) == (8.0, 0.0)
    assert "Mentor recognition" in world.item.incentive
    world.plan.refresh_from_db()
    assert world.plan.origin == QualificationPlan.Origin.REVISED  # kept when plans are generated again


def test_draft_page_offers_fitting_measures_and_eligible_mentors_only(client_for, world):
    content = client_for("lead_a").get(url("plan_detail", world.plan.pk)).content.decode()

    def select(name):
        return content.split(f'name="item-{world.item.pk}-{name}"', 1)[1].split("</select>", 1)[0]

    assert "Heat pump course · 8 h · 400 EUR" in select("measure")
    assert "Expert workshop" not in select("measure")  # 3 → 4 does not fit the step 2 → 3
    assert "Carl Colleague · level 3 · 0 mentees · same team" in select("mentor")
    assert "Bea Member" not in select("mentor")  # no level in the competency


def test_measure_whose_range_does_not_fit_is_refused_and_nothing_changes(client_for, world):
    before = snapshot(world.item)
    response = client_for("lead_a").post(
        url("item_update", world.item.pk),
        {f"item-{world.item.pk}-measure": world.workshop.pk, f"item-{world.item.pk}-due_date": ""},
        follow=True,
    )
    [message] = messages_of(response)
    assert "“Expert workshop” does not fit this step" in message and "3→4" in message and "2→3" in message
    assert snapshot(world.item) == before
    world.plan.refresh_from_db()
    assert world.plan.origin == QualificationPlan.Origin.GENERATED


@pytest.mark.parametrize("who", ["member_b", "employee", "stranger"])
def test_mentor_who_is_not_eligible_is_refused_and_nothing_changes(client_for, world, who):
    org = world.org
    mentor = {"member_b": org.member_b, "employee": org.employee, "stranger": None}[who]
    if mentor is None:  # at the level, but in no team of the person's department
        mentor = EmployeeFactory(name="Stranger")
        MembershipFactory(employee=mentor, team=TeamFactory(name="Elsewhere"))
        AssessmentFactory(employee=mentor, competency=world.heat, level=4)
    before = snapshot(world.item)
    response = client_for("lead_a").post(
        url("item_update", world.item.pk), {f"item-{world.item.pk}-mentor": mentor.pk}, follow=True
    )
    [message] = messages_of(response)
    assert f"{mentor.name} cannot mentor this item" in message
    assert snapshot(world.item) == before


def test_mentor_with_three_mentees_in_the_period_is_not_eligible(client_for, world):
    org = world.org
    for _ in range(3):
        mentee = EmployeeFactory()
        plan = QualificationPlanFactory(employee=mentee, period=str(PERIOD))
        PlanItemFactory(plan=plan, competency=world.heat, mentor=org.colleague)
    response = client_for("lead_a").post(
        url("item_update", world.item.pk), {f"item-{world.item.pk}-mentor": org.colleague.pk}, follow=True
    )
    assert "fewer than 3 mentees" in messages_of(response)[0]
    assert snapshot(world.item)[1] is None


@pytest.mark.parametrize("status", [PROPOSED, AGREED, "in_progress", "completed"])
def test_editing_a_plan_that_is_no_longer_a_draft_is_refused(client_for, world, status):
    set_status(world.plan, status)
    before = snapshot(world.item)
    client = client_for("lead_a")
    for path, data in [
        (url("item_update", world.item.pk), {f"item-{world.item.pk}-measure": ""}),
        (url("item_drop", world.item.pk), {}),
        (
            url("item_add", world.plan.pk),
            {"add-competency": CompetencyFactory().pk, "add-target_level": 1, "add-reason": "interest"},
        ),  # fmt: skip
    ]:
        response = client.post(path, data, follow=True)
        [message] = messages_of(response)
        assert "no longer a draft" in message, path
    assert snapshot(world.item) == before
    assert world.plan.items.count() == 1


def test_lead_drops_and_adds_items_then_proposes_with_a_message(client_for, world):
    org = world.org
    role = RoleProfileFactory(name="Technician")
    conversation = CompetencyFactory(name="Customer conversation")
    RoleRequirementFactory(role_profile=role, competency=conversation, target_level=2)
    client = client_for("lead_a")
    client.post(url("item_drop", world.item.pk))
    world.item.refresh_from_db()
    assert world.item.status == PlanItem.Status.DROPPED
    response = client.post(url("plan_propose", world.plan.pk), follow=True)
    assert "A plan without items cannot be proposed." in messages_of(response)

    response = client.post(
        url("item_add", world.plan.pk),
        {"add-competency": conversation.pk, "add-target_level": 2, "add-reason": "role_profile"},
        follow=True,
    )
    assert "Customer conversation added." in messages_of(response)
    added = world.plan.items.get(competency=conversation)
    assert (added.current_level, added.target_level, added.reason, added.status) == (
        0,
        2,
        "role_profile",
        "open",
    )
    assert added.due_date == PERIOD.end

    response = client.post(
        url("plan_propose", world.plan.pk), {"propose-text": "Let's grow together."}, follow=True
    )
    assert f"The plan was proposed to {org.employee.name}" in messages_of(response)[0]
    world.plan.refresh_from_db()
    assert world.plan.status == PROPOSED
    comment = world.plan.comments.get()
    assert (comment.kind, comment.text, comment.author) == (
        "proposed",
        "Let's grow together.",
        org.users["lead_a"],
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"add-target_level": 2, "add-reason": "interest"},
            "The target level must lie above the current level 2",
        ),
        ({"add-target_level": 7, "add-reason": "interest"}, "Level 7 is not on the scale of"),
        ({"add-target_level": 4, "add-reason": "team_shortfall", "other": True}, "No team of Erika Employee"),
        ({"add-target_level": 4, "add-reason": "interest", "duplicate": True}, "has an item for"),
    ],
)
def test_adding_an_item_that_breaks_a_rule_is_refused(client_for, world, data, expected):
    competency = world.heat if data.pop("duplicate", False) else CompetencyFactory(name="Gas boilers")
    if not data.pop("other", False):
        AssessmentFactory(employee=world.org.employee, competency=competency, level=2)
    count = PlanItem.objects.count()
    response = client_for("lead_a").post(
        url("item_add", world.plan.pk), {"add-competency": competency.pk, **data}, follow=True
    )
    assert expected in messages_of(response)[0]
    assert PlanItem.objects.count() == count


# --------------------------------------------------------------------------------------------------
# The employee: proposal, answer, progress


def test_employee_does_not_see_a_draft_being_prepared(client_for, world):
    content = client_for("employee").get(url("plan_detail", world.plan.pk)).content.decode()
    assert "Your lead is preparing this plan" in content
    assert "Heat pump course" not in content


def test_employee_sees_why_each_item_matters_and_what_it_earns(client_for, world):
    set_status(world.plan, PROPOSED)
    content = client_for("employee").get(url("plan_detail", world.plan.pk)).content.decode()
    assert "Field Service North needs 2 people at level 3 or higher in Heat pump diagnostics; 1 have it" in (
        content
    )
    assert "You said you want to grow in this, up to level 3." in content
    assert "Level 3 · Heat pump diagnostics" in content  # what it earns
    assert "Accept the plan" in content and "Ask for a change" in content
    assert "With the agreed plans" not in content  # nothing agreed yet
    assert "Coverage today: <strong>50&nbsp;%</strong>" in content


def test_employee_accepts_with_a_comment_and_the_team_goal_rises(client_for, world):
    set_status(world.plan, PROPOSED)
    client = client_for("employee")
    response = client.post(url("plan_agree", world.plan.pk), {"agree-text": "Looking forward"}, follow=True)
    assert "You agreed to the plan." in messages_of(response)[0]
    world.plan.refresh_from_db()
    assert (world.plan.status, world.plan.employee_comment) == (AGREED, "Looking forward")
    assert world.plan.comments.get().kind == PlanComment.Kind.AGREED
    content = response.content.decode()
    assert (
        "With the agreed plans, coverage rises from <strong>50&nbsp;%</strong> to a forecast "
        "<strong>100&nbsp;%</strong>" in content
    )


def test_employee_asks_for_a_change_and_the_plan_returns_to_draft(client_for, world):
    set_status(world.plan, PROPOSED)
    client = client_for("employee")
    response = client.post(url("plan_request_change", world.plan.pk), {"change-text": ""}, follow=True)
    assert "Please write what you would like to change." in messages_of(response)
    world.plan.refresh_from_db()
    assert world.plan.status == PROPOSED

    client.post(url("plan_request_change", world.plan.pk), {"change-text": "Rather in Q3, please."})
    world.plan.refresh_from_db()
    assert (world.plan.status, world.plan.origin) == (DRAFT, QualificationPlan.Origin.REVISED)
    request = world.plan.comments.get()
    assert (request.kind, request.text) == ("change_request", "Rather in Q3, please.")
    # The lead sees the request and can edit again.
    content = client_for("lead_a").get(url("plan_detail", world.plan.pk)).content.decode()
    assert "Rather in Q3, please." in content and "Save changes" in content


def test_employee_and_lead_comment_at_any_status(client_for, world):
    set_status(world.plan, AGREED)
    client_for("employee").post(url("plan_comment", world.plan.pk), {"text": "Course booked."})
    client_for("lead_a").post(url("plan_comment", world.plan.pk), {"text": "Great!"})
    response = client_for("employee").post(url("plan_comment", world.plan.pk), {"text": "  "}, follow=True)
    assert "The comment is empty or too long; nothing was saved." in messages_of(response)
    assert list(world.plan.comments.values_list("text", flat=True)) == ["Course booked.", "Great!"]


def test_employee_reports_progress_and_the_plan_is_running(client_for, world):
    set_status(world.plan, AGREED)
    client = client_for("employee")
    field = f"progress-{world.item.pk}-progress"
    response = client.post(url("item_progress", world.item.pk), {field: 150}, follow=True)
    assert "Progress lies between 0 and 100 %." in messages_of(response)
    assert snapshot(world.item)[4] == 0
    response = client.post(url("item_progress", world.item.pk), {field: 100}, follow=True)
    assert "your lead has been asked to confirm the new level" in messages_of(response)[0]
    world.item.refresh_from_db()
    world.plan.refresh_from_db()
    assert (world.item.status, world.item.progress, world.plan.status) == ("in_progress", 100, "in_progress")
    # Reported finished is not done: the lead sees it ready to confirm.
    content = client_for("lead_a").get(url("plan_detail", world.plan.pk)).content.decode()
    assert "Erika Employee reported it finished." in content


def test_progress_on_a_plan_not_yet_agreed_is_refused(client_for, world):
    set_status(world.plan, PROPOSED)
    response = client_for("employee").post(
        url("item_progress", world.item.pk), {f"progress-{world.item.pk}-progress": 50}, follow=True
    )
    assert "This plan is proposed; it cannot be worked on." in messages_of(response)
    assert snapshot(world.item)[4] == 0


@pytest.mark.parametrize(
    ("role", "name", "arg"),
    [
        ("employee", "plan_propose", "plan"),
        ("employee", "item_drop", "item"),
        ("employee", "item_complete", "item"),
        ("lead_a", "plan_agree", "plan"),
        ("lead_a", "plan_request_change", "plan"),
        ("lead_a", "item_progress", "item"),
    ],
)
def test_each_side_may_only_do_its_part(client_for, world, role, name, arg):
    target = world.plan.pk if arg == "plan" else world.item.pk
    assert client_for(role).post(url(name, target)).status_code == 403


def test_nobody_manages_their_own_plan(client_for, world):
    lead = world.org.users["lead_a"]
    own = EmployeeFactory(name="Lena Lead", user=lead)
    MembershipFactory(employee=own, team=world.org.team_a)
    plan_id = plan_for(own)
    client = client_for("lead_a")
    assert client.get(url("plan_detail", plan_id)).status_code == 200
    assert client.post(url("plan_propose", plan_id)).status_code == 403
    assert client.post(url("item_complete", item_of(plan_id))).status_code == 403


# --------------------------------------------------------------------------------------------------
# Completing items: the matrix, the badges and the team coverage follow


def test_lead_confirms_the_level_and_matrix_badge_and_coverage_follow(client_for, world):
    org = world.org
    set_status(world.plan, AGREED)
    before = selectors.coverage_outlook(team_ids=[org.team_a.pk])[org.team_a.pk]
    assert (before["percent"], before["agreed_percent"]) == (50, 100)
    client = client_for("lead_a")
    assert client.get(url("item_complete", world.item.pk)).status_code == 200
    response = client.post(
        url("item_complete", world.item.pk),
        {"source": "manager", "level": 3, "assessed_on": TODAY.isoformat(), "note": ""},
        follow=True,
    )
    shown = messages_of(response)
    assert "Erika Employee earned the badge “Level 3 · Heat pump diagnostics”" in shown[0]
    assert "The whole plan is completed; its certificate is ready to print." in shown[1]
    latest = Assessment.objects.filter(employee=org.employee, competency=world.heat).latest("id")
    assert (latest.level, latest.source, latest.assessed_by) == (3, "manager", org.users["lead_a"])
    after = selectors.coverage_outlook(team_ids=[org.team_a.pk])[org.team_a.pk]
    assert (after["before_percent"], after["percent"], after["agreed_percent"]) == (50, 100, 100)
    content = client_for("employee").get(url("plan_detail", world.plan.pk)).content.decode()
    assert "Level 3 · Heat pump diagnostics" in content and "Goal reached." in content
    certificate = client_for("employee").get(url("plan_certificate", world.plan.pk))
    assert certificate.status_code == 200
    assert "Certificate of achievement" in certificate.content.decode()
    assert "Erika Employee" in certificate.content.decode()


def test_a_certificate_completes_the_item_with_a_certificate_assessment(client_for, world):
    set_status(world.plan, AGREED)
    today = TODAY
    client_for("lead_a").post(
        url("item_complete", world.item.pk),
        {
            "source": "certificate",
            "level": 4,
            "assessed_on": today.isoformat(),
            "valid_until": today.replace(year=today.year + 2).isoformat(),
        },  # fmt: skip
    )
    latest = Assessment.objects.filter(employee=world.org.employee, competency=world.heat).latest("id")
    assert (latest.level, latest.source) == (4, "certificate")
    world.item.refresh_from_db()
    assert (world.item.status, world.item.completed_on) == ("done", today)


def test_completion_form_refuses_a_level_below_target_and_a_future_date(client_for, world):
    set_status(world.plan, AGREED)
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client_for("lead_a").post(
        url("item_complete", world.item.pk), {"source": "manager", "level": 2, "assessed_on": tomorrow}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"level", "assessed_on"}
    assert snapshot(world.item)[3] == "open"
    assert not Assessment.objects.filter(employee=world.org.employee, level=3).exists()


def test_certificate_page_waits_for_the_plan_to_complete(client_for, world):
    response = client_for("employee").get(url("plan_certificate", world.plan.pk), follow=True)
    assert "once every item of the plan is completed" in messages_of(response)[0]


# --------------------------------------------------------------------------------------------------
# My plan and team progress


def test_my_plan_opens_the_current_plan_or_says_what_there_is(client_for, world):
    client = client_for("employee")
    response = client.get(url("my_plan"))
    assert response.status_code == 200 and "Your plan is being prepared" in response.content.decode()
    set_status(world.plan, PROPOSED)
    assert client.get(url("my_plan"))["Location"] == url("plan_detail", world.plan.pk)
    QualificationPlan.objects.all().delete()
    assert "No plan yet" in client.get(url("my_plan")).content.decode()


def test_team_progress_shows_the_goal_to_every_member(client_for, world):
    set_status(world.plan, AGREED)
    content = client_for("employee").get(url("team_progress", world.org.team_a.pk)).content.decode()
    assert (
        "With the agreed plans, coverage rises from <strong>50&nbsp;%</strong> to a forecast "
        "<strong>100&nbsp;%</strong>" in content
    )
    assert "0 of 1 agreed item done" in content
    assert "Carl" not in content and "Erika" not in content.split("</nav>", 2)[-1]  # aggregates only


def test_lead_overview_shows_interests_mentoring_and_load(client_for, world):
    org = world.org
    carl_plan = QualificationPlan.objects.get(pk=plan_for(org.colleague))
    PlanItem.objects.filter(plan=carl_plan).update(hours=50)
    PlanItem.objects.filter(pk=world.item.pk).update(mentor=org.colleague)
    response = client_for("lead_a").get(url("team_plans", org.team_a.pk), {"period": str(PERIOD)})
    overview = response.context["overview"]
    people = {p["name"]: p for p in overview["people"]}
    assert overview["interest_items"] == 1 and people["Erika Employee"]["interest_items"] == 1
    assert people["Carl Colleague"]["overloaded"] and not people["Erika Employee"]["overloaded"]
    assert [(p["mentor"], p["mentee"]) for p in overview["pairs"]] == [("Carl Colleague", "Erika Employee")]
    content = response.content.decode()
    assert "mentors Erika Employee in Heat pump diagnostics" in content
    assert "learns Heat pump diagnostics from Carl Colleague" in content


def test_unknown_period_on_an_overview_falls_back_with_a_message(client_for, world):
    response = client_for("lead_a").get(url("team_plans", world.org.team_a.pk), {"period": "2027-Q5"})
    assert response.context["period"] == str(PERIOD)
    assert "Enter the period as YYYY-Qn" in messages_of(response)[0]


# --------------------------------------------------------------------------------------------------
# Measure catalogue


def test_hr_creates_a_measure_with_its_ranges(client_for, world):
    data = {
        "title": "Refrigerant basics",
        "kind": "elearning",
        "duration_hours": "4",
        "cost": "49",
        "provider": "Online",
        "is_active": "on",
        "ranges-TOTAL_FORMS": 2,
        "ranges-INITIAL_FORMS": 0,
        "ranges-0-competency": world.heat.pk,
        "ranges-0-from_level": 0,
        "ranges-0-to_level": 2,
    }
    response = client_for("hr").post(url("measure_create"), data, follow=True)
    assert "“Refrigerant basics” saved." in messages_of(response)
    measure = Measure.objects.get(title="Refrigerant basics")
    assert list(measure.ranges.values_list("competency_id", "from_level", "to_level")) == [
        (world.heat.pk, 0, 2)
    ]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (2, 9, "Level 9 is not on the scale of Heat pump diagnostics (allowed: 0, 1, 2, 3, 4)."),
        (3, 2, "The range must rise"),
    ],
)
def test_measure_range_off_the_scale_is_refused(client_for, world, low, high, expected):
    data = {
        "title": "Broken",
        "kind": "course",
        "duration_hours": "4",
        "cost": "0",
        "ranges-TOTAL_FORMS": 1,
        "ranges-INITIAL_FORMS": 0,
        "ranges-0-competency": world.heat.pk,
        "ranges-0-from_level": low,
        "ranges-0-to_level": high,
    }
    response = client_for("hr").post(url("measure_create"), data)
    assert expected in response.content.decode()
    assert not Measure.objects.filter(title="Broken").exists()


def test_catalogue_is_read_by_everyone_and_edited_by_hr(client_for, world):
    assert client_for("employee").get(url("measure_list")).status_code == 200
    assert client_for("employee").get(url("measure_create")).status_code == 403
    assert client_for("lead_a").get(url("measure_update", world.course.pk)).status_code == 403
    assert client_for("admin").get(url("measure_update", world.course.pk)).status_code == 200


# --------------------------------------------------------------------------------------------------
# Bounded queries


def _grow_team(org, count, competency):
    for _ in range(count):
        person = EmployeeFactory()
        MembershipFactory(employee=person, team=org.team_a)
        AssessmentFactory(employee=person, competency=competency, level=3)
        InterestFactory(employee=person, competency=competency)
        plan = QualificationPlanFactory(employee=person, period=str(PERIOD))
        PlanItemFactory(plan=plan, competency=CompetencyFactory(), mentor=org.colleague, hours=12)
        PlanItemFactory(plan=plan, competency=competency, hours=4)


def _queries(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def test_team_overview_takes_the_same_queries_as_the_team_grows(client_for, world, django_assert_num_queries):
    client = client_for("lead_a")
    path = url("team_plans", world.org.team_a.pk)
    small = _queries(client, path, {"period": str(PERIOD)})
    _grow_team(world.org, 12, world.heat)
    with django_assert_num_queries(small):
        client.get(path, {"period": str(PERIOD)})


def test_plan_index_takes_the_same_queries_as_teams_grow(client_for, world, django_assert_num_queries):
    client = client_for("hr")
    small = _queries(client, url("index"))
    for number in range(8):
        team = TeamFactory(name=f"Team {number}", parent=world.org.department)
        MembershipFactory(team=team)
    _grow_team(world.org, 5, world.heat)
    with django_assert_num_queries(small):
        client.get(url("index"))


def test_measure_list_takes_the_same_queries_as_the_catalogue_grows(
    client_for, world, django_assert_num_queries
):
    client = client_for("hr")
    small = _queries(client, url("measure_list"))
    for _ in range(15):
        MeasureCompetencyFactory(competency=CompetencyFactory(), measure__kind="course")
    with django_assert_num_queries(small):
        client.get(url("measure_list"))


@pytest.mark.parametrize("role", ["lead_a", "employee"])
def test_plan_page_takes_the_same_queries_as_items_grow(client_for, world, role, django_assert_num_queries):
    set_status(world.plan, DRAFT if role == "lead_a" else AGREED)
    client = client_for(role)
    path = url("plan_detail", world.plan.pk)
    small = _queries(client, path)
    for _ in range(10):
        competency = CompetencyFactory()
        AssessmentFactory(employee=world.org.colleague, competency=competency, level=4)
        MeasureCompetencyFactory(competency=competency, from_level=0, to_level=4)
        PlanItemFactory(
            plan=world.plan, competency=competency, mentor=world.org.colleague, team=world.org.team_a
        )
    world.plan.comments.create(text="Hello", author=world.org.users["lead_a"])
    with django_assert_num_queries(small):
        client.get(path)


def test_the_plans_pages_open_on_the_period_last_generated(client_for, org):
    """Plans generated for the quarter after next, after older ones for a later quarter: both pages open
    on the generated quarter, not on the latest quarter or the next one (which showed "no plan")."""
    later, generated = str(PERIOD.shifted(3)), str(PERIOD.shifted(1))
    old = QualificationPlanFactory(
        employee=org.colleague, period=later, origin=QualificationPlan.Origin.GENERATED
    )
    QualificationPlan.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    for employee in (org.employee, org.colleague):
        QualificationPlanFactory(
            employee=employee, period=generated, origin=QualificationPlan.Origin.GENERATED
        )
    JobFactory(
        owner=org.users["lead_a"],
        kind=job_kinds.GENERATE_PLANS,
        status=Job.Status.SUCCEEDED,
        parameters={"scope": "team", "team_id": org.team_a.pk, "period": generated},
    )
    client = client_for("lead_a")
    assert client.get(reverse("qualification:index")).context["period"] == generated
    team_page = client.get(reverse("qualification:team_plans", args=[org.team_a.pk]))
    assert str(team_page.context["period"]) == generated
    # An explicit ?period= still wins.
    assert client.get(reverse("qualification:index"), {"period": later}).context["period"] == later


def test_plan_index_counts_a_department_over_the_teams_below_it(client_for, org):
    """A department's row counts everyone in it and the teams below it, as HR's home does (it showed the
    department's one direct member)."""
    MembershipFactory(team=org.department)  # one direct member, e.g. the head's assistant
    QualificationPlanFactory(employee=org.employee, period=str(PERIOD), status=PROPOSED)
    QualificationPlanFactory(employee=org.member_b, period=str(PERIOD), status=DRAFT)
    rows = {row["id"]: row for row in selectors.plan_index(user=org.users["hr"], period=PERIOD)}
    department, team_a = rows[org.department.pk], rows[org.team_a.pk]
    assert department["members"] == 4  # one direct member, two in team A, one in team B
    assert (department["counts"][PROPOSED], department["counts"][DRAFT], department["plans"]) == (1, 1, 2)
    assert (team_a["members"], team_a["plans"]) == (2, 1)


def test_team_interests_show_who_wants_to_grow_where_and_whether_the_plan_honours_it(
    client_for, world, django_assert_max_num_queries
):
    org = world.org
    solar, boilers = CompetencyFactory(name="Solar thermal"), CompetencyFactory(name="Gas boilers")
    AssessmentFactory(employee=org.employee, competency=solar, level=1)
    InterestFactory(employee=org.employee, competency=solar, target_level=3)
    InterestFactory(employee=org.colleague, competency=boilers, target_level=None)
    plan = QualificationPlanFactory(employee=org.employee, period=str(PERIOD.shifted(1)), status=AGREED)
    PlanItemFactory(plan=plan, competency=solar, current_level=1, target_level=2)
    client = client_for("lead_a")
    path = url("team_interests", org.team_a.pk)
    response = client.get(path, {"period": str(PERIOD.shifted(1))})
    rows = {(row["name"], row["competency"]): row for row in response.context["rows"]}
    solar_row = rows[(org.employee.name, "Solar thermal")]
    assert (solar_row["level"], solar_row["target"], solar_row["item_status"], solar_row["item_target"]) == (
        1,
        3,
        "open",
        2,
    )
    assert rows[(org.colleague.name, "Gas boilers")]["item_status"] is None
    page_text = response.content.decode()
    # The world's fixture states one more interest, which no plan takes up either.
    assert len(rows) == 3
    assert "not in the plan" in page_text and "take up 1 of 3 stated interests" in page_text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED, actor=org.users["lead_a"]).exists()
    # The same number of queries for a larger team with more interests.
    with CaptureQueriesContext(connection) as small:
        client.get(path)
    for number in range(6):
        member = EmployeeFactory()
        MembershipFactory(employee=member, team=org.team_a)
        InterestFactory(employee=member, competency=CompetencyFactory(name=f"Skill {number}"))
    with django_assert_max_num_queries(len(small)):
        client.get(path)
