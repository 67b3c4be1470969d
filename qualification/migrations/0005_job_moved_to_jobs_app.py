"""Last step of moving Job into the ``jobs`` app: plans point to ``jobs.Job`` (the same table, so the
database keeps its foreign key) and ``qualification`` forgets its Job model without dropping the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("qualification", "0004_job_table_for_jobs_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="qualificationplan",
                    name="job",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="plans",
                        to="jobs.job",
                    ),
                ),
                migrations.DeleteModel(name="Job"),
            ],
            database_operations=[],
        ),
    ]
