"""First step of moving Job into the ``jobs`` app: its table takes the name the new app gives it. Rows,
ids and the plans' foreign keys stay as they are (the database renames the table in place)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("qualification", "0003_job_language"),
    ]

    operations = [
        migrations.AlterModelTable(name="job", table="jobs_job"),
    ]
