"""Generation and export from the pages: scopes and their permissions, bad input, the job page that follows
a job until it has finished, cancelling, and downloads (directly or as a job)."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from jobs import services as jobs
from jobs.models import Job
from qualification import services, views
from qualification.models import QualificationPlan
from tests.qualification.test_views import PERIOD, build_world, job_for, messages_of


@pytest.fixture
def world(org):
    return build_world(org)


def url(name, *args):
    return reverse(f"qualification:{name}", args=args)


def generation_data(scope, **extra):
    return {"scope": scope, "period": str(PERIOD), "capacity_hours": "40", **extra}


# --------------------------------------------------------------------------------------------------
# Generation


def test_lead_generates_plans_for_their_team_and_sees_the_outcome(
    client_for, world, django_capture_on_commit_callbacks
):
    QualificationPlan.objects.all().delete()
    client = client_for("lead_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("generate"), generation_data(f"team-{world.org.team_a.pk}"))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (job.kind, job.owner, job.parameters["team_ids"]) == (
        "generate_plans",
        world.org.users["lead_a"],
        [world.org.team_a.pk],
    )
    assert job.status == "succeeded"
    content = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "Outcome" in content and "Field Service North" in content
    assert 'hx-trigger="every 1s"' not in content  # finished: the page stops asking
    assert QualificationPlan.objects.filter(employee=world.org.employee, status="draft").exists()


def test_a_job_requested_in_german_reports_its_progress_in_german(
    client_for, world, monkeypatch, django_capture_on_commit_callbacks
):
    QualificationPlan.objects.all().delete()
    reported, outcomes = [], []
    record_progress, outcome = jobs.job_progress, services._outcome

    def progress(**kwargs):
        reported.append((translation.get_language(), kwargs["message"]))
        return record_progress(**kwargs)

    def outcome_in_language(*args, **kwargs):
        outcomes.append(translation.get_language())
        return outcome(*args, **kwargs)

    monkeypatch.setattr(jobs, "job_progress", progress)
    monkeypatch.setattr(services, "_outcome", outcome_in_language)
    client = client_for("lead_a")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("generate"), generation_data(f"team-{world.org.team_a.pk}"), HTTP_ACCEPT_LANGUAGE="de"
        )
    job = Job.objects.get()
    assert (job.language, job.status) == ("de", "succeeded")
    assert reported and {language for language, _message in reported} == {"de"}
    assert "Organisation wird gelesen …" in [message for _language, message in reported]
    assert outcomes == ["de"]
    reported.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("generate"), generation_data(f"team-{world.org.team_a.pk}"), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert Job.objects.latest("pk").language == "en"
    assert {language for language, _message in reported} == {"en"}
    assert "Reading the organisation …" in [message for _language, message in reported]


def test_department_scope_plans_every_team_below(client_for, world, django_capture_on_commit_callbacks):
    client = client_for("hr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("generate"), generation_data(f"department-{world.org.department.pk}"))
    job = Job.objects.get()
    assert job.parameters["team_ids"] == sorted(
        [world.org.department.pk, world.org.team_a.pk, world.org.team_b.pk]
    )


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2027Q1", "Enter the period as YYYY-Qn, for example 2027-Q1"),
        ("2027-Q5", "Enter the period as YYYY-Qn"),
        ("2001-Q1", "has already ended"),
    ],
)
def test_bad_period_is_a_clear_message_and_no_job(client_for, world, period, expected):
    response = client_for("lead_a").post(
        url("generate"), generation_data(f"team-{world.org.team_a.pk}", period=period)
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert "No plans were generated; please correct the marked fields." in messages_of(response)
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("lead_a", "team_b"),
        ("lead_a", "department"),
        ("lead_a", "all"),
        ("lead_b", "team_a"),
        ("employee", "team_a"),
    ],
)
def test_a_scope_the_user_may_not_plan_for_is_forbidden(client_for, world, role, scope):
    org = world.org
    value = {"team_a": f"team-{org.team_a.pk}", "team_b": f"team-{org.team_b.pk}",
             "department": f"department-{org.department.pk}", "all": "all"}[scope]  # fmt: skip
    assert client_for(role).post(url("generate"), generation_data(value)).status_code == 403
    assert client_for(role).post(url("export"), {"scope": value, "file_format": "csv"}).status_code == 403
    assert not Job.objects.exists()


def test_unknown_team_is_404_and_malformed_scope_a_form_error(client_for, world):
    client = client_for("hr")
    assert client.post(url("generate"), generation_data("team-99999")).status_code == 404
    response = client.post(url("generate"), generation_data("everything"))
    assert "Choose a team, a department or the organisation." in response.content.decode()


def test_scope_choices_offer_what_the_user_may_plan_for(client_for, world):
    lead = client_for("lead_a").get(url("generate")).context["form"].fields["scope"].widget.choices
    assert [value for value, _label in lead] == [f"team-{world.org.team_a.pk}"]
    hr = client_for("hr").get(url("generate")).context["form"].fields["scope"].widget.choices
    assert [value for value, _label in hr][:3] == [
        "all",
        f"team-{world.org.department.pk}",
        f"department-{world.org.department.pk}",
    ]


# --------------------------------------------------------------------------------------------------
# The job page


def test_job_status_polls_while_running_and_stops_when_finished(client_for, world):
    job_id = job_for(world.org.users["lead_a"])
    client = client_for("lead_a")
    fragment = client.get(reverse("jobs:job_status", args=[job_id])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'aria-valuenow="0"' in fragment
    Job.objects.filter(pk=job_id).update(status="running", progress=40, message="Planned 2 of 5 teams")
    fragment = client.get(reverse("jobs:job_status", args=[job_id])).content.decode()
    assert 'aria-valuenow="40"' in fragment and "Planned 2 of 5 teams" in fragment
    assert "Cancel job" in fragment
    Job.objects.filter(pk=job_id).update(status="failed", message="The job failed: boom")
    fragment = client.get(reverse("jobs:job_status", args=[job_id])).content.decode()
    assert 'hx-trigger="every 1s"' not in fragment and "The job failed: boom" in fragment
    assert "Cancel job" not in fragment


def test_running_job_can_be_cancelled(client_for, world):
    job_id = job_for(world.org.users["lead_a"], status="running")
    response = client_for("lead_a").post(reverse("jobs:job_cancel", args=[job_id]), follow=True)
    assert "The job was cancelled" in messages_of(response)[0]
    assert Job.objects.get(pk=job_id).status == "cancelled"
    response = client_for("lead_a").post(reverse("jobs:job_cancel", args=[job_id]), follow=True)
    assert "The job had already finished." in messages_of(response)


def test_someone_elses_job_does_not_exist_for_a_lead(client_for, world):
    job_id = job_for(world.org.users["lead_a"])
    assert client_for("lead_b").get(reverse("jobs:job_detail", args=[job_id])).status_code == 404
    assert client_for("lead_b").post(reverse("jobs:job_cancel", args=[job_id])).status_code == 404
    assert client_for("hr").get(reverse("jobs:job_detail", args=[job_id])).status_code == 200


# --------------------------------------------------------------------------------------------------
# Export


def test_small_team_export_downloads_at_once(client_for, world):
    response = client_for("lead_a").post(
        url("export"), {"scope": f"team-{world.org.team_a.pk}", "period": "", "file_format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="qualification-plans_field-service-north_all-periods_' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Items", "Summary"]
    assert workbook["Items"]["B2"].value == "Erika Employee"
    response = client_for("lead_a").post(
        url("export"), {"scope": f"team-{world.org.team_a.pk}", "period": str(PERIOD), "file_format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "Erika Employee" in response.content.decode("utf-8-sig")


def test_organisation_and_large_exports_run_as_jobs_with_a_download_link(
    client_for, world, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for("hr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("export"), {"scope": "all", "file_format": "csv"})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (job.kind, job.status) == ("export_plans", "succeeded")
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert url("job_download", job.pk) in page
    download = client.get(url("job_download", job.pk))
    assert download["Content-Disposition"].startswith(
        'attachment; filename="qualification-plans_organisation'
    )
    assert "Erika Employee" in b"".join(download.streaming_content).decode("utf-8-sig")
    assert client_for("lead_a").get(url("job_download", job.pk)).status_code == 404

    monkeypatch.setattr(views, "EXPORT_INLINE_MAX_ITEMS", 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("lead_a").post(
            url("export"), {"scope": f"team-{world.org.team_a.pk}", "file_format": "xlsx"}
        )
    job = Job.objects.filter(owner=world.org.users["lead_a"]).get()
    assert job.parameters == {
        "scope": "team",
        "team_id": world.org.team_a.pk,
        "period": None,
        "format": "xlsx",
        "language": "en",
    }
    assert job.result["file"].startswith(f"exports/{job.pk}-qualification-plans_field-service-north")


def test_download_of_a_job_that_has_no_file_is_404(client_for, world):
    job_id = job_for(world.org.users["lead_a"], kind="export_plans", status="succeeded",
                     result={"file": "../settings.py"})  # fmt: skip
    assert client_for("lead_a").get(url("job_download", job_id)).status_code == 404
    running = job_for(world.org.users["lead_a"], kind="export_plans", status="running")
    assert client_for("lead_a").get(url("job_download", running)).status_code == 404


def test_cancelled_export_job_writes_nothing(world):
    from qualification.export_jobs import plans_export_job_create

    job = plans_export_job_create(scope="all", owner=world.org.users["hr"])
    jobs.job_cancel(job_id=job.pk)
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "cancelled" and "file" not in job.result
