"""Request a plan-generation job the way a page does, in a process of its own, and print what happened as
JSON: ``python -m tests.jobs.request_job --period P TEAM_ID ...``. Used by the job tests to request a job
while REDIS_URL points at a broker that cannot be reached."""

import argparse
import json
import os
import time

import django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", required=True)
    parser.add_argument("team_ids", nargs="+", type=int)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.test")
    django.setup()
    from django.db import transaction

    from qualification.generation_jobs import plans_generate_job_create

    started = time.monotonic()
    with transaction.atomic():
        job = plans_generate_job_create(team_ids=args.team_ids, period=args.period)
    seconds = time.monotonic() - started  # the request's commit includes the enqueue (on_commit)
    job.refresh_from_db()
    print(json.dumps({"job": job.pk, "seconds": seconds, "status": job.status, "message": job.message}))


if __name__ == "__main__":
    main()
