"""``make load``: locust against the native production stack on organisation L, on 127.0.0.1 only.

Builds organisation L (``seed_demo --employees 10000 --teams 500 --competencies 300 --seed 1``) in the
database ``servicelead_load`` (kept afterwards; ``--keep`` reuses it), starts gunicorn, a Celery worker
and beat as ``make prod-smoke`` does, then runs load/locustfile.py headless for each number of users,
bounded in time, and prints requests per second, median and p95 latency and errors per level, per request
kind, and where the CPU went (gunicorn, PostgreSQL, locust itself), which tells the bottleneck.

Targets on this 2-core machine: no errors; p95 under 500 ms at 50 users."""

import argparse
import json
import os
import pwd
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.prod_stack import (
    ROOT,
    Stack,
    StackError,
    database_create,
    database_exists,
    redis_flush,
    terminate_on_sigterm,
)

DATABASE = "servicelead_load"
# The PostgreSQL server's processes run as this user (Debian's package): all of them count as "postgres".
POSTGRES_USER = os.environ.get("SERVICELEAD_POSTGRES_OS_USER", "postgres")
REDIS_DB = 13
ORGANISATION_L = ["--employees", "10000", "--teams", "500", "--competencies", "300", "--seed", "1"]
EMPLOYEE_LOGINS = 60
LEAD_LOGINS = 100
P95_TARGET_MS = 500
TARGET_USERS = 50  # the p95 target is for this level; the error target for every level run
LOGIN_DEADLINE_SECONDS = 120
# People start (and sign in) two per second: a sign-in hashes the password (about 0.3 s of CPU on purpose),
# and fifty of them in five seconds would be a login storm, not the working day measured after it.
SIGN_INS_PER_SECOND = 2
# Collected once and reused with --keep while no static file changed.
STATIC_ROOT = Path(tempfile.gettempdir()) / "servicelead-load-static"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Logins and URLs for the scenario; also gives some employees of L a login (L has one employee login).
PLAN = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from competencies.models import Competency, Employee
from qualification.demo import DEMO_PASSWORD
from teams.models import Team
from teams.selectors import memberships_active

User = get_user_model()
MARK = 987654321

def template(name, **kwargs):
    try:
        url = reverse(name, kwargs={key: MARK for key in kwargs} or None)
    except NoReverseMatch:
        return None
    for key in kwargs:
        url = url.replace(str(MARK), "{" + key + "}", 1)
    return url

with transaction.atomic():
    wanted = [f"load-employee-{n:03d}" for n in range(1, EMPLOYEE_LOGINS + 1)]
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    if len(existing) < len(wanted):
        password = make_password(DEMO_PASSWORD)
        members = memberships_active().values("employee_id")
        free = Employee.objects.filter(user__isnull=True, is_active=True, pk__in=members)
        free = free.order_by("pk").values_list("pk", flat=True)
        for username, employee_id in zip([u for u in wanted if u not in existing], free):
            user = User.objects.create(username=username, password=password)
            Employee.objects.filter(pk=employee_id).update(user=user)

led = Team.leads.through.objects.filter(user__username__startswith="lead")
led = led.order_by("user__username", "team_id")
leads = {}
for username, team_id in led.values_list("user__username", "team_id"):
    leads.setdefault(username, team_id)
competencies = list(Competency.objects.order_by("pk").values_list("pk", flat=True)[:40])
employees = [
    {"username": username, "employee_id": employee_id, "competencies": competencies}
    for username, employee_id in Employee.objects.filter(user__username__startswith="load-employee-")
    .order_by("user__username").values_list("user__username", "pk")
]
print(json.dumps({
    "password": DEMO_PASSWORD,
    "leads": [{"username": u, "team_id": t} for u, t in list(leads.items())[:LEAD_LOGINS]],
    "employees": employees,
    "hrs": [{"username": "hr"}],
    "urls": {
        "dashboard": template("teams:dashboard", team_id=1),
        "team": template("teams:team_detail", team_id=1),
        "gap_api": template("api:team_gap_analysis", team_id=1),
        "staffing_hints": template("teams:staffing_hints", team_id=1),
        "self_assessment": template("competencies:self_assessment"),
        "profile": template("competencies:employee_detail", employee_id=1),
        "organisation": template("teams:organisation"),
        "export": template("qualification:export"),
    },
}))
"""

# What beat does every two minutes (teams.tasks), done once before measuring: figures of a running service,
# not of its first minute after the cache was emptied.
WARM = """
import json, time
from teams.tasks import organisation_analyses_warm
started = time.perf_counter()
organisation_analyses_warm()
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

MEMBER_COUNT = """
import json
from competencies.models import Employee
print(json.dumps({"employees": Employee.objects.count()}))
"""


def static_files_current():
    """Whether STATIC_ROOT holds every static file of the project, none changed since it was collected."""
    manifest = STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = json.loads(manifest.read_text())["paths"]
    collected_at = manifest.stat().st_mtime
    for folder in [ROOT / "static", *ROOT.glob("*/static")]:
        for path in folder.rglob("*"):
            if path.is_file() and (
                path.relative_to(folder).as_posix() not in collected or path.stat().st_mtime > collected_at
            ):
                return False
    return True


def _stat(pid):
    """(process group, owner uid, CPU seconds) of a process, from /proc; None when it is gone. The CPU
    seconds include those of its children that have ended (a replaced gunicorn worker, a closed
    PostgreSQL connection), so what a group used is not lost when its processes come and go."""
    try:
        path = Path(f"/proc/{pid}")
        fields = (path / "stat").read_text().rsplit(")", 1)[1].split()
        uid = path.stat().st_uid
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[2]), uid, sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def _uid(user):
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:  # PostgreSQL runs elsewhere or as another user: its CPU shows as "everything else"
        return None


def cpu_seconds(groups):
    """CPU seconds used so far by the processes of each named group: a process-group id (a service the
    stack started, with its children), or a user name (the PostgreSQL server, all its processes)."""
    uids = {name: _uid(group) for name, group in groups.items() if isinstance(group, str)}
    totals = dict.fromkeys(groups, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(entry.name)
        if stat is None:
            continue
        pgid, uid, seconds = stat
        for name, group in groups.items():
            if group == pgid or uids.get(name) == uid:
                totals[name] += seconds
    return totals


def machine_busy_seconds():
    """CPU seconds all cores spent busy so far (everything but idle and iowait), from /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def run_level(stack, plan_path, users, seconds, think, groups):
    """Run locust with ``users`` people; its figures over the measured window plus the CPU in it."""
    summary_path = stack.workdir / f"summary-{users}.json"
    measuring_path = stack.workdir / f"measuring-{users}"
    log_path = stack.workdir / f"locust-{users}.log"
    spawn_rate = min(users, SIGN_INS_PER_SECOND)
    env = {
        **stack.env,
        "PYTHONPATH": str(ROOT),
        "LOAD_PLAN": str(plan_path),
        "LOAD_SUMMARY": str(summary_path),
        "LOAD_MEASURING": str(measuring_path),
        "LOAD_SECONDS": str(seconds),
        "LOAD_THINK_MIN": str(think[0]),
        "LOAD_THINK_MAX": str(think[1]),
    }
    # locustfile.py ends the run `seconds` after the last login; --run-time only bounds a run that hangs.
    bound = int(users / spawn_rate + LOGIN_DEADLINE_SECONDS + seconds)
    argv = stack.argv(["locust"]) + [
        "-f", str(ROOT / "load" / "locustfile.py"),
        "--headless", "--only-summary",
        "--users", str(users), "--spawn-rate", str(spawn_rate),
        "--run-time", f"{bound}s", "--stop-timeout", "10",
        "--host", stack.base_url, "--loglevel", "WARNING",
    ]  # fmt: skip
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    reaped_before = _reaped_children_cpu()
    locust = subprocess.Popen(  # noqa: S603 - our own fixed command
        argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    launched, launched_at = time.monotonic(), time.time()
    try:
        # CPU is measured over the same window as locust's figures: from the last login to the end.
        while not measuring_path.exists() and locust.poll() is None and time.monotonic() - launched < bound:
            time.sleep(0.1)
        before, busy_before = cpu_seconds(groups), machine_busy_seconds()
        started = time.monotonic()
        locust.wait(timeout=bound + 60)
        after, busy_after = cpu_seconds(groups), machine_busy_seconds()
        wall = time.monotonic() - started
        locust_cores = (_reaped_children_cpu() - reaped_before) / (time.monotonic() - launched)
    finally:
        if locust.poll() is None:
            locust.kill()
            locust.wait()
        log.close()
    if not summary_path.exists() or not measuring_path.exists():
        raise StackError(f"locust measured nothing:\n{log_path.read_text()[-3000:]}")
    summary = json.loads(summary_path.read_text())
    summary["logins_seconds"] = float(measuring_path.read_text()) - launched_at
    summary["cpu_cores"] = {name: max(0.0, (after[name] - before[name]) / wall) for name in groups}
    # Locust has exited by then: its CPU is what the children this process reaped meanwhile used.
    summary["cpu_cores"]["locust"] = locust_cores
    # What the machine was busy with besides the stack and locust (other people's work on a shared one).
    busy = (busy_after - busy_before) / wall
    summary["cpu_cores"]["everything else"] = max(0.0, busy - sum(summary["cpu_cores"].values()))
    return summary


def _reaped_children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def print_level(users, summary, think):
    working = summary["working"]
    errors = working["failures"] + summary["login_failures"] + len(summary["exceptions"])
    print(
        f"\n{users} users (think {think[0]:g}-{think[1]:g} s): {working['requests']} requests, "
        f"{working['rps']:.1f} req/s, median {working['median_ms']:.0f} ms, p95 {working['p95_ms']:.0f} ms, "
        f"max {working['max_ms']} ms, errors {errors}  (measured after all {users} had logged in, which "
        f"took {summary['logins_seconds']:.0f} s)"
    )
    print(f"  {'request':<34} {'count':>6} {'req/s':>6} {'median':>7} {'p95':>7}")
    for name, figures in sorted(summary["endpoints"].items()):
        if not figures["requests"]:
            continue
        print(
            f"  {name:<34} {figures['requests']:>6} {figures['rps']:>6.1f} "
            f"{figures['median_ms']:>5.0f}ms {figures['p95_ms']:>5.0f}ms"
        )
    cores = ", ".join(f"{name} {value:.2f}" for name, value in summary["cpu_cores"].items())
    print(f"  CPU in cores (of {os.cpu_count()}): {cores}")
    slowest = summary.get("slowest", [])[:8]
    if slowest:
        print("  slowest: " + ", ".join(f"{s['request']} {s['ms']} ms at {s['at_s']:.0f} s" for s in slowest))
    for error in summary["errors"]:
        print(f"  error: {error['count']} × {error['request']}: {error['error']}")
    for exception in summary["exceptions"]:
        print(f"  exception: {exception}")
    return errors


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", default="10,50", help="comma-separated levels (default 10,50)")
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds per level (default 60)")
    parser.add_argument(
        "--web-workers",
        type=int,
        default=4,
        help="gunicorn processes, 4 threads each (default 4: two per core, as the compose file)",
    )
    parser.add_argument(
        "--think", default="1,3", help="seconds between a person's clicks, min,max (default 1,3)"
    )
    parser.add_argument("--keep", action="store_true", help=f"reuse {DATABASE} when it holds organisation L")
    args = parser.parse_args()
    levels = [int(level) for level in args.users.split(",")]
    think = tuple(float(value) for value in args.think.split(","))
    terminate_on_sigterm()
    stack = Stack(
        database=DATABASE,
        redis_db=REDIS_DB,
        web_workers=args.web_workers,
        worker_concurrency=2,
        static_root=STATIC_ROOT,
    )
    worst = {"errors": 0, "p95": None}
    try:
        reuse = args.keep and database_exists(DATABASE)
        if not reuse:
            database_create(DATABASE)
        redis_flush(REDIS_DB)
        stack.prepare(collect_static=not (args.keep and static_files_current()))
        if not reuse:
            started = time.perf_counter()
            stack.manage("seed_demo", "--force", *ORGANISATION_L, timeout=1800)
            print(f"organisation L built in {time.perf_counter() - started:.0f} s", flush=True)
        elif stack.shell_json(MEMBER_COUNT)["employees"] < 10000:
            raise StackError(f"{DATABASE} does not hold organisation L; run without --keep")
        code = PLAN.replace("EMPLOYEE_LOGINS", str(EMPLOYEE_LOGINS)).replace("LEAD_LOGINS", str(LEAD_LOGINS))
        plan = stack.shell_json(code)
        plan_path = stack.workdir / "plan.json"
        plan_path.write_text(json.dumps(plan))
        pids = stack.start()
        stack.wait_ready()
        warmed = stack.shell_json(WARM)["seconds"]
        groups = {
            "gunicorn": pids["web"],
            "celery worker": pids["worker"],
            "celery beat": pids["beat"],
            "postgres": POSTGRES_USER,
        }
        print(
            f"stack on {stack.base_url}: gunicorn {args.web_workers} workers (pid {pids['web']}), "
            f"worker pid {pids['worker']}, beat pid {pids['beat']}; {len(plan['leads'])} leads, "
            f"{len(plan['employees'])} employees, HR; organisation analyses warmed as beat does in "
            f"{warmed:.1f} s; load average before: {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        for name, url in plan["urls"].items():
            print(f"  {name}: {url or '(not built yet)'}")
        for users in levels:
            summary = run_level(stack, plan_path, users, args.seconds, think, groups)
            errors = print_level(users, summary, think)
            stack.check_alive()
            worst["errors"] += errors
            if users == TARGET_USERS:
                worst["p95"] = summary["working"]["p95_ms"]
    except StackError as error:
        print(f"load FAILED: {error}")
        return 1
    finally:
        for line in stack.stop():
            print(f"stop {line}")
        try:
            redis_flush(REDIS_DB)
        except StackError as error:
            print(f"cleanup: {error}")
        stack.cleanup()
    if worst["p95"] is None:
        verdict = f"p95 not measured (no level of {TARGET_USERS} users)"
    else:
        verdict = "met" if worst["errors"] == 0 and worst["p95"] < P95_TARGET_MS else "NOT met"
    print(
        f"\ntargets (0 errors, p95 < {P95_TARGET_MS} ms at {TARGET_USERS} users): {verdict}; "
        f"{DATABASE} kept for --keep"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
