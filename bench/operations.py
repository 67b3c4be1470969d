"""Time service operations at the issue's size: ``python -m bench.operations [--people 10000] [--teams 500]
[--systems 200] [--tickets 1000000]``.

In the scratch database named by DATABASE_URL (default sqlite:////tmp/operations.sqlite3, overwritten) it
builds an organisation (people, teams, competencies, requirements, levels), 200 technical systems with
their needs and installed base, and a roster of every person for eight weeks (a weekly shift and some
absences). Then it prints:
- the ticket import: a CSV of --tickets rows (about 200 MB for a million), validated and written in a
  child process, with its duration and the child's peak memory (the issue asks for < 60 s, bounded memory);
- suggestions from the last 12 months of tickets for every team (< 10 s);
- duty coverage of one team for eight weeks (< 100 ms), the median of 20 teams."""

import argparse
import datetime
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "sqlite:////tmp/operations.sqlite3"
TODAY = datetime.date(2026, 12, 1)


def build(*, people, teams, competencies, systems, rng):
    from competencies.models import Assessment, Category, Competency, Employee, Scale, ScaleLevel
    from operations.models import DutyEntry, InstalledBase, System, SystemNeed
    from teams.models import Membership, Team, TeamRequirement

    scale = Scale.objects.create(name="0–4")
    ScaleLevel.objects.bulk_create(ScaleLevel(scale=scale, value=v, label=str(v)) for v in range(5))
    category = Category.objects.create(name="Technical systems")
    Competency.objects.bulk_create(
        Competency(category=category, name=f"Skill {n:03d}", scale=scale) for n in range(competencies)
    )
    skill_ids = list(Competency.objects.order_by("id").values_list("id", flat=True))
    Team.objects.bulk_create(Team(name=f"Team {n:04d}") for n in range(teams))
    team_ids = list(Team.objects.order_by("id").values_list("id", flat=True))
    Employee.objects.bulk_create(
        (Employee(personnel_no=f"P-{n:06d}", name=f"Person {n}") for n in range(people)), batch_size=5000
    )
    employee_ids = list(Employee.objects.order_by("id").values_list("id", flat=True))
    Membership.objects.bulk_create(
        (
            Membership(employee_id=e, team_id=team_ids[i % teams], start=datetime.date(2020, 1, 1))
            for i, e in enumerate(employee_ids)
        ),
        batch_size=5000,
    )
    # Each team works with a band of 30 skills; each person holds 30 levels of their team's band.
    bands = {t: [skill_ids[(i * 7 + k) % competencies] for k in range(30)] for i, t in enumerate(team_ids)}
    Assessment.objects.bulk_create(
        (
            Assessment(
                employee_id=e,
                competency_id=skill,
                level=rng.randint(0, 4),
                source=Assessment.Source.MANAGER,
                assessed_on=datetime.date(2026, 1, 15),
            )
            for i, e in enumerate(employee_ids)
            for skill in bands[team_ids[i % teams]]
        ),
        batch_size=5000,
    )
    TeamRequirement.objects.bulk_create(
        (
            TeamRequirement(team_id=t, competency_id=skill, required_level=rng.randint(1, 3), min_people=2)
            for t in team_ids
            for skill in bands[t][:25]
        ),
        batch_size=5000,
    )
    System.objects.bulk_create(
        System(
            name=f"System {n:03d}",
            manufacturer="Bench",
            end_of_life=TODAY + datetime.timedelta(days=rng.randint(-100, 2000)) if n % 5 == 0 else None,
        )
        for n in range(systems)
    )
    system_ids = list(System.objects.order_by("id").values_list("id", flat=True))
    SystemNeed.objects.bulk_create(
        SystemNeed(system_id=s, competency_id=skill, required_level=rng.randint(1, 3))
        for n, s in enumerate(system_ids)
        for skill in {skill_ids[(n * 3 + k) % competencies] for k in range(3)}
    )
    InstalledBase.objects.bulk_create(
        (
            InstalledBase(
                team_id=t, system_id=system_ids[(i + k) % systems], on=TODAY, units=rng.randint(10, 2000)
            )
            for i, t in enumerate(team_ids)
            for k in range(8)
        ),
        batch_size=5000,
    )
    entries = []
    for i, e in enumerate(employee_ids):
        for week in range(8):
            start = TODAY + datetime.timedelta(days=7 * week + i % 3)
            entries.append(
                DutyEntry(
                    employee_id=e, kind=DutyEntry.SHIFT, start=start, end=start + datetime.timedelta(days=4)
                )
            )
        if i % 4 == 0:
            start = TODAY + datetime.timedelta(days=rng.randint(0, 50))
            entries.append(
                DutyEntry(
                    employee_id=e, kind=DutyEntry.ABSENT, start=start, end=start + datetime.timedelta(days=6)
                )
            )
    DutyEntry.objects.bulk_create(entries, batch_size=5000)
    return team_ids, system_ids, skill_ids


def write_tickets(path, *, rows, teams, systems, skills, rng):
    """A ticket export of ``rows`` rows, about 200 bytes each (free-text work types as real exports have)."""
    work = (
        "Reparatur nach Störungsmeldung des Kunden, Fehlercode F.{code:03d}, Ersatzteil bestellt, eingebaut "
        "und Anlage in Betrieb genommen"
    )
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("date;team;system;work_type;skills;duration;outside_hours\n")
        for n in range(rows):
            day = TODAY - datetime.timedelta(days=1 + n % 360)
            out.write(
                f"{day.isoformat()};{teams[n % len(teams)]};{systems[(n * 7) % len(systems)]};"
                f"{work.format(code=n % 1000)};{skills[n % len(skills)]}:2;{1 + n % 5}.5;"
                f"{'ja' if n % 11 == 0 else 'nein'}\n"
            )


def import_child(path):
    """Run in a child process: import the tickets and print seconds and peak memory."""
    import django

    django.setup()
    from operations.imports import import_tickets

    baseline = high_water_mark()
    started = time.perf_counter()
    with open(path, "rb") as handle:
        report = import_tickets(handle, "tickets.csv")
    seconds = time.perf_counter() - started
    print(f"{report.created} {seconds:.1f} {baseline / 1024:.0f} {high_water_mark() / 1024:.0f}", flush=True)


def high_water_mark():
    """The process's peak resident memory in kB (VmHWM: unlike ru_maxrss, not inherited over fork+exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--competencies", type=int, default=300)
    parser.add_argument("--systems", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--import-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    if args.import_child:
        import_child(args.import_child)
        return
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    database = os.environ["DATABASE_URL"]
    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite://")).unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from django.db import connection

    from operations import selectors
    from teams.gaps import cache
    from teams.models import Team

    rng = random.Random(1)  # noqa: S311 - a reproducible organisation, not a secret
    started = time.perf_counter()
    team_ids, system_ids, skill_ids = build(
        people=args.people, teams=args.teams, competencies=args.competencies, systems=args.systems, rng=rng
    )
    print(
        f"organisation {args.people} people, {args.teams} teams, {args.systems} systems, roster "
        f"{args.people} × 8 weeks ({connection.vendor}): built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "tickets.csv"
        names = dict(Team.objects.values_list("id", "name"))
        from competencies.models import Competency
        from operations.models import System

        write_tickets(
            path,
            rows=args.tickets,
            teams=[names[t] for t in team_ids],
            systems=list(System.objects.order_by("id").values_list("name", flat=True)),
            skills=list(Competency.objects.order_by("id").values_list("name", flat=True)),
            rng=rng,
        )
        size = path.stat().st_size
        connection.close()
        result = subprocess.run(
            [sys.executable, "-m", "bench.operations", "--import-child", str(path)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        created, seconds, baseline, peak = result.stdout.split()
        print(
            f"ticket import: {created} rows, {size / 1e6:.0f} MB, validated and written in {seconds} s; "
            f"peak memory {peak} MB (process after start-up {baseline} MB)",
            flush=True,
        )
    cache.changed(everything=True)
    started = time.perf_counter()
    suggestions = selectors.all_suggestions(on=TODAY)
    print(
        f"suggestions for all {args.teams} teams from 12 months of tickets: "
        f"{time.perf_counter() - started:.2f} s "
        f"({len(suggestions)} suggestions)",
        flush=True,
    )
    timings = []
    for team in Team.objects.filter(pk__in=team_ids[:20]):
        selectors.team_duty(team=team, first=TODAY)  # warm
        started = time.perf_counter()
        result = selectors.team_duty(team=team, first=TODAY)
        timings.append(time.perf_counter() - started)
    print(
        f"duty coverage of one team for eight weeks: median {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms over 20 teams "
        f"({len(result['short_days'])} short days in the last)",
        flush=True,
    )


if __name__ == "__main__":
    main()
