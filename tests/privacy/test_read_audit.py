"""The read audit: who read another person's individual levels (leads, HR, admins), one entry per page
view (a team's page is one entry naming the team), never for one's own record; viewable by admins."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies.models import AuditEntry
from jobs.models import Job
from qualification import job_kinds
from tests.competencies.test_certificates import evidence_for
from tests.factories import AssessmentFactory
from tests.qualification.test_views import export_job_for, plan_for

VIEWED = AuditEntry.Action.VIEWED
READ = AuditEntry.Read


def reads():
    return list(AuditEntry.objects.filter(action=VIEWED).order_by("id"))


def profile(employee):
    return reverse("competencies:employee_detail", kwargs={"employee_id": employee.pk})


def test_lead_opening_a_members_profile_is_recorded_with_who_whom_and_when(client_for, org):
    before = timezone.now()
    client = client_for("lead_a")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(profile(org.colleague)).status_code == 200
    assert [q["sql"].split()[0] for q in queries].count("INSERT") == 1  # the one audit row
    [entry] = reads()
    assert (entry.actor, entry.actor_name, entry.employee, entry.what) == (
        org.users["lead_a"],
        "lead_a",
        org.colleague,
        READ.PROFILE,
    )
    assert before <= entry.created_at <= timezone.now()


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admins_reading_a_profile_are_recorded(client_for, org, role):
    client_for(role).get(profile(org.member_b))
    assert [(e.actor, e.employee) for e in reads()] == [(org.users[role], org.member_b)]


def test_reading_ones_own_profile_is_not_recorded(client_for, org):
    assert client_for("employee").get(profile(org.employee)).status_code == 200
    assert reads() == []


def test_a_refused_read_is_not_recorded(client_for, org):
    assert client_for("lead_b").get(profile(org.colleague)).status_code == 404
    assert reads() == []


def test_review_page_is_recorded_once_per_view_and_not_again_for_its_post(client_for, org):
    url = reverse("teams:review_member", kwargs={"employee_id": org.colleague.pk})
    client = client_for("lead_a")
    client.get(url)
    client.post(url, {})
    assert [(e.employee, e.what) for e in reads()] == [(org.colleague, READ.REVIEW)]


def test_evidence_download_is_recorded(client_for, org):
    evidence = evidence_for(org.colleague)
    url = reverse("competencies:evidence_download", kwargs={"evidence_id": evidence})
    assert client_for("hr").get(url).status_code == 200
    assert [(e.employee, e.what) for e in reads()] == [(org.colleague, READ.EVIDENCE)]
    client_for("employee").get(reverse("competencies:evidence_download", args=[evidence_for(org.employee)]))
    assert len(reads()) == 1


def test_a_plan_read_by_the_lead_is_recorded_by_its_employee_not(client_for, org):
    url = reverse("qualification:plan_detail", kwargs={"plan_id": plan_for(org.employee)})
    assert client_for("lead_a").get(url).status_code == 200
    client_for("employee").get(url)
    assert [(e.actor, e.employee, e.what) for e in reads()] == [
        (org.users["lead_a"], org.employee, READ.PLAN)
    ]


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("teams:dashboard", READ.TEAM_DASHBOARD),
        ("teams:staffing_hints", READ.STAFFING_HINTS),
        ("teams:review_queue", READ.TEAM_REVIEW),
        ("teams:review_calibration", READ.CALIBRATION),
    ],
)
def test_a_team_page_is_one_entry_naming_the_team_not_one_per_member(client_for, org, name, what):
    client = client_for("lead_a")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name, kwargs={"team_id": org.team_a.pk})).status_code == 200
    assert sum(1 for query in queries if query["sql"].startswith("INSERT")) == 1
    [entry] = reads()
    assert (entry.actor, entry.employee, entry.what) == (org.users["lead_a"], None, what)
    assert entry.after["team"] == {"id": org.team_a.pk, "name": org.team_a.name}


def test_a_plan_export_is_recorded_with_its_team(client_for, org):
    plan_for(org.colleague)
    response = client_for("lead_a").post(
        reverse("qualification:export"), {"scope": f"team-{org.team_a.pk}", "file_format": "csv"}
    )
    assert response.status_code == 200
    [entry] = reads()
    assert (entry.what, entry.after["team"]["name"], entry.after["scope"]) == (
        READ.PLAN_EXPORT,
        org.team_a.name,
        "team",
    )


def test_downloading_an_export_file_is_recorded_with_its_job(client_for, org):
    job_id = export_job_for(org.users["hr"])
    assert client_for("hr").get(reverse("qualification:job_download", args=[job_id])).status_code == 200
    [entry] = reads()
    assert (entry.what, entry.after["job"]) == (READ.PLAN_EXPORT, job_id)
    assert Job.objects.get(pk=job_id).kind == job_kinds.EXPORT_PLANS


def test_reads_are_kept_out_of_the_actions_of_the_history_page(client_for, org):
    client_for("lead_a").get(profile(org.colleague))
    url = reverse("competencies:employee_history", kwargs={"employee_id": org.colleague.pk})
    response = client_for("hr").get(url)
    assert response.context["entries"] == []


def test_admins_see_who_read_a_persons_levels_on_the_history_page_hr_does_not(client_for, org):
    client_for("lead_a").get(profile(org.colleague))
    url = reverse("competencies:employee_history", kwargs={"employee_id": org.colleague.pk})
    admin = client_for("admin").get(url)
    assert [item["entry"].actor_name for item in admin.context["reads"]] == ["lead_a"]
    assert "Who read the individual levels" in admin.content.decode()
    hr = client_for("hr").get(url)
    assert hr.context["reads"] is None
    assert "Who read the individual levels" not in hr.content.decode()


def admin_list(**query):
    return (
        reverse("admin:competencies_auditentry_changelist")
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def test_admin_filters_the_audit_log_by_reader_and_by_person(client_for, org):
    client_for("lead_a").get(profile(org.colleague))
    client_for("lead_a").get(profile(org.employee))
    client_for("hr").get(profile(org.colleague))
    client = client_for("admin")
    response = client.get(
        admin_list(actor__id__exact=org.users["lead_a"].pk, employee__id__exact=org.colleague.pk)
    )
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [(e.actor_name, e.employee) for e in rows] == [("lead_a", org.colleague)]
    by_person = client.get(admin_list(employee__id__exact=org.colleague.pk, action=VIEWED))
    assert {e.actor_name for e in by_person.context["cl"].result_list} == {"lead_a", "hr"}


def test_admin_finds_team_reads_by_the_team_name(client_for, org):
    client_for("lead_a").get(reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk}))
    response = client_for("admin").get(admin_list(q="North"))
    assert [e.what for e in response.context["cl"].result_list] == [READ.TEAM_DASHBOARD]


def test_the_audit_log_in_the_admin_is_read_only_and_for_admins_only(client_for, org):
    client_for("lead_a").get(profile(org.colleague))
    entry = reads()[0]
    admin = client_for("admin")
    assert admin.get(reverse("admin:competencies_auditentry_add")).status_code == 403
    change = admin.post(reverse("admin:competencies_auditentry_change", args=[entry.pk]), {"reason": "x"})
    assert change.status_code == 403
    assert admin.post(reverse("admin:competencies_auditentry_delete", args=[entry.pk])).status_code == 403
    # HR is no staff: the admin site sends them to its login; made staff with the model permission, HR
    # still may not read it (the reads of HR are in it).
    assert client_for("hr").get(admin_list()).status_code == 302
    hr = org.users["hr"]
    hr.is_staff = True
    hr.save()
    hr.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    assert client_for("hr").get(admin_list()).status_code == 403


# --------------------------------------------------------------------------------------------------
# The REST API: the same levels, read by scripts


def api_reads():
    return [(entry.actor, entry.employee, entry.what) for entry in reads()]


def test_a_page_of_assessments_is_one_entry_per_person_on_it_but_the_reader(client_for, org):
    for person in (org.employee, org.colleague, org.member_b):
        AssessmentFactory.create_batch(2, employee=person)
    response = client_for("hr").get("/api/v1/assessments/?ordering=id")
    assert response.status_code == 200 and response.json()["count"] == 6
    hr = org.users["hr"]
    assert sorted(api_reads(), key=lambda read: read[1].pk) == sorted(
        [(hr, org.employee, READ.API), (hr, org.colleague, READ.API), (hr, org.member_b, READ.API)],
        key=lambda read: read[1].pk,
    )
    assert {entry.after["path"] for entry in reads()} == {"/api/v1/assessments/?ordering=id"}


def test_the_api_records_only_who_the_answer_names(client_for, org):
    mine = AssessmentFactory(employee=org.employee)
    theirs = AssessmentFactory(employee=org.colleague)
    AssessmentFactory(employee=org.member_b)
    lead = client_for("lead_a")
    assert lead.get(f"/api/v1/assessments/{theirs.pk}/").status_code == 200
    assert api_reads() == [(org.users["lead_a"], org.colleague, READ.API)]
    # One's own levels, a person out of reach and an empty page record nothing.
    assert client_for("employee").get(f"/api/v1/assessments/{mine.pk}/").status_code == 200
    assert client_for("employee").get("/api/v1/assessments/").json()["count"] == 1
    assert client_for("lead_b").get(f"/api/v1/assessments/{theirs.pk}/").status_code == 404
    assert lead.get("/api/v1/assessments/?employee=999999").json()["count"] == 0
    assert len(reads()) == 1


def test_plans_and_plan_items_read_through_the_api_are_recorded(client_for, org):
    plan_for(org.colleague)
    lead = client_for("lead_a")
    assert lead.get("/api/v1/plans/").status_code == 200
    assert lead.get("/api/v1/plan-items/").status_code == 200
    assert api_reads() == [(org.users["lead_a"], org.colleague, READ.API)] * 2


def test_the_gap_analysis_api_is_one_entry_naming_the_team(client_for, org):
    response = client_for("lead_a").get(f"/api/v1/teams/{org.team_a.pk}/gap-analysis/")
    assert response.status_code == 200
    [entry] = reads()
    assert (entry.actor, entry.employee, entry.what) == (org.users["lead_a"], None, READ.API)
    assert entry.after["team"] == {"id": org.team_a.pk, "name": org.team_a.name}
