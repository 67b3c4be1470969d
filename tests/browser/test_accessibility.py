"""Every page, as each role reaches it, in English and in German, passes axe-core without serious or
critical violations — with content on it: requirements, levels, a submitted self-assessment, plans in each
state, a campaign, a certificate, finished jobs, an import error report, the what-if result."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from competencies import governance, proposals
from competencies import services as competency_services
from competencies.imports import jobs as import_jobs
from competencies.models import Assessment
from competencies.notifications import notifications_collect, unsubscribe_token
from jobs.models import Job
from qualification import generation_jobs
from qualification.export_jobs import plans_export_job_create
from qualification.models import PlanItem, QualificationPlan
from tests.browser.support import LANGUAGES, accessibility_problems, new_page, sign_in
from tests.competencies.test_certificates import evidence_for
from tests.factories import (
    AssessmentFactory,
    CategoryFactory,
    CompetencyFactory,
    InterestFactory,
    MeasureCompetencyFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    TeamRequirementFactory,
    days_ago,
)
from tests.imports.support import write_csv
from tests.qualification.test_views import PERIOD, item_of, job_for, plan_for
from tests.teams.test_review_campaigns import campaign_for
from tests.test_permission_matrix import EXPECTATIONS, staffing_request

pytestmark = pytest.mark.browser

# HTML pages that are not visited on their own: downloads, data, probes and the fragments that the
# visited pages load (job progress polls; the what-if result and staffing hints are checked in place).
NOT_PAGES = {
    "logout",
    "healthz",
    "readyz",
    "api_schema",
    "api_docs",  # Swagger UI, a vendored viewer
    "competencies:my_data_export",
    "competencies:evidence_download",
    "jobs:job_status",
    "qualification:job_download",
    "imports:job_status",
    "notifications:nav_counts",  # the navigation's counts, loaded into every page
    "notifications:open",  # marks read and redirects to the notification's link
    "teams:staffing_request_send",  # a form's POST target, redirects to the request
    "operations:dispatch_export",  # a CSV or JSON download
    "catalogue:search",  # a fragment of the self-assessment page, visited there
}


@dataclass
class Site:
    """The ids of what the pages show."""

    org: object
    course: object
    colleague_draft: int
    employee_proposal: int
    agreed_plan: int
    agreed_item: int
    employee_completed: int
    campaign: int
    staffing_request: int
    generation_job: int
    export_job: int
    import_job: int
    bad_import: object
    merge: int = 0
    proposal: int = 0


@pytest.fixture
def site(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICELEAD_INPROCESS_JOBS = "sync"
    technical = CategoryFactory(name="Technical systems")
    heat = CompetencyFactory(category=technical, name="Heat pump diagnostics")
    commissioning = CompetencyFactory(category=technical, name="Heat pump commissioning")
    explain = CompetencyFactory(name="Explaining to customers")
    TeamRequirementFactory(team=org.team_a, competency=heat, required_level=3, min_people=2, weight=3)
    TeamRequirementFactory(team=org.team_a, competency=commissioning, required_level=2, min_people=1)
    TeamRequirementFactory(team=org.team_a, competency=explain, required_level=2, min_people=2, weight=1)
    TeamRequirementFactory(team=org.team_b, competency=heat, required_level=2, min_people=1)
    AssessmentFactory(employee=org.employee, competency=heat, level=2, assessed_on=days_ago(200))
    AssessmentFactory(employee=org.colleague, competency=heat, level=3)
    AssessmentFactory(employee=org.colleague, competency=explain, level=4, assessed_on=days_ago(90))
    AssessmentFactory(employee=org.member_b, competency=heat, level=4)
    AssessmentFactory(employee=org.member_b, competency=commissioning, level=3)
    AssessmentFactory(
        employee=org.employee,
        competency=explain,
        level=3,
        source=Assessment.Source.CERTIFICATE,
        valid_until=days_ago(-40),
    )
    # Three role-profile competencies: the profile draws its radar chart.
    org.employee.role_profile = RoleProfileFactory(name="Service technician")
    org.employee.save(update_fields=["role_profile"])
    for competency in (heat, commissioning, explain):
        RoleRequirementFactory(role_profile=org.employee.role_profile, competency=competency, target_level=3)
    evidence_for(org.employee, commissioning)
    InterestFactory(employee=org.employee, competency=heat, target_level=3)
    competency_services.self_assessment_submit(
        employee=org.employee,
        user=org.users["employee"],
        entries={heat.pk: {"level": 3, "note": "Diagnosed the new units alone"}, explain.pk: {"level": 2}},
        version=0,
    )
    course = MeasureCompetencyFactory(
        competency=heat, from_level=1, to_level=3, measure__title="Heat pump course"
    ).measure
    MeasureCompetencyFactory(competency=explain, from_level=1, to_level=3, measure__title="Customer talk")
    colleague_draft = plan_for(org.colleague, competency=explain, team=org.team_a)
    employee_proposal = plan_for(
        org.employee, status="proposed", competency=heat, team=org.team_a, measure=course
    )
    agreed = plan_for(org.member_b, status="agreed", competency=commissioning)
    completed = QualificationPlan.objects.create(
        employee=org.employee, period="2025-Q1", status="completed", origin=QualificationPlan.Origin.GENERATED
    )
    PlanItem.objects.create(
        plan=completed,
        competency=commissioning,
        current_level=2,
        target_level=3,
        reason=PlanItem.Reason.ROLE_PROFILE,
        status=PlanItem.Status.DONE,
        progress=100,
        incentive="Level 3 · Heat pump commissioning",
    )
    generation = generation_jobs.plans_generate_job_create(
        team_ids=[org.team_b.pk], period=str(PERIOD), owner=org.users["lead_b"]
    )
    export = plans_export_job_create(scope="all", owner=org.users["hr"], language="en")
    notifications_collect(users=[org.users["employee"], org.users["lead_a"]])
    # Catalogue governance (#15): a duplicate merged and waiting for confirmation, an open proposal.
    duplicate = CompetencyFactory(category=technical, name="Heat-pump diagnosis")
    merge = governance.competency_merge(source=duplicate, target=heat, actor=org.users["hr"])
    proposal = proposals.proposal_create(
        user=org.users["employee"], name="Heat pump sizing", justification="Customers ask us to size units."
    )
    return Site(
        merge=merge.pk,
        proposal=proposal.pk,
        org=org,
        course=course,
        colleague_draft=colleague_draft,
        employee_proposal=employee_proposal,
        agreed_plan=agreed,
        agreed_item=item_of(agreed),
        employee_completed=completed.pk,
        campaign=campaign_for(org.team_a),
        staffing_request=staffing_request(org).pk,
        generation_job=generation.pk,
        export_job=export.pk,
        import_job=job_for(org.users["hr"], kind=import_jobs.KIND, status=Job.Status.RUNNING),
        bad_import=write_csv(
            tmp_path / "skills.csv",
            [["Personalnummer", "Name", heat.name], [org.employee.personnel_no, org.employee.name, "9"]],
            delimiter=";",
        ),
    )


def _off_token(site):
    return unsubscribe_token(user=site.org.users["employee"], kind="campaign")


def _url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


# role → the pages that role visits: (URL name, kwargs from the site). Each URL name of an HTML page in
# the permission matrix appears at least once (test_every_page_is_visited).
VISITS = {
    "employee": [
        ("home", lambda s: {}),
        ("competencies:employee_detail", lambda s: {"employee_id": s.org.employee.pk}),
        ("competencies:self_assessment", lambda s: {}),
        ("competencies:my_reads", lambda s: {}),
        ("qualification:my_plan", lambda s: {}),
        ("qualification:plan_detail", lambda s: {"plan_id": s.employee_proposal}),
        ("qualification:plan_certificate", lambda s: {"plan_id": s.employee_completed}),
        ("teams:team_detail", lambda s: {"team_id": s.org.team_a.pk}),
        ("qualification:team_progress", lambda s: {"team_id": s.org.team_a.pk}),
        ("qualification:measure_list", lambda s: {}),
        ("qualification:measure_detail", lambda s: {"measure_id": s.course.pk}),
        ("catalogue:propose", lambda s: {}),
        ("notifications:list", lambda s: {}),
        ("notifications:settings", lambda s: {}),
        (
            "notifications:off",
            lambda s: {"token": unsubscribe_token(user=s.org.users["employee"], kind="campaign")},
        ),
    ],
    "lead_a": [
        ("home", lambda s: {}),
        ("teams:dashboard", lambda s: {"team_id": s.org.team_a.pk}),
        ("teams:matrix", lambda s: {"team_id": s.org.team_a.pk}),
        ("teams:staffing_hints", lambda s: {"team_id": s.org.team_a.pk}),
        ("teams:what_if", lambda s: {"team_id": s.org.team_a.pk}),
        ("teams:review_queue", lambda s: {"team_id": s.org.team_a.pk}),
        ("teams:review_member", lambda s: {"employee_id": s.org.employee.pk}),
        ("teams:review_calibration", lambda s: {"team_id": s.org.team_a.pk}),
        ("teams:campaign_list", lambda s: {}),
        ("teams:campaign_create", lambda s: {}),
        ("teams:campaign_detail", lambda s: {"campaign_id": s.campaign}),
        ("teams:staffing_requests", lambda s: {}),
        ("teams:staffing_request", lambda s: {"pk": s.staffing_request}),
        ("competencies:employee_detail", lambda s: {"employee_id": s.org.colleague.pk}),
        ("competencies:certificate_create", lambda s: {"employee_id": s.org.colleague.pk}),
        ("qualification:index", lambda s: {}),
        ("qualification:generate", lambda s: {}),
        ("qualification:team_plans", lambda s: {"team_id": s.org.team_a.pk}),
        ("qualification:team_interests", lambda s: {"team_id": s.org.team_a.pk}),
        ("qualification:plan_detail", lambda s: {"plan_id": s.colleague_draft}),
        ("qualification:export", lambda s: {}),
        ("operations:team_systems", lambda s: {"team_id": s.org.team_a.pk}),
        ("operations:team_suggestions", lambda s: {"team_id": s.org.team_a.pk}),
        ("operations:team_duty", lambda s: {"team_id": s.org.team_a.pk}),
        ("operations:team_duty_strip", lambda s: {"team_id": s.org.team_a.pk}),
        ("operations:system_list", lambda s: {}),
    ],
    "lead_b": [
        ("jobs:job_detail", lambda s: {"job_id": s.generation_job}),
        ("qualification:plan_detail", lambda s: {"plan_id": s.agreed_plan}),
        ("qualification:item_complete", lambda s: {"item_id": s.agreed_item}),
    ],
    "hr": [
        ("home", lambda s: {}),
        ("teams:organisation", lambda s: {}),
        ("teams:department", lambda s: {"team_id": s.org.department.pk}),
        ("teams:dashboard", lambda s: {"team_id": s.org.department.pk}),
        ("competencies:employee_history", lambda s: {"employee_id": s.org.employee.pk}),
        ("competencies:employee_anonymise", lambda s: {"employee_id": s.org.colleague.pk}),
        ("jobs:job_detail", lambda s: {"job_id": s.export_job}),
        ("qualification:measure_create", lambda s: {}),
        ("qualification:measure_update", lambda s: {"measure_id": s.course.pk}),
        ("imports:upload", lambda s: {}),
        ("imports:job", lambda s: {"job_id": s.import_job}),
        ("operations:import", lambda s: {}),
        ("catalogue:list", lambda s: {}),
        ("catalogue:sheet", lambda s: {}),
        ("catalogue:merge", lambda s: {"competency_id": s.course.ranges.first().competency_id}),
        ("catalogue:merge_detail", lambda s: {"merge_id": s.merge}),
        ("catalogue:esco", lambda s: {}),
        ("catalogue:proposals", lambda s: {}),
        ("catalogue:proposal_detail", lambda s: {"proposal_id": s.proposal}),
    ],
    "admin": [
        ("home", lambda s: {}),
        ("qualification:works_agreement_annex", lambda s: {}),
    ],
}


def test_every_page_is_visited():
    pages = {
        name
        for name, cases in EXPECTATIONS.items()
        if not name.startswith("api:")
        and any(case.method == "get" and 200 in case.status.values() for case in cases)
    }
    visited = {name for visits in VISITS.values() for name, _kwargs in visits} | {"login"}
    assert pages - NOT_PAGES <= visited, sorted(pages - NOT_PAGES - visited)


def check(page, url, label=None):
    page.goto(url)
    return accessibility_problems(page, label)


def extra_checks(page, role, site, base):
    """Pages in the states a visit leads to: panels opened, forms answered."""
    found = []
    if role == "lead_a":
        page.goto(f"{base}{_url('teams:dashboard', team_id=site.org.team_a.pk)}")
        page.check(f"#what-if input[name=remove][value='{site.org.colleague.pk}']")
        page.click("#what-if button[type=submit]")
        page.wait_for_selector("#what-if-result table")
        found += accessibility_problems(page, "dashboard with staffing hints and what-if result")
    if role == "hr":
        page.goto(f"{base}{_url('imports:upload')}")
        page.set_input_files("input[name=file]", str(site.bad_import))
        page.click("form button[type=submit].btn-primary")
        page.wait_for_selector("#import-problems")
        found += accessibility_problems(page, "import error report")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(VISITS))
def test_pages_pass_axe(chromium, live_server, transactional_db, site, role, language):
    page = sign_in(chromium, live_server, role, language)
    found = []
    for name, kwargs in VISITS[role]:
        found += check(page, f"{live_server.url}{_url(name, **kwargs(site))}", name)
    found += extra_checks(page, role, site, live_server.url)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_lockout_and_error_pages_pass_axe(
    chromium, live_server, transactional_db, org, language, settings
):
    page = new_page(chromium, language)
    found = check(page, f"{live_server.url}/login/", "login")
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        page.fill("input[name=username]", "lead_b")
        page.fill("input[name=password]", "wrong")
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        if attempt == 0:
            found += accessibility_problems(page, "login with an error")
    page.wait_for_selector(".sl-locked-out")
    found += accessibility_problems(page, "lockout")
    page = sign_in(chromium, live_server, "employee", language)
    found += check(page, f"{live_server.url}/teams/{org.team_b.pk}/dashboard/", "403")
    found += check(page, f"{live_server.url}/people/{org.member_b.pk + 1000}/", "404")
    assert not found, "\n".join(found)
