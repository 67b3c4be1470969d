"""The job page shows any job kind: what a finished job shows comes from its kind's registration."""

from django.urls import reverse

from jobs import registry
from jobs.models import Job
from tests.factories import JobFactory

from . import handlers


def test_a_kind_registered_without_an_outcome_template_shows_its_message(client_for, org):
    job = JobFactory(
        kind=handlers.REPORTS, owner=org.users["lead_a"], status=Job.Status.SUCCEEDED, message="all 3 steps"
    )
    page = client_for("lead_a").get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert f"{handlers.REPORTS} #{job.pk}" in page and "all 3 steps" in page
    assert 'hx-get="' not in page  # finished: no more polling


def test_a_running_job_polls_its_status_and_offers_to_cancel(client_for, org):
    job = JobFactory(kind="nobody_handles_this", owner=org.users["lead_a"], status=Job.Status.RUNNING)
    page = client_for("lead_a").get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:job_status", args=[job.pk])}"' in page
    assert reverse("jobs:job_cancel", args=[job.pk]) in page
    assert f"nobody_handles_this #{job.pk}" in page


def test_the_outcome_template_of_the_kind_is_shown_once_the_job_succeeded(client_for, org):
    kind = registry.job_kind("export_plans")
    assert kind is not None and kind.outcome_template
    job = JobFactory(
        kind="export_plans",
        owner=org.users["hr"],
        status=Job.Status.SUCCEEDED,
        result={"file": "exports/1-plans.xlsx", "format": "xlsx", "message": "12 items exported"},
    )
    page = client_for("hr").get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert reverse("qualification:job_download", args=[job.pk]) in page and "12 items exported" in page
    assert reverse("qualification:index") in page  # the breadcrumb leads back to the kind's section
