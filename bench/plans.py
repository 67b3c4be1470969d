"""Time plan generation for organisation L on real Celery workers:
``python -m bench.plans [--workers 1,2] [--repeat N] [--database NAME] [--reseed]``.

Organisation L (10,000 employees, 500 teams, 300 competencies, seed 1) lives in a PostgreSQL database of its
own (default servicelead_bench_plans; created, migrated and seeded with ``seed_demo`` when it does not hold
L yet, or copied from ``--from-database``). For each worker count it starts that many workers
(``celery worker -c 1``) on a Redis database of its own (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/10, flushed first), requests the organisation-wide generation job the way a page
does and prints the time from the request to the finished job, e.g. ``plans L on 2 workers: 17.9 s``;
then the time of ``manage.py export_plans --format xlsx --all`` of the plans the runs left.
A first, unprinted run makes every measured run replace the drafts of the one before. The workers are
stopped by their process ids, whatever happens."""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
L = ["--employees", "10000", "--teams", "500", "--competencies", "300", "--seed", "1"]
DEADLINE_SECONDS = 900


def psql(database, sql):
    done = subprocess.run(  # noqa: S603
        ["psql", f"{PG_URL}/{database}", "-Atc", sql],  # noqa: S607
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def environment(database):
    return {
        **os.environ,
        "DATABASE_URL": f"{PG_URL}/{database}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "servicelead.settings.local",
        "DJANGO_DEBUG": "false",
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def prepare(database, *, source, reseed):
    """Make ``database`` hold organisation L, migrated."""
    if database not in (psql("postgres", "SELECT datname FROM pg_database") or "").split():
        command = ["createdb", "-h", "127.0.0.1", "-U", "postgres", database]
        if source:
            command[1:1] = ["-T", source]
        subprocess.run(command, check=True)  # noqa: S603
    env = {**environment(database), "REDIS_URL": ""}
    manage(env, "migrate", "--noinput", "-v0")
    people = psql(database, "SELECT count(*) FROM competencies_employee")
    teams = psql(database, "SELECT count(*) FROM teams_team WHERE parent_id IS NOT NULL")
    if reseed or (people, teams) != ("10000", "500"):
        print(f"seeding organisation L into {database} …", flush=True)
        manage(env, "seed_demo", "--reset", *L)


def start_workers(count, env, logs):
    """Start ``count`` single-process workers; returns their Popen objects once each says it is ready."""
    workers = []
    for index in range(count):
        log = Path(logs) / f"worker{index}.log"
        handle = log.open("w")
        worker = subprocess.Popen(  # noqa: S603
            [
                sys.executable, "-m", "celery", "-A", "servicelead", "worker", "-l", "info", "-P", "prefork",
                "-c", "1", "-n", f"bench{index}@%h", "--without-gossip", "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        workers.append((worker, log))
    deadline = time.monotonic() + 120
    while not all(" ready." in log.read_text() for _worker, log in workers):
        if time.monotonic() > deadline or any(worker.poll() is not None for worker, _log in workers):
            raise SystemExit(
                "the Celery workers did not start; see " + ", ".join(str(log) for _w, log in workers)
            )
        time.sleep(0.2)
    return [worker for worker, _log in workers]


def stop_workers(workers):
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def generate_on_workers():
    """Request the organisation-wide generation job and wait for it; returns (seconds, job)."""
    from django.db import transaction
    from django.utils import timezone

    from jobs.models import Job
    from qualification.generation import Period
    from qualification.generation_jobs import plans_generate_job_create
    from teams.models import Team

    today = timezone.localdate()
    period = Period(today.year, (today.month - 1) // 3 + 1).shifted(1)
    with transaction.atomic():
        job = plans_generate_job_create(
            team_ids=list(Team.objects.values_list("id", flat=True)), period=period
        )
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        job.refresh_from_db()
        if job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED):
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"job {job.pk} did not finish within {DEADLINE_SECONDS} s: {job.message}")
        time.sleep(0.1)
    if job.status != Job.Status.SUCCEEDED:
        raise SystemExit(f"job {job.pk} ended {job.status}: {job.message}")
    return (job.finished_at - job.created_at).total_seconds(), job


def export_seconds(env, output):
    """Time ``manage.py export_plans --format xlsx --all`` (what HR downloads); returns (seconds, its
    summary line)."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "export_plans", "--format", "xlsx", "--all", "--output", str(output)],
        cwd=ROOT,
        env={**env, "REDIS_URL": ""},
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, done.stdout.strip()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", default="1,2", help="worker counts to measure (default 1,2)")
    parser.add_argument("--database", default="servicelead_bench_plans")
    parser.add_argument("--from-database", help="copy this database (e.g. gen_l) when --database is missing")
    parser.add_argument("--reseed", action="store_true", help="seed organisation L again")
    parser.add_argument("--repeat", type=int, default=1, help="runs per worker count; prints the median")
    args = parser.parse_args()
    prepare(args.database, source=args.from_database, reseed=args.reseed)

    env = environment(args.database)
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")})
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    counts = [int(count) for count in args.workers.split(",") if count]  # --workers "": the export only
    with tempfile.TemporaryDirectory(prefix="bench-plans-") as logs:
        for index, count in enumerate(counts):
            workers = start_workers(count, env, logs)
            try:
                if index == 0:
                    generate_on_workers()  # the first run creates plans; measured runs replace drafts
                runs = [generate_on_workers() for _ in range(args.repeat)]
            finally:
                stop_workers(workers)
            seconds = statistics.median(seconds for seconds, _job in runs)
            job = runs[-1][1]
            noun = "worker" if count == 1 else "workers"
            spread = (
                ""
                if args.repeat == 1
                else f", median of {args.repeat}: " + " / ".join(f"{run:.1f}" for run, _job in runs)
            )
            print(
                f"plans L on {count} {noun}: {seconds:.1f} s "
                f"({job.result['items']} items, {job.result.get('parts', 1)} parts{spread})",
                flush=True,
            )
        exports = [export_seconds(env, Path(logs) / "plans.xlsx") for _ in range(max(args.repeat, 1))]
        seconds = statistics.median(run for run, _summary in exports)
        spread = "" if len(exports) == 1 else ", median of " + " / ".join(f"{run:.1f}" for run, _s in exports)
        print(f"export of all L plans to xlsx: {seconds:.1f} s ({exports[-1][1]}{spread})", flush=True)


if __name__ == "__main__":
    main()
