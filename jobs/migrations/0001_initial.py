"""Job, moved here from ``qualification``: the model state is created over the existing table
``jobs_job`` (renamed by qualification 0004), so every job row is kept; the job content type, and with it
its permissions and admin log entries, moves along."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_move(apps, schema_editor, *, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    if rows.filter(app_label=target, model="job").exists():
        # Created meanwhile (e.g. a post_migrate of an earlier run): the old one is no longer needed.
        rows.filter(app_label=source, model="job").delete()
    else:
        rows.filter(app_label=source, model="job").update(app_label=target)


def content_type_forward(apps, schema_editor):
    content_type_move(apps, schema_editor, source="qualification", target="jobs")


def content_type_backward(apps, schema_editor):
    content_type_move(apps, schema_editor, source="jobs", target="qualification")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("qualification", "0004_job_table_for_jobs_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=30, verbose_name="kind")),
                        ("parameters", models.JSONField(blank=True, default=dict, verbose_name="parameters")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)")),
                        ("message", models.TextField(blank=True, verbose_name="message")),
                        ("result", models.JSONField(blank=True, default=dict, verbose_name="result")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("language", models.CharField(blank=True, max_length=10, verbose_name="language")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="started")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="jobs",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="owner",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "job",
                        "verbose_name_plural": "jobs",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("progress__gte", 0), ("progress__lte", 100)),
                                name="job_progress_range",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_forward, content_type_backward, elidable=False),
    ]
