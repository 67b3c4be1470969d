"""Names with markup, quotes and template syntax are shown as text everywhere, charts included.

A competency, category, scale, role profile, team, department, people, a measure, a campaign, notes and
comments are all named ``NAME``; every URL of the project (found through the URL resolver, as the
permission matrix does, so new pages are covered without editing this file), the htmx fragments, the API
(JSON and its browsable HTML), the admin and a few forms that echo their input are requested by each role.
In every HTML answer:
- ``<script>alert(1)</script>`` never appears as markup;
- ``{{ 7*7 }}`` is shown literally, never evaluated to 49;
- every ``<script>`` element either loads a file or holds JSON that parses (the name did not break out of
  ``json_script``), and the chart figures in that JSON carry names HTML-escaped, because plotly renders
  labels and hover text as a subset of HTML."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies.audit import audit_record
from competencies.imports import jobs as import_jobs
from competencies.models import (
    Assessment,
    AuditEntry,
    Category,
    Employee,
    Notification,
    ScaleLevel,
    SelfAssessmentDraft,
)
from competencies.notifications import notifications_collect, unsubscribe_token
from jobs.models import Job
from qualification.models import PlanComment, PlanItem, QualificationPlan
from teams.models import Campaign, Membership, TeamRequirement
from tests.competencies.test_certificates import evidence_for
from tests.factories import (
    AssessmentFactory,
    CategoryFactory,
    CompetencyFactory,
    InterestFactory,
    JobFactory,
    MeasureCompetencyFactory,
    MeasureFactory,
    PlanItemFactory,
    QualificationPlanFactory,
    RoleProfileFactory,
    RoleRequirementFactory,
    ScaleFactory,
    TeamRequirementFactory,
    days_ago,
)
from tests.qualification.test_views import PERIOD, export_job_for
from tests.test_permission_matrix import project_urls

NAME = "<script>alert(1)</script>\"'{{ 7*7 }}"
MARKUP = "<script>alert(1)</script>"
SHOWN = "alert(1)"  # present, in whatever escaping, wherever a hostile name is shown
TEMPLATE_CODE = "{{ 7*7 }}"
EVALUATED = ("'49", "&#x27;49", "&#39;49", "&quot;49")
ROLES = ("employee", "lead_a", "lead_b", "hr", "admin")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")

# Pages that must show a hostile name to someone: guards against a test that checks nothing.
MUST_SHOW = {
    "competencies:employee_detail",
    "competencies:employee_history",
    "teams:team_detail",
    "teams:dashboard",
    "teams:matrix",
    "teams:staffing_hints",
    "teams:staffing_request",
    "teams:what_if",
    "teams:department",
    "teams:organisation",
    "teams:review_member",
    "teams:review_queue",
    "teams:review_calibration",
    "teams:campaign_detail",
    "qualification:plan_detail",
    "qualification:team_plans",
    "qualification:measure_list",
    "qualification:measure_detail",
    "api:employee_list",
    "api:competency_detail",
}

# The employee's own pages (HR and admins have no employee record of their own here).
OWN_PAGES = {"competencies:self_assessment", "competencies:employee_detail", "qualification:plan_detail"}


class World:
    """Everything named ``NAME``, around the permission matrix's organisation."""

    def __init__(self, org):
        self.org = org
        category = CategoryFactory(name=f"Category {NAME}", description=NAME)
        scale = ScaleFactory(name=f"Scale {NAME}", levels=[(v, f"Level {v} {NAME}") for v in range(5)])
        ScaleLevel.objects.filter(scale=scale).update(descriptor=f"Descriptor {NAME}")
        self.competencies = [
            CompetencyFactory(name=f"{label} {NAME}", category=category, scale=scale, description=NAME)
            for label in ("Diagnostics", "Complaints", "Hydraulics")
        ]
        main = self.competency = self.competencies[0]
        role = RoleProfileFactory(name=f"Role {NAME}", description=NAME)
        for competency in self.competencies:
            RoleRequirementFactory(role_profile=role, competency=competency, target_level=3)
        org.department.name, org.team_a.name = f"Department {NAME}", f"Team {NAME}"
        org.department.save()
        org.team_a.save()
        for employee, name in ((org.employee, "Erika"), (org.colleague, "Carl"), (org.member_b, "Bea")):
            employee.name, employee.role_profile = f"{name} {NAME}", role
            employee.save()
        lead = org.users["lead_a"]
        lead.first_name = f"Lena {NAME}"
        lead.save()
        # A gap (two needed at 3, Carl alone has it; Bea of team B could help) and a single point.
        TeamRequirementFactory(team=org.team_a, competency=main, required_level=3, min_people=2)
        TeamRequirementFactory(team=org.team_a, competency=self.competencies[1], required_level=2)
        TeamRequirementFactory(team=org.team_b, competency=main, required_level=1)
        AssessmentFactory(employee=org.colleague, competency=main, level=3, note=NAME)
        AssessmentFactory(employee=org.colleague, competency=self.competencies[1], level=2, note=NAME)
        AssessmentFactory(employee=org.member_b, competency=main, level=3, note=NAME)
        AssessmentFactory(employee=org.employee, competency=main, level=1, note=NAME)
        for competency in self.competencies:  # waiting for the lead's review
            AssessmentFactory(
                employee=org.employee,
                competency=competency,
                level=2,
                source="self",
                note=NAME,
                assessed_on=days_ago(1),
            )
            AssessmentFactory(
                employee=org.colleague,
                competency=competency,
                level=4,
                source="self",
                note=NAME,
                assessed_on=days_ago(1),
            )
        InterestFactory(employee=org.employee, competency=self.competencies[2], target_level=4)
        SelfAssessmentDraft.objects.create(
            employee=org.employee, rows={str(main.pk): {"level": 3, "note": NAME, "grow": True, "target": 4}}
        )
        self.evidence = evidence_for(org.colleague, main)
        audit_record(
            actor=lead,
            action=AuditEntry.Action.DISCUSSION,
            employee=org.colleague,
            competency=main,
            reason=NAME,
        )
        self.measure = MeasureFactory(title=f"Measure {NAME}", provider=NAME, description=NAME)
        MeasureCompetencyFactory(measure=self.measure, competency=main, from_level=1, to_level=3)
        self.campaign = Campaign.objects.create(
            name=f"Campaign {NAME}",
            message=NAME,
            opens_on=days_ago(5),
            deadline=days_ago(-10),
            created_by=lead,
        )
        self.campaign.teams.set([org.team_a])
        self.plans = [
            self._plan(org.employee, QualificationPlan.Status.PROPOSED, mentor=org.colleague),
            self._plan(org.colleague, QualificationPlan.Status.DRAFT),
            self._plan(org.employee, QualificationPlan.Status.COMPLETED, period="2026-Q1"),
        ]
        PlanItem.objects.filter(plan=self.plans[2]).update(status=PlanItem.Status.DONE, progress=100)
        self.jobs = [
            export_job_for(user) for user in (org.users["lead_a"], org.users["hr"], org.users["admin"])
        ] + [
            JobFactory(
                kind=import_jobs.KIND,
                owner=org.users[role],
                status=Job.Status.FAILED,
                parameters={"filename": f"{NAME}.csv"},
            ).pk
            for role in ("hr", "admin")
        ]
        Job.objects.filter(pk__in=self.jobs).update(message=NAME)
        # The to-dos of these records as notifications: their texts name the records on the bell's page.
        notifications_collect(users=list(org.users.values()))

    def _plan(self, employee, status, *, mentor=None, period=str(PERIOD)):
        plan = QualificationPlanFactory(
            employee=employee, period=period, status=status, employee_comment=NAME
        )
        PlanItemFactory(
            plan=plan,
            competency=self.competency,
            current_level=1,
            target_level=3,
            measure=self.measure,
            mentor=mentor,
            team=self.org.team_a,
            incentive=NAME,
        )
        PlanComment.objects.create(plan=plan, author=self.org.users["lead_a"], text=NAME)
        return plan

    def values(self, name, parameter):
        """The values to try for one URL parameter; None when this test does not know it."""
        org = self.org
        items = list(PlanItem.objects.filter(plan__in=self.plans).values_list("pk", flat=True))
        known = {
            "employee_id": [org.employee.pk, org.colleague.pk, org.member_b.pk],
            "team_id": [org.team_a.pk, org.department.pk, org.team_b.pk],
            "evidence_id": [self.evidence],
            "fmt": ["json", "xlsx"],
            "campaign_id": [self.campaign.pk],
            "job_id": self.jobs,
            "plan_id": [plan.pk for plan in self.plans],
            "item_id": items,
            "measure_id": [self.measure.pk],
            "token": [unsubscribe_token(user=org.users["employee"], kind="campaign")],
            "notification_id": list(Notification.objects.values_list("pk", flat=True)[:3]),
            "competency_id": [self.competency.pk],
            "merge_id": [self._catalogue_ids()["merge"]],
            "proposal_id": [self._catalogue_ids()["proposal"]],
        }
        if name == "teams:staffing_request" and parameter == "pk":
            return [self._staffing_request()]
        if parameter == "pk" and name.startswith("api:"):
            return self._api_objects().get(name.removeprefix("api:").removesuffix("_detail"))
        return known.get(parameter)

    def _staffing_request(self):
        """Team A asks who could help with the hostile competency (#14 staffing requests)."""
        from teams.models import StaffingRequest

        if not hasattr(self, "_request"):
            self._request = StaffingRequest.objects.create(
                team=self.org.team_a,
                competency=self.competency,
                required_level=3,
                message=NAME,
                requested_by=self.org.users["lead_a"],
                addressed_to=self.org.department,
            ).pk
        return self._request

    def _catalogue_ids(self):
        """A duplicate named NAME merged into the hostile competency, and a proposal named NAME (#15)."""
        if not hasattr(self, "_catalogue"):
            from competencies import governance
            from competencies.models import CompetencyProposal

            duplicate = CompetencyFactory(
                name=f"Duplicate {NAME}", category=self.competency.category, scale=self.competency.scale
            )
            merge = governance.competency_merge(source=duplicate, target=self.competency)
            proposal = CompetencyProposal.objects.create(
                name=f"Proposed {NAME}",
                description=NAME,
                justification=NAME,
                proposed_by=self.org.users["employee"],
            )
            self._catalogue = {"merge": merge.pk, "proposal": proposal.pk}
        return self._catalogue

    def _api_objects(self):
        org = self.org
        return {
            "scale": [self.competency.scale_id],
            "category": [Category.objects.get(name=f"Category {NAME}").pk],
            "competency": [self.competency.pk],
            "role_profile": [org.employee.role_profile_id],
            "employee": [org.employee.pk, org.colleague.pk, org.member_b.pk],
            "assessment": list(
                Assessment.objects.filter(employee=org.colleague).values_list("pk", flat=True)[:2]
            ),
            "team": [org.team_a.pk, org.department.pk],
            "membership": list(Membership.objects.filter(team=org.team_a).values_list("pk", flat=True)),
            "team_requirement": list(
                TeamRequirement.objects.filter(team=org.team_a).values_list("pk", flat=True)
            ),
            "measure": [self.measure.pk],
            "plan": [plan.pk for plan in self.plans],
            "plan_item": list(PlanItem.objects.filter(plan__in=self.plans).values_list("pk", flat=True)),
            "job": self.jobs,
        }


@pytest.fixture
def world(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # import uploads are written to disk
    return World(org)


def requests(world):
    """(URL name, path, extra GET parameters, headers) for every URL of the project and every known value
    of its parameters; ``unknown`` lists parameters this test cannot fill."""
    found, unknown = [], []
    for route, name in project_urls():
        parameters = [a or b for a, b in PARAMETER.findall(route)]
        options = [{}]
        for parameter in parameters:
            values = world.values(name, parameter)
            if values is None:
                unknown.append(f"{name}: {parameter}")
                options = []
                break
            options = [{**option, parameter: value} for option in options for value in values]
        for kwargs in options:
            path = reverse(name, kwargs=kwargs)
            found.append((name, path, {}, {}))
            if name.startswith("api:"):
                found.append((name, path, {}, {"HTTP_ACCEPT": "text/html"}))  # the browsable API
    return found, unknown


def fragments(world):
    """The dashboard's htmx fragments, with inputs that make them show names, and inputs reflected back."""
    org = world.org
    team = org.team_a.pk
    htmx = {"HTTP_HX_REQUEST": "true"}
    what_if = {"remove": org.colleague.pk, "add": org.member_b.pk, "find": NAME}
    return [
        ("teams:what_if", reverse("teams:what_if", args=[team]), what_if, htmx),
        ("teams:what_if", reverse("teams:what_if", args=[team]), what_if, {}),
        ("teams:staffing_hints", reverse("teams:staffing_hints", args=[team]), {}, htmx),
        ("teams:dashboard", reverse("teams:dashboard", args=[team]), {"date": NAME}, {}),
        ("teams:matrix", reverse("teams:matrix", args=[team]), {"q": NAME}, {}),
        ("teams:matrix", reverse("teams:matrix", args=[team]), {"q": NAME, "sort": NAME}, htmx),
        ("teams:what_if", reverse("teams:what_if", args=[team]), {"date": NAME}, htmx),
        ("qualification:measure_list", reverse("qualification:measure_list"), {"q": NAME, "page": NAME}, {}),
        ("api:employee_list", reverse("api:employee_list"), {"search": NAME, "ordering": NAME}, {}),
        ("catalogue:search", reverse("catalogue:search"), {"add_q": NAME[:20], "exclude": NAME}, htmx),
        ("catalogue:search", reverse("catalogue:search"), {"q": "script"}, htmx),
        ("catalogue:list", reverse("catalogue:list"), {"q": NAME, "status": NAME, "page": NAME}, {}),
        ("catalogue:esco", reverse("catalogue:esco"), {"q": NAME}, {}),
        ("catalogue:merge", reverse("catalogue:merge", args=[world.competency.pk]), {"q": NAME}, {}),
    ]


def admin_pages(world):
    """The admin's list and change pages of every registered model, and of the hostile objects."""
    org = world.org
    objects = {
        Employee: org.colleague.pk,
        Category: Category.objects.get(name=f"Category {NAME}").pk,
        type(world.competency): world.competency.pk,
        type(world.measure): world.measure.pk,
        type(org.team_a): org.team_a.pk,
        AuditEntry: AuditEntry.objects.filter(action=AuditEntry.Action.DISCUSSION).first().pk,
    }
    pages = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        name = "admin:{}_{}_changelist".format(*info)
        pages.append((name, reverse(name), {"q": NAME}, {}))
        if model in objects:
            name = "admin:{}_{}_change".format(*info)
            pages.append((name, reverse(name, args=[objects[model]]), {}, {}))
    return pages


class Scripts(HTMLParser):
    """Every <script> element of a page: its attributes and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self._current = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current = {"attrs": dict(attrs), "text": ""}

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append(self._current)
            self._current = None


def _figures(value):
    """Plotly figures (dicts with "data" and "layout") anywhere in a JSON value."""
    if isinstance(value, dict):
        if "data" in value and "layout" in value:
            yield value
        else:
            for item in value.values():
                yield from _figures(item)
    elif isinstance(value, list):
        for item in value:
            yield from _figures(item)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def html_problems(text):
    problems = []
    if MARKUP in text:
        problems.append("the name's <script> is markup")
    problems += [f"template code evaluated ({found!r})" for found in EVALUATED if found in text]
    if SHOWN in text and TEMPLATE_CODE not in text:
        problems.append("{{ 7*7 }} is not shown literally")
    parser = Scripts()
    parser.feed(text)
    for script in parser.scripts:
        if "src" in script["attrs"] and not script["text"].strip():
            continue
        if script["attrs"].get("type") != "application/json":
            if SHOWN in script["text"]:
                problems.append("a name runs as script")
            continue
        try:
            data = json.loads(script["text"])
        except ValueError:
            problems.append(f"json_script {script['attrs'].get('id')!r} does not parse: a name broke out")
            continue
        for figure in _figures(data):
            if any("<script" in string for string in _strings(figure)):
                problems.append(f"chart {script['attrs'].get('id')!r} carries a name as markup for plotly")
                break
    return problems


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def check(client, requests_):
    """Problems, as text, of every request; and the URL names whose answer showed a hostile name."""
    problems, showing = [], set()
    for name, path, query, headers in requests_:
        response = client.get(path, query, **headers)
        content_type = response.get("Content-Type", "")
        body = body_of(response)
        label = f"{name} {path}{'?' + str(query) if query else ''} {headers or ''} → {response.status_code}"
        if "html" in content_type:
            text = body.decode()
            if SHOWN in text:
                showing.add(name)
            problems += [f"{label}: {problem}" for problem in html_problems(text)]
        elif "json" in content_type:
            text = body.decode()
            json.loads(text)
            if SHOWN in text:
                showing.add(name)
        elif body and MARKUP.encode() in body and "attachment" not in response.get("Content-Disposition", ""):
            problems.append(f"{label}: markup served inline as {content_type!r}")
    return problems, showing


def test_every_url_parameter_can_be_filled(world):
    _found, unknown = requests(world)
    assert not unknown, f"Teach World.values how to fill: {unknown}"


@pytest.mark.parametrize("role", ROLES)
def test_hostile_names_are_shown_as_text_on_every_page(client_for, world, role):
    found, _unknown = requests(world)
    extra = fragments(world) + (admin_pages(world) if role == "admin" else [])
    problems, showing = check(client_for(role), found + extra)
    assert not problems, "\n".join(problems)
    must_show = MUST_SHOW if role == "admin" else OWN_PAGES if role == "employee" else set()
    assert must_show <= showing, f"no hostile name shown by {sorted(must_show - showing)}"


def test_forms_that_echo_their_input_show_it_as_text(client_for, world):
    org = world.org
    hr, employee = client_for("hr"), client_for("employee")
    heading = f"{world.competency.category.name} / {world.competency.name}"
    upload = SimpleUploadedFile(
        f"{NAME}.csv",
        "\n".join(
            [
                f"personnel_no;name;{heading};{NAME}",
                f"{org.employee.personnel_no};{NAME};9;{NAME}",
                f"X-{NAME};{NAME};2;",
            ]
        ).encode(),
        content_type="text/csv",
    )
    answers = [
        hr.post(reverse("imports:upload"), {"file": upload}),
        hr.post(
            reverse("teams:campaign_create"),
            {"name": NAME, "teams": [NAME], "opens_on": NAME, "deadline": "2020-01-01", "message": NAME},
        ),
        hr.post(
            reverse("qualification:measure_create"), {"title": NAME, "kind": NAME, "duration_hours": NAME}
        ),
        employee.post(
            reverse("competencies:self_assessment"),
            {"action": "draft", f"c{world.competency.pk}-level": NAME, f"c{world.competency.pk}-note": NAME},
        ),
        client_for("lead_a").post(
            reverse("teams:review_member", args=[org.colleague.pk]), {"action": NAME, "x-action": NAME}
        ),
        employee.post(reverse("catalogue:propose"), {"name": NAME, "justification": NAME}),
        employee.post(reverse("competencies:self_assessment"), {"action": "search", "add_q": NAME}),
        hr.post(
            reverse("catalogue:esco_upload"),
            {
                "file_1": SimpleUploadedFile(f"{NAME}.csv", f"{NAME},x\n1,2\n".encode()),
                "language_1": "en",
                "version": NAME,
            },
        ),
    ]
    # A success message that names what was saved, on the page the form redirects to.
    opened = hr.post(
        reverse("teams:campaign_create"),
        {
            "name": f"Opened {NAME}",
            "teams": [org.team_a.pk],
            "opens_on": days_ago(0).isoformat(),
            "deadline": days_ago(-7).isoformat(),
            "message": NAME,
        },
        follow=True,
    )
    assert "Opened &lt;script&gt;" in opened.content.decode()
    answers.append(opened)
    for response in answers:
        assert response.status_code in (200, 400), response.status_code
        text = response.content.decode()
        assert not html_problems(text), (response.request["PATH_INFO"], html_problems(text))
    assert SHOWN in answers[0].content.decode()  # the import report quotes the file's cells


def test_plan_export_files_are_attachments_not_pages(client_for, world):
    response = client_for("lead_a").post(
        reverse("qualification:export"), {"scope": f"team-{world.org.team_a.pk}", "file_format": "csv"}
    )
    assert response.status_code == 200
    assert "html" not in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment")
    assert SHOWN in response.content.decode("utf-8-sig")


# The checks themselves, on hand-made pages: each kind of escaping bug is caught.


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        (f"<p>{NAME}</p>", "markup"),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;49</p>", "evaluated"),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "literally"),
        ('<script type="application/json" id="f">{"name": "</script><p>"}</script>', "does not parse"),
        (
            '<script type="application/json" id="f">{"data": [{"y": ["\\u003Cscript\\u003E"]}], "layout": {}}'
            "</script>",
            "markup for plotly",
        ),
        ("<script>var n = 'alert(1)';</script>", "runs as script"),
    ],
)
def test_the_checks_catch_each_kind_of_escaping_bug(page, problem):
    assert any(problem in found for found in html_problems(page)), html_problems(page)


def test_the_checks_accept_a_correctly_escaped_page():
    figure = json.dumps({"data": [{"y": ["&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}"]}], "layout": {}})
    page = (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;{{ 7*7 }}</p>"
        f'<script type="application/json" id="f">{figure}</script>'
        '<script src="/static/js/charts.js"></script>'
    )
    assert html_problems(page) == []
