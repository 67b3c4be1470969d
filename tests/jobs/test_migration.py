"""Moving Job from ``qualification`` to ``jobs`` keeps every job row, the plans' links to them and the job
content type (with its permissions)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("qualification", "0003_job_language"), ("jobs", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


@pytest.mark.django_db(transaction=True)
def test_job_rows_plans_and_permissions_survive_the_move_to_the_jobs_app():
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="owner")
    job_model = old.get_model("qualification", "Job")
    jobs = [
        job_model.objects.create(kind="generate_plans", status="succeeded", progress=100, owner=user),
        job_model.objects.create(kind="export_plans", parameters={"scope": "all"}, language="de"),
    ]
    employee = old.get_model("competencies", "Employee").objects.create(personnel_no="P-1", name="E")
    plan = old.get_model("qualification", "QualificationPlan").objects.create(
        employee=employee, period="2027-Q1", job=jobs[0]
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="qualification", model="job"
    )[0]
    permission = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename="view_job", defaults={"name": "Can view job"}
    )[0]

    executor = MigrationExecutor(connection)
    new = migrate(executor.loader.graph.leaf_nodes())

    moved = new.get_model("jobs", "Job").objects.order_by("pk")
    assert [(job.pk, job.kind, job.owner_id, job.language) for job in moved] == [
        (jobs[0].pk, "generate_plans", user.pk, ""),
        (jobs[1].pk, "export_plans", None, "de"),
    ]
    assert new.get_model("qualification", "QualificationPlan").objects.get(pk=plan.pk).job_id == jobs[0].pk
    permission = new.get_model("auth", "Permission").objects.get(pk=permission.pk)
    assert (permission.content_type.app_label, permission.content_type.model) == ("jobs", "job")
    content_types = new.get_model("contenttypes", "ContentType").objects
    assert not content_types.filter(app_label="qualification", model="job").exists()
