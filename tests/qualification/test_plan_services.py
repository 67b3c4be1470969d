"""qualification.services on the database: plan generation (writes, replacement, bad input, query count,
jobs, command) and the way from draft to done, with competencies.services.assessment_record."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competencies.models import Assessment
from competencies.selectors import effective_levels
from competencies.services import AssessmentInvalid, assessment_record
from jobs import services as jobs
from jobs.models import Job
from qualification import generation, job_kinds, services
from qualification.generation import Period
from qualification.generation_jobs import generate_plans, plans_generate_job_create
from qualification.models import PlanItem, QualificationPlan
from qualification.services import PlanGenerationError, PlanStateError
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    InterestFactory,
    MeasureCompetencyFactory,
    MeasureFactory,
    MembershipFactory,
    PlanItemFactory,
    QualificationPlanFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    TeamFactory,
    TeamRequirementFactory,
    UserFactory,
    days_ago,
)

TODAY = timezone.localdate()
PERIOD = Period(TODAY.year, (TODAY.month - 1) // 3 + 1).shifted(1)  # always the next quarter
NEXT = PERIOD.shifted(1)

ITEM_FIELDS = (
    "plan__employee_id",
    "plan__period",
    "competency_id",
    "current_level",
    "target_level",
    "measure_id",
    "mentor_id",
    "team_id",
    "due_date",
    "reason",
    "priority",
    "hours",
    "cost",
    "needs_approval",
    "incentive",
)


def all_items():
    return list(
        PlanItem.objects.order_by("plan__employee_id", "plan__period", "competency_id").values_list(
            *ITEM_FIELDS
        )
    )


@pytest.fixture
def world(org):
    """Team A needs heat-pump diagnostics at 3 from two people; Erika holds it, Carl is one step away,
    Dana two. Dana's role wants customer conversation at 2 (no measure: Erika mentors). Bea (team B)
    wants to grow in heat pumps."""
    heat_pump = CompetencyFactory(name="Heat pump diagnostics")
    conversation = CompetencyFactory(name="Customer conversation")
    dana = EmployeeFactory(name="Dana Diagnostics")
    MembershipFactory(employee=dana, team=org.team_a)
    TeamRequirementFactory(team=org.team_a, competency=heat_pump, required_level=3, min_people=2, weight=3)
    for employee, competency, level in [
        (org.employee, heat_pump, 3),
        (org.employee, conversation, 3),
        (org.colleague, heat_pump, 2),
        (dana, heat_pump, 1),
        (org.member_b, heat_pump, 1),
    ]:
        AssessmentFactory(employee=employee, competency=competency, level=level)
    role = RoleProfileFactory(name="Technician")
    RoleRequirementFactory(role_profile=role, competency=conversation, target_level=2)
    dana.role_profile = role
    dana.save()
    InterestFactory(employee=org.member_b, competency=heat_pump)
    course = MeasureFactory(title="Heat pump service course", duration_hours=16, cost=400)
    MeasureCompetencyFactory(measure=course, competency=heat_pump, from_level=1, to_level=3)
    org.heat_pump, org.conversation, org.dana, org.course = heat_pump, conversation, dana, course
    return org


def generate(world, **kwargs):
    kwargs.setdefault("team_ids", [world.team_a.pk, world.team_b.pk])
    kwargs.setdefault("period", str(PERIOD))
    return services.plans_generate(**kwargs)


# --------------------------------------------------------------------------------------------------
# Generation


def test_generate_writes_draft_plans_by_the_rules(world):
    outcome = generate(world)

    plans = QualificationPlan.objects.order_by("employee_id")
    assert [(p.employee_id, p.period, p.status, p.origin) for p in plans] == [
        (e.pk, str(PERIOD), "draft", "generated") for e in (world.colleague, world.member_b, world.dana)
    ]
    carl = PlanItem.objects.get(plan__employee=world.colleague)
    assert (carl.competency, carl.current_level, carl.target_level, carl.reason, carl.team) == (
        world.heat_pump,
        2,
        3,
        "team_shortfall",
        world.team_a,
    )
    assert (carl.measure, carl.hours, carl.cost, carl.priority) == (
        world.course,
        Decimal("16.0"),
        Decimal("400.00"),
        1,
    )
    assert carl.due_date == PERIOD.end
    assert carl.incentive == "Level 3 · Heat pump diagnostics"
    dana = PlanItem.objects.get(plan__employee=world.dana)
    assert (dana.competency, dana.reason, dana.measure, dana.mentor) == (
        world.conversation,
        "role_profile",
        None,
        world.employee,
    )
    assert (dana.hours, dana.cost) == (generation.MENTORING_HOURS, generation.MENTORING_COST)
    bea = PlanItem.objects.get(plan__employee=world.member_b)
    assert (bea.reason, bea.current_level, bea.target_level, bea.measure) == ("interest", 1, 2, world.course)

    assert outcome["plans_created"] == 3 and outcome["plans_replaced"] == 0
    assert (outcome["items"], outcome["hours"], outcome["cost"]) == (3, 40.0, 800.0)
    team_a = outcome["teams"][0]
    assert (team_a["id"], team_a["name"], team_a["coverage_before"], team_a["coverage_after"]) == (
        world.team_a.pk,
        "Field Service North",
        0.5,
        1.0,
    )
    assert outcome["message"]


def test_regenerating_replaces_drafts_with_identical_items(world):
    first = generate(world)
    before = all_items()
    second = generate(world)
    assert all_items() == before
    assert second["plans_replaced"] == 3 and second["plans_created"] == 0
    assert {k: v for k, v in first.items() if not k.startswith("plans_")} == {
        k: v for k, v in second.items() if not k.startswith("plans_")
    }


@pytest.mark.parametrize("status", ["proposed", "agreed", "in_progress", "completed"])
def test_plans_beyond_draft_are_never_touched_and_their_people_skipped(world, status):
    kept = QualificationPlanFactory(employee=world.colleague, period=str(PERIOD), status=status)
    kept_item = PlanItemFactory(
        plan=kept, competency=world.conversation, current_level=0, target_level=1, reason="role_profile"
    )
    outcome = generate(world)

    assert outcome["skipped_employee_ids"] == [world.colleague.pk]
    assert list(kept.items.values_list("pk", flat=True)) == [kept_item.pk]
    assert QualificationPlan.objects.get(pk=kept.pk).status == status
    # Carl cannot take the shortfall, so Dana does (the next smallest step).
    shortfall = PlanItem.objects.get(reason="team_shortfall")
    assert (shortfall.plan.employee, shortfall.plan.status) == (world.dana, "draft")


def test_a_draft_built_by_hand_is_kept(world):
    manual = QualificationPlanFactory(employee=world.colleague, period=str(PERIOD), origin="manual")
    outcome = generate(world)
    assert QualificationPlan.objects.filter(pk=manual.pk).exists()
    assert outcome["skipped_employee_ids"] == [world.colleague.pk]


def test_open_items_of_agreed_plans_count_as_reached(world):
    earlier = QualificationPlanFactory(
        employee=world.colleague, period=str(PERIOD.shifted(-1)), status="agreed"
    )
    PlanItemFactory(plan=earlier, competency=world.heat_pump, current_level=2, target_level=3)
    outcome = generate(world)
    assert not PlanItem.objects.filter(reason="team_shortfall", plan__status="draft").exists()
    assert outcome["teams"][0]["coverage_before"] == 0.5


def test_items_beyond_capacity_move_to_the_next_quarter_and_come_back_when_it_grows(world):
    InterestFactory(employee=world.colleague, competency=world.conversation, target_level=3)
    outcome = generate(world, capacity_hours=20)
    carl = dict(
        PlanItem.objects.filter(plan__employee=world.colleague).values_list("competency_id", "plan__period")
    )
    assert carl == {world.heat_pump.pk: str(PERIOD), world.conversation.pk: str(NEXT)}
    assert outcome["items_next_period"] == 1
    assert outcome["periods"] == [str(PERIOD), str(NEXT)]

    again = generate(world, capacity_hours=40)
    assert again["plans_removed"] == 1
    assert not QualificationPlan.objects.filter(period=str(NEXT)).exists()


def test_budget_flags_items_beyond_it(world):
    outcome = generate(world, budget_per_team="300")
    flagged = set(PlanItem.objects.filter(needs_approval=True).values_list("plan__employee_id", flat=True))
    assert flagged == {world.colleague.pk, world.member_b.pk}
    assert outcome["items_needing_approval"] == 2
    assert outcome["budget_per_team"] == 300.0


def test_regenerating_one_team_keeps_the_shortfall_items_another_team_gave(world):
    # Bea is in team B and team A; team B needs customer conversation at 1, which only she can take.
    MembershipFactory(employee=world.member_b, team=world.team_a)
    TeamRequirementFactory(
        team=world.team_b, competency=world.conversation, required_level=1, min_people=1, weight=3
    )
    generate(world)
    item = PlanItem.objects.get(plan__employee=world.member_b, competency=world.conversation)
    assert (item.reason, item.team) == ("team_shortfall", world.team_b)

    generate(world, team_ids=[world.team_a.pk])
    item = PlanItem.objects.get(plan__employee=world.member_b, competency=world.conversation)
    assert (item.reason, item.team, item.priority) == ("team_shortfall", world.team_b, 1)


def test_a_mentor_with_three_mentees_in_the_period_takes_no_more(world):
    for _ in range(3):
        mentee = EmployeeFactory()
        plan = QualificationPlanFactory(employee=mentee, period=str(PERIOD), status="agreed")
        PlanItemFactory(
            plan=plan, competency=world.conversation, mentor=world.employee, reason="role_profile"
        )
    generate(world)
    dana = PlanItem.objects.get(plan__employee=world.dana, competency=world.conversation)
    assert dana.mentor is None
    assert dana.incentive.endswith("no mentor available yet")


def test_a_draft_proposed_while_generating_is_kept_and_the_run_starts_over(world, monkeypatch):
    generate(world)
    carl_plan = QualificationPlan.objects.get(employee=world.colleague)
    real_generate = generation.generate
    calls = []

    def propose_in_between(data, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            services.plan_propose(plan=carl_plan)
        return real_generate(data, **kwargs)

    monkeypatch.setattr(generation, "generate", propose_in_between)
    outcome = generate(world)
    assert len(calls) == 2
    assert QualificationPlan.objects.get(pk=carl_plan.pk).status == "proposed"
    assert outcome["skipped_employee_ids"] == [world.colleague.pk]
    assert QualificationPlan.objects.filter(employee=world.colleague).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period": "2027Q1"}, "YYYY-Qn"),
        ({"period": "2020-Q1"}, "already ended"),
        ({"team_ids": [987654]}, "no team with id 987654"),
        ({"team_ids": []}, "at least one team"),
        ({"team_ids": ["x"]}, "whole numbers"),
        ({"capacity_hours": -1}, "positive"),
        ({"capacity_hours": 0}, "positive"),
        ({"capacity_hours": "lots"}, "must be a number"),
        ({"budget_per_team": -5}, "negative"),
        ({"budget_per_team": "NaN"}, "must be a number"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(world, changes, message):
    with pytest.raises(PlanGenerationError, match=message):
        generate(world, **changes)
    assert not QualificationPlan.objects.exists()


def test_generation_reads_a_bounded_number_of_queries(world):
    generate(world)
    with CaptureQueriesContext(connection) as small:
        generate(world)

    for n in range(3):
        team = TeamFactory(parent=world.department)
        competency = CompetencyFactory()
        TeamRequirementFactory(team=team, competency=competency, required_level=2, min_people=3)
        RoleRequirementFactory(role_profile=world.dana.role_profile, competency=competency, target_level=2)
        for _ in range(4):
            person = EmployeeFactory(role_profile=world.dana.role_profile)
            MembershipFactory(employee=person, team=team)
            AssessmentFactory(employee=person, competency=competency, level=n)
            InterestFactory(employee=person, competency=world.heat_pump, target_level=2)
    team_ids = [world.team_a.pk, world.team_b.pk, *world.department.children.values_list("pk", flat=True)]
    generate(world, team_ids=team_ids)
    with CaptureQueriesContext(connection) as large:
        generate(world, team_ids=team_ids)
    assert PlanItem.objects.count() > 20

    # Reads must not grow with the data; SQLite splits bulk inserts into batches by column count.
    def reads(context):
        return [q for q in context.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT")]

    assert len(reads(large)) == len(reads(small))
    assert len(small) <= 25


def test_cancelling_through_progress_writes_nothing(world):
    calls = []

    def progress(percent, message):
        calls.append(percent)
        if percent >= 50:
            raise jobs.JobCancelled

    with pytest.raises(jobs.JobCancelled):
        generate(world, progress=progress)
    assert not QualificationPlan.objects.exists()
    assert calls == sorted(calls) and calls[-1] >= 50


@override_settings(REDIS_URL="", SERVICELEAD_INPROCESS_JOBS="sync")
def test_generation_job_runs_records_the_outcome_and_is_safe_to_run_again(
    world, django_capture_on_commit_callbacks
):
    lead = world.users["lead_a"]
    with django_capture_on_commit_callbacks(execute=True):
        job = plans_generate_job_create(
            team_ids=[world.team_a.pk, world.team_b.pk], period=str(PERIOD), owner=lead
        )
    job.refresh_from_db()
    assert (job.status, job.progress) == (Job.Status.SUCCEEDED, 100)
    assert job.result["items"] == 3 and job.result["teams"][0]["coverage_after"] == 1.0
    assert job.message == job.result["message"]
    assert set(QualificationPlan.objects.values_list("job_id", "created_by_id")) == {(job.pk, lead.pk)}
    before = all_items()

    # A redelivered task finds the job finished and does nothing; the handler itself is idempotent too.
    assert jobs.job_run(job_id=job.pk) is None
    generate_plans(job, lambda percent, message="": None)
    assert all_items() == before
    assert QualificationPlan.objects.count() == 3


def test_generation_job_with_bad_parameters_fails_with_a_message(world):
    with pytest.raises(PlanGenerationError):
        plans_generate_job_create(team_ids=[world.team_a.pk], period="next spring")
    job = Job.objects.create(
        kind=job_kinds.GENERATE_PLANS, parameters={"team_ids": [world.team_a.pk], "period": "x"}
    )
    job = jobs.job_run(job_id=job.pk)
    assert job.status == Job.Status.FAILED
    assert "YYYY-Qn" in job.message
    assert not QualificationPlan.objects.exists()


# --------------------------------------------------------------------------------------------------
# The command


def test_command_prints_the_outcome(world):
    out = StringIO()
    call_command(
        "generate_plans",
        "--team",
        str(world.team_a.pk),
        "--period",
        str(PERIOD),
        "--budget",
        "100",
        stdout=out,
    )
    text = out.getvalue()
    assert f"Qualification plans for {PERIOD}" in text
    assert "plans: 2 created, 0 replaced" in text
    assert "items: 2, 24.0 h, 400.00 EUR" in text
    assert "needing budget approval: 1 items" in text
    assert f"Field Service North (#{world.team_a.pk}): coverage 50.0 % → 100.0 %" in text


def test_command_plans_a_department_with_its_teams(world):
    out = StringIO()
    call_command(
        "generate_plans", "--department", str(world.department.pk), "--period", str(PERIOD), stdout=out
    )
    assert QualificationPlan.objects.count() == 3
    assert "Field Service South" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all", "--period", "Q1-2027"], "YYYY-Qn"),
        (["--team", "987654", "--period", str(PERIOD)], "no team with id 987654"),
        (["--all", "--period", str(PERIOD), "--capacity", "-3"], "positive"),
        (["--all", "--period", str(PERIOD), "--budget", "-1"], "negative"),
    ],
)
def test_command_refuses_bad_input(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_plans", *args, stdout=StringIO())
    assert not QualificationPlan.objects.exists()


# --------------------------------------------------------------------------------------------------
# From draft to done


@pytest.fixture
def agreed_item(world):
    generate(world)
    item = PlanItem.objects.select_related("plan").get(plan__employee=world.colleague)
    services.plan_propose(plan=item.plan)
    services.plan_agree(plan=item.plan, comment="Gladly")
    item.refresh_from_db()
    return item


def test_propose_then_agree(world):
    generate(world)
    plan = QualificationPlan.objects.get(employee=world.colleague)
    assert services.plan_propose(plan=plan).status == "proposed"
    with pytest.raises(PlanStateError, match="proposed"):
        services.plan_propose(plan=plan)
    agreed = services.plan_agree(plan=plan, comment="Yes, in spring")
    assert (agreed.status, agreed.employee_comment) == ("agreed", "Yes, in spring")
    with pytest.raises(PlanStateError):
        services.plan_agree(plan=plan)


def test_only_proposed_plans_can_be_agreed_and_empty_plans_not_proposed(world):
    draft = QualificationPlanFactory(employee=world.colleague, period=str(PERIOD))
    with pytest.raises(PlanStateError, match="without items"):
        services.plan_propose(plan=draft)
    with pytest.raises(PlanStateError, match="draft"):
        services.plan_agree(plan=draft)


def test_completing_an_item_records_a_manager_assessment_and_moves_the_plan_on(world, agreed_item):
    lead = world.users["lead_a"]
    services.plan_item_complete(item=agreed_item, assessed_by=lead)

    agreed_item.refresh_from_db()
    assert (agreed_item.status, agreed_item.progress) == ("done", 100)
    assessment = Assessment.objects.filter(employee=world.colleague, competency=world.heat_pump).latest("id")
    assert (assessment.level, assessment.source, assessment.assessed_by, assessment.assessed_on) == (
        3,
        "manager",
        lead,
        TODAY,
    )
    levels = effective_levels(on=TODAY, employee_ids=[world.colleague.pk])
    assert levels.set_index("competency_id").loc[world.heat_pump.pk, "level"] == 3
    assert QualificationPlan.objects.get(pk=agreed_item.plan_id).status == "completed"


def test_completing_one_of_several_items_starts_the_plan(world, agreed_item):
    PlanItemFactory(plan=agreed_item.plan, competency=world.conversation, current_level=0, target_level=1)
    services.plan_item_complete(item=agreed_item, assessed_by=world.users["lead_a"])
    assert QualificationPlan.objects.get(pk=agreed_item.plan_id).status == "in_progress"


def test_certificate_completion_is_valid_for_the_competency_s_validity(world, agreed_item):
    world.heat_pump.requires_certificate, world.heat_pump.validity_months = True, 24
    world.heat_pump.save()
    services.plan_item_complete(
        item=agreed_item, assessed_by=world.users["hr"], source="certificate", level=4
    )
    assessment = Assessment.objects.filter(employee=world.colleague, competency=world.heat_pump).latest("id")
    assert (assessment.level, assessment.source) == (4, "certificate")
    assert assessment.valid_until == TODAY + relativedelta(months=24)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source": "self"}, "manager's confirmation or a certificate"),
        ({"level": 2}, "below the item's target"),
        ({"level": 9}, "not on the scale"),
    ],
)
def test_completion_refuses_bad_evidence_and_writes_nothing(world, agreed_item, kwargs, message):
    count = Assessment.objects.count()
    with pytest.raises(ValueError, match=message):
        services.plan_item_complete(item=agreed_item, assessed_by=world.users["lead_a"], **kwargs)
    assert Assessment.objects.count() == count
    agreed_item.refresh_from_db()
    assert agreed_item.status == "open"


def test_items_of_a_draft_or_finished_item_cannot_be_completed(world, agreed_item):
    services.plan_item_complete(item=agreed_item, assessed_by=world.users["lead_a"])
    with pytest.raises(PlanStateError):
        services.plan_item_complete(item=agreed_item, assessed_by=world.users["lead_a"])
    draft_item = PlanItem.objects.filter(plan__status="draft").first()
    with pytest.raises(PlanStateError, match="draft"):
        services.plan_item_complete(item=draft_item, assessed_by=world.users["lead_a"])


def test_regenerating_keeps_a_plan_that_was_proposed(world):
    generate(world)
    plan = QualificationPlan.objects.get(employee=world.colleague)
    services.plan_propose(plan=plan)
    generate(world)
    assert QualificationPlan.objects.get(pk=plan.pk).status == "proposed"


# --------------------------------------------------------------------------------------------------
# assessment_record


def test_assessment_record_writes_one_row(world):
    lead = UserFactory()
    assessment = assessment_record(
        employee=world.dana,
        competency=world.heat_pump,
        level=2,
        source="manager",
        assessed_on=days_ago(1),
        assessed_by=lead,
        note="Observed on site",
    )
    assert Assessment.objects.filter(
        pk=assessment.pk, level=2, assessed_by=lead, note="Observed on site"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"level": 5}, "not on the scale"),
        ({"source": "rumour"}, "Unknown assessment source"),
        ({"assessed_on": TODAY + datetime.timedelta(days=1)}, "future"),
        ({"valid_until": days_ago(10)}, "cannot be before"),
    ],
)
def test_assessment_record_refuses_invalid_assessments(world, changes, message):
    arguments = {
        "employee": world.dana,
        "competency": world.heat_pump,
        "level": 2,
        "source": "manager",
        "assessed_on": days_ago(1),
        "assessed_by": None,
    } | changes
    count = Assessment.objects.count()
    with pytest.raises(AssessmentInvalid, match=message):
        assessment_record(**arguments)
    assert Assessment.objects.count() == count
