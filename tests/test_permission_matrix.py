"""Every URL of the project against every role of SPEC.md's "Who may do what" table.

A URL name without an entry in EXPECTATIONS fails ``test_every_url_pattern_is_declared``: whoever adds a
page or endpoint declares here who may reach it."""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from competencies.imports import jobs as import_jobs
from competencies.models import Notification
from competencies.notifications import unsubscribe_token
from tests.api.permission_cases import API_EXPECTATIONS
from tests.competencies.test_certificates import evidence_for
from tests.conftest import ROLES
from tests.factories import CompetencyFactory, MeasureFactory, TeamRequirementFactory
from tests.qualification.test_views import completed_plan_for, export_job_for, item_of, job_for, plan_for
from tests.teams.test_review_campaigns import campaign_for

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")


@dataclass(frozen=True)
class Case:
    """One request: ``kwargs(org)`` builds the URL kwargs; ``status`` maps each role to its answer.

    A page answers anonymous with a redirect to the login page (302); the API answers 403."""

    label: str
    status: dict
    kwargs: object = field(default=lambda org: {})
    method: str = "get"


def notification_for(user):
    return Notification.objects.create(
        recipient=user, kind="campaign", key="campaign:1", params={}, url="/", delivery="off"
    ).pk


def off_token(user, kind):
    return unsubscribe_token(user=user, kind=kind)


def staffing_request(org):
    from teams.models import StaffingRequest

    requirement = TeamRequirementFactory(team=org.team_a)
    return StaffingRequest.objects.create(
        team=org.team_a,
        competency=requirement.competency,
        required_level=requirement.required_level,
        requested_by=org.users["lead_a"],
        addressed_to=org.department,
    )


def page(**status):
    return {"anonymous": 302, **status}


def api(**status):
    return {"anonymous": 403, **status}


EVERYONE = {"employee": 200, "lead_a": 200, "lead_b": 200, "hr": 200, "admin": 200}
HR_ONLY = {"employee": 403, "lead_a": 403, "lead_b": 403, "hr": 200, "admin": 200}
HR_ONLY_POST = {"employee": 403, "lead_a": 403, "lead_b": 403, "hr": 302, "admin": 302}


def merge_for():
    from competencies.governance import competency_merge

    return competency_merge(source=CompetencyFactory(), target=CompetencyFactory()).pk


def proposal_for(org):
    from competencies.models import CompetencyProposal

    return CompetencyProposal.objects.create(
        name="Sizing", justification="Needed", proposed_by=org.users["employee"]
    ).pk


EXPECTATIONS = {
    "home": [Case("home", page(**EVERYONE))],
    "login": [
        Case("login form", {"anonymous": 200, **dict.fromkeys(EVERYONE, 302)}),
    ],
    "logout": [
        Case("logout", dict.fromkeys(ROLES, 302), method="post"),
    ],
    "propose_drafts": [
        # Without a team and plans; tests/home/test_todos.py posts real lists as each role.
        Case("no team given", page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404), method="post"),
    ],
    "notifications:list": [Case("own notifications", page(**EVERYONE))],
    "notifications:mark_read": [
        Case("mark all read", page(**dict.fromkeys(EVERYONE, 302)), method="post"),
    ],
    "notifications:settings": [Case("own settings", page(**EVERYONE))],
    "notifications:open": [
        Case(
            "the employee's notification",
            page(employee=302, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"notification_id": notification_for(org.users["employee"])},
        ),
    ],
    "notifications:nav_counts": [Case("navigation counts", page(**EVERYONE))],
    "notifications:off": [
        Case(
            "signed link of the employee (no sign-in needed)",
            {"anonymous": 200, **EVERYONE},
            lambda org: {"token": off_token(org.users["employee"], "campaign")},
        ),
        Case(
            "forged link",
            {"anonymous": 400, **dict.fromkeys(EVERYONE, 400)},
            lambda org: {"token": "forged:token"},
        ),
    ],
    "competencies:employee_detail": [
        Case(
            "own record",
            page(employee=200, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.employee.pk},
        ),
        Case(
            "colleague in team A",
            page(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.colleague.pk},
        ),
        Case(
            "member of team B",
            page(employee=404, lead_a=404, lead_b=200, hr=200, admin=200),
            lambda org: {"employee_id": org.member_b.pk},
        ),
        Case(
            "unknown person",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"employee_id": org.member_b.pk + 1000},
        ),
    ],
    "teams:team_detail": [
        Case(
            "team A",
            page(employee=200, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "department",
            page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.department.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "teams:dashboard": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            # The department's dashboard is its department page: a redirect for whoever may see it.
            "department",
            page(employee=403, lead_a=403, lead_b=403, hr=302, admin=302),
            lambda org: {"team_id": org.department.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "teams:matrix": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            # A department has no matrix of its own: its department page, for whoever may see it.
            "department",
            page(employee=403, lead_a=403, lead_b=403, hr=302, admin=302),
            lambda org: {"team_id": org.department.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "teams:staffing_hints": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "qualification:works_agreement_annex": [
        Case("page", page(employee=403, lead_a=403, lead_b=403, hr=403, admin=200)),
    ],
    "teams:staffing_requests": [
        Case("list", page(employee=403, lead_a=200, lead_b=200, hr=200, admin=200)),
    ],
    "teams:staffing_request": [
        Case(
            "team A's request to the department",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"pk": staffing_request(org).pk},
        ),
        Case(
            "unknown",
            page(employee=403, lead_a=403, lead_b=403, hr=403, admin=403),
            lambda org: {"pk": 999999},
        ),
    ],
    "teams:staffing_request_send": [
        Case(
            "team A, no data",
            page(employee=403, lead_a=302, lead_b=403, hr=302, admin=302),
            lambda org: {"team_id": org.team_a.pk},
            method="post",
        ),
    ],
    "teams:what_if": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "teams:department": [
        Case(
            "department",
            page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.department.pk},
        ),
        Case(
            # A team without teams below: the URL leads to its dashboard.
            "team A",
            page(employee=403, lead_a=302, lead_b=403, hr=302, admin=302),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "teams:organisation": [
        Case("organisation", page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200)),
    ],
    "api:team_staffing_hints": [
        Case(
            "team A",
            api(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
    ],
    "api:team_gap_analysis": [
        Case(
            "team A",
            api(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "team B",
            api(employee=403, lead_a=403, lead_b=200, hr=200, admin=200),
            lambda org: {"team_id": org.team_b.pk},
        ),
    ],
    # Self-assessment and "download my data": one's own record only; no record, nothing to show.
    "competencies:self_assessment": [
        Case("own self-assessment", page(employee=200, lead_a=404, lead_b=404, hr=404, admin=404)),
    ],
    "competencies:my_data_export": [
        Case(
            "own data as JSON",
            page(employee=200, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"fmt": "json"},
        ),
    ],
    "competencies:my_reads": [
        Case("own reads", page(employee=200, lead_a=404, lead_b=404, hr=404, admin=404)),
    ],
    "competencies:certificate_create": [
        Case(
            "own record",
            page(employee=403, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.employee.pk},
        ),
        Case(
            "colleague in team A",
            page(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.colleague.pk},
        ),
    ],
    "competencies:evidence_download": [
        Case(
            "colleague's evidence",
            page(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"evidence_id": evidence_for(org.colleague)},
        ),
        Case(
            "own evidence",
            page(employee=200, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"evidence_id": evidence_for(org.employee)},
        ),
    ],
    "competencies:employee_history": [
        Case(
            "colleague in team A",
            page(employee=404, lead_a=403, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.colleague.pk},
        ),
        Case(
            "own record",
            page(employee=403, lead_a=403, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.employee.pk},
        ),
    ],
    "competencies:employee_anonymise": [
        Case(
            "colleague in team A",
            page(employee=404, lead_a=403, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.colleague.pk},
        ),
    ],
    # Leader confirmation: the person's leads (team or department), HR and admins; never oneself.
    "teams:review_member": [
        Case(
            "own record",
            page(employee=403, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"employee_id": org.employee.pk},
        ),
        Case(
            "member of team B",
            page(employee=404, lead_a=404, lead_b=200, hr=200, admin=200),
            lambda org: {"employee_id": org.member_b.pk},
        ),
        Case(
            "unknown person",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"employee_id": org.member_b.pk + 1000},
        ),
    ],
    "teams:review_queue": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "teams:review_calibration": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
    ],
    "teams:campaign_list": [Case("campaigns", page(employee=403, lead_a=200, lead_b=200, hr=200, admin=200))],
    "teams:campaign_create": [
        Case("new campaign", page(employee=403, lead_a=200, lead_b=200, hr=200, admin=200))
    ],
    "teams:campaign_detail": [
        Case(
            "campaign of team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"campaign_id": campaign_for(org.team_a)},
        ),
    ],
    # The schema and its viewer describe the API, they hold no data: open like the login page.
    "api_schema": [Case("schema", {"anonymous": 200, **EVERYONE})],
    "api_docs": [Case("docs", {"anonymous": 200, **EVERYONE})],
    # Probes for load balancers: public, they hold no data (servicelead/health.py).
    "healthz": [Case("liveness probe", {"anonymous": 200, **EVERYONE})],
    "readyz": [Case("readiness probe", {"anonymous": 200, **EVERYONE})],
    # Qualification (qualification/permissions.py): leads of the person's team or department, HR and
    # admins manage a plan (never their own); its employee agrees, comments and reports progress; to
    # anyone else it does not exist. Leads plan and export for their teams, HR and admins for all.
    "qualification:index": [
        Case("plans by team", page(employee=302, lead_a=200, lead_b=200, hr=200, admin=200)),
    ],
    "qualification:my_plan": [
        Case("own plan", page(employee=200, lead_a=404, lead_b=404, hr=404, admin=404)),
    ],
    "qualification:generate": [
        Case("generation form", page(employee=403, lead_a=200, lead_b=200, hr=200, admin=200)),
    ],
    "qualification:export": [
        Case("export form", page(employee=403, lead_a=200, lead_b=200, hr=200, admin=200)),
    ],
    "qualification:team_plans": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "qualification:team_interests": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": org.department.pk + 1000},
        ),
    ],
    "qualification:team_progress": [
        Case(
            "team A",
            page(employee=200, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "department",
            page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.department.pk},
        ),
    ],
    "jobs:job_detail": [
        Case(
            "lead A's job",
            page(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"job_id": job_for(org.users["lead_a"])},
        ),
    ],
    "jobs:job_status": [
        Case(
            "lead A's job",
            page(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"job_id": job_for(org.users["lead_a"])},
        ),
    ],
    "jobs:job_cancel": [
        Case(
            "lead A's job",
            page(employee=404, lead_a=302, lead_b=404, hr=302, admin=302),
            lambda org: {"job_id": job_for(org.users["lead_a"])},
            method="post",
        ),
    ],
    "jobs:job_finish": [
        Case(
            "lead A's job",
            page(employee=404, lead_a=302, lead_b=404, hr=302, admin=302),
            lambda org: {"job_id": job_for(org.users["lead_a"])},
            method="post",
        ),
    ],
    "qualification:job_download": [
        Case(
            "lead A's export",
            page(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"job_id": export_job_for(org.users["lead_a"])},
        ),
    ],
    "qualification:plan_detail": [
        Case(
            "own plan",
            page(employee=200, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"plan_id": plan_for(org.employee)},
        ),
        Case(
            "colleague's plan",
            page(employee=404, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"plan_id": plan_for(org.colleague)},
        ),
    ],
    "qualification:plan_propose": [
        Case(
            "draft of the employee",
            page(employee=403, lead_a=302, lead_b=404, hr=302, admin=302),
            lambda org: {"plan_id": plan_for(org.employee)},
            method="post",
        ),
    ],
    "qualification:plan_agree": [
        Case(
            "proposal to the employee",
            page(employee=302, lead_a=403, lead_b=404, hr=403, admin=403),
            lambda org: {"plan_id": plan_for(org.employee, status="proposed")},
            method="post",
        ),
    ],
    "qualification:plan_request_change": [
        Case(
            "proposal to the employee",
            page(employee=302, lead_a=403, lead_b=404, hr=403, admin=403),
            lambda org: {"plan_id": plan_for(org.employee, status="proposed")},
            method="post",
        ),
    ],
    "qualification:plan_comment": [
        Case(
            "plan of the employee",
            page(employee=302, lead_a=302, lead_b=404, hr=302, admin=302),
            lambda org: {"plan_id": plan_for(org.employee, status="agreed")},
            method="post",
        ),
    ],
    "qualification:item_add": [
        Case(
            "draft of the employee",
            page(employee=403, lead_a=302, lead_b=404, hr=302, admin=302),
            lambda org: {"plan_id": plan_for(org.employee)},
            method="post",
        ),
    ],
    "qualification:plan_certificate": [
        Case(
            "completed plan of the employee",
            page(employee=200, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"plan_id": completed_plan_for(org.employee)},
        ),
    ],
    "qualification:item_update": [
        Case(
            "item of a draft",
            page(employee=403, lead_a=302, lead_b=404, hr=302, admin=302),
            lambda org: {"item_id": item_of(plan_for(org.employee))},
            method="post",
        ),
    ],
    "qualification:item_drop": [
        Case(
            "item of a draft",
            page(employee=403, lead_a=302, lead_b=404, hr=302, admin=302),
            lambda org: {"item_id": item_of(plan_for(org.employee))},
            method="post",
        ),
    ],
    "qualification:item_progress": [
        Case(
            "item of an agreed plan",
            page(employee=302, lead_a=403, lead_b=404, hr=403, admin=403),
            lambda org: {"item_id": item_of(plan_for(org.employee, status="agreed"))},
            method="post",
        ),
    ],
    "qualification:item_complete": [
        Case(
            "item of an agreed plan",
            page(employee=403, lead_a=200, lead_b=404, hr=200, admin=200),
            lambda org: {"item_id": item_of(plan_for(org.employee, status="agreed"))},
        ),
    ],
    "qualification:measure_list": [Case("catalogue", page(**EVERYONE))],
    "qualification:measure_detail": [
        Case("a measure", page(**EVERYONE), lambda org: {"measure_id": MeasureFactory().pk}),
    ],
    "qualification:measure_create": [
        Case("new measure", page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200)),
    ],
    "qualification:measure_update": [
        Case(
            "a measure",
            page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200),
            lambda org: {"measure_id": MeasureFactory().pk},
        ),
    ],
    # Spreadsheet import (competencies/imports/views.py): HR and admins only. Posting without a preview's
    # signed token is a bad request.
    "operations:system_list": [Case("catalogue", page(**EVERYONE))],
    "operations:import": [
        Case("upload form", page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200)),
    ],
    "operations:team_systems": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": 999999},
        ),
    ],
    "operations:team_suggestions": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": 999999},
        ),
    ],
    "operations:team_duty": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": 999999},
        ),
    ],
    "operations:team_duty_strip": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": 999999},
        ),
    ],
    "operations:dispatch_export": [
        Case(
            "team A",
            page(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            page(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": 999999},
        ),
    ],
    "operations:suggestion_accept": [
        Case(
            "empty form",
            page(employee=403, lead_a=302, lead_b=403, hr=302, admin=302),
            lambda org: {"team_id": org.team_a.pk},
            method="post",
        ),
    ],
    "api:team_systems": [
        Case(
            "team A",
            api(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            api(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": 999999},
        ),
    ],
    "api:team_duty": [
        Case(
            "team A",
            api(employee=403, lead_a=200, lead_b=403, hr=200, admin=200),
            lambda org: {"team_id": org.team_a.pk},
        ),
        Case(
            "unknown team",
            api(employee=404, lead_a=404, lead_b=404, hr=404, admin=404),
            lambda org: {"team_id": 999999},
        ),
    ],
    "imports:upload": [
        Case("upload form", page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200)),
    ],
    "imports:commit": [
        Case(
            "commit without token",
            page(employee=403, lead_a=403, lead_b=403, hr=400, admin=400),
            method="post",
        ),
    ],
    "imports:job": [
        Case(
            "HR's import job",
            page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200),
            lambda org: {"job_id": job_for(org.users["hr"], kind=import_jobs.KIND)},
        ),
    ],
    "imports:job_status": [
        Case(
            "HR's import job",
            page(employee=403, lead_a=403, lead_b=403, hr=200, admin=200),
            lambda org: {"job_id": job_for(org.users["hr"], kind=import_jobs.KIND)},
        ),
    ],
    # The catalogue (competencies/catalogue_views.py): HR and admins keep it; everyone with an employee
    # record proposes and searches it (the self-assessment page's autocomplete).
    "catalogue:list": [Case("catalogue", page(**HR_ONLY))],
    "catalogue:sheet": [Case("spreadsheet", page(**HR_ONLY))],
    "catalogue:search": [Case("search", page(**EVERYONE))],
    "catalogue:retire": [
        Case(
            "retire",
            page(**HR_ONLY_POST),
            lambda org: {"competency_id": CompetencyFactory().pk},
            method="post",
        )
    ],
    "catalogue:reinstate": [
        Case(
            "reinstate",
            page(**HR_ONLY_POST),
            lambda org: {"competency_id": CompetencyFactory().pk},
            method="post",
        )
    ],
    "catalogue:merge": [
        Case("merge form", page(**HR_ONLY), lambda org: {"competency_id": CompetencyFactory().pk}),
    ],
    "catalogue:merge_detail": [Case("a merge", page(**HR_ONLY), lambda org: {"merge_id": merge_for()})],
    "catalogue:merge_undo": [
        Case("undo", page(**HR_ONLY_POST), lambda org: {"merge_id": merge_for()}, method="post"),
    ],
    "catalogue:merge_confirm": [
        Case("confirm", page(**HR_ONLY_POST), lambda org: {"merge_id": merge_for()}, method="post"),
    ],
    "catalogue:esco": [Case("ESCO skills", page(**HR_ONLY))],
    "catalogue:esco_upload": [
        Case(
            "upload without a file",
            page(employee=403, lead_a=403, lead_b=403, hr=400, admin=400),
            method="post",
        ),
    ],
    "catalogue:esco_adopt": [Case("adopt nothing", page(**HR_ONLY_POST), method="post")],
    "catalogue:propose": [
        Case("proposal form", page(employee=200, lead_a=403, lead_b=403, hr=200, admin=200))
    ],
    "catalogue:proposals": [Case("proposals", page(**HR_ONLY))],
    "catalogue:proposal_detail": [
        Case("a proposal", page(**HR_ONLY), lambda org: {"proposal_id": proposal_for(org)}),
    ],
}

# The REST routes are declared beside their tests; the matrix runs them with every page.
EXPECTATIONS.update(API_EXPECTATIONS)


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}" if entry.name else None


def project_urls():
    """(route, full name) of every URL pattern outside admin, i18n and static/media."""
    return list(_walk(get_resolver().url_patterns))


def test_every_url_pattern_is_declared():
    urls = project_urls()
    unnamed = [route for route, name in urls if name is None]
    undeclared = sorted({name for _route, name in urls if name and name not in EXPECTATIONS})
    assert not unnamed, f"URL patterns without a name cannot be declared: {unnamed}"
    assert not undeclared, f"Declare who may reach these URLs in EXPECTATIONS: {undeclared}"


def test_every_declaration_names_an_existing_url():
    names = {name for _route, name in project_urls()}
    assert set(EXPECTATIONS) <= names, sorted(set(EXPECTATIONS) - names)


def test_every_case_declares_every_role():
    for name, cases in EXPECTATIONS.items():
        for case in cases:
            assert set(case.status) == set(ROLES), (name, case.label)


MATRIX = [
    pytest.param(name, case, role, id=f"{name}[{case.label}]-{role}")
    for name, cases in EXPECTATIONS.items()
    for case in cases
    for role in ROLES
]


@pytest.mark.parametrize(("name", "case", "role"), MATRIX)
def test_permission_matrix(client_for, org, name, case, role):
    path = reverse(name, kwargs=case.kwargs(org))
    response = getattr(client_for(role), case.method)(path)
    expected = case.status[role]
    assert response.status_code == expected, f"{case.method.upper()} {path} as {role}"
    if expected == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
