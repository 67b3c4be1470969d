"""Measure one prepared database; prints ``<label> <figure> <value>`` lines. Run by ``python -m bench``."""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.local")
django.setup()

import numpy as np  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from competencies.roles import HR_GROUP  # noqa: E402
from competencies.selectors import effective_levels  # noqa: E402
from teams.models import Membership, Team, TeamRequirement  # noqa: E402

from .homes import measure_home_pages  # noqa: E402
from .person import measure_person_pages  # noqa: E402

REQUESTS = 50
DEPARTMENT_REQUESTS = 10
FIGURES = {}  # figure (without the ids in it) -> (value, unit), for the growth table of ``python -m bench``


def percentile(values, q):
    return float(np.percentile(values, q))


def timed_requests(client, url, count=REQUESTS):
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return durations


def hr_client():
    user, _ = get_user_model().objects.get_or_create(username="bench-hr")
    user.groups.add(Group.objects.get(name=HR_GROUP))
    client = Client()
    client.force_login(user)
    return client


def typical_team():
    """The team whose member count is the median among teams with members."""
    on = timezone.localdate()
    counts = {}
    for team_id in Membership.objects.filter(start__lte=on).values_list("team_id", flat=True):
        counts[team_id] = counts.get(team_id, 0) + 1
    ranked = sorted(counts, key=lambda t: (counts[t], t))
    return Team.objects.get(pk=ranked[len(ranked) // 2]), counts[ranked[len(ranked) // 2]]


def floor_seconds():
    """One raw query for every effective level plus numpy coverage: the organisation-wide floor."""
    on = timezone.localdate()
    started = time.perf_counter()
    levels = effective_levels(on=on)
    memberships = np.array(
        list(Membership.objects.filter(start__lte=on).values_list("team_id", "employee_id")), dtype=np.int64
    )
    requirements = np.array(
        list(
            TeamRequirement.objects.values_list(
                "team_id", "competency_id", "required_level", "min_people", "weight"
            )
        ),
        dtype=np.int64,
    )
    dense = np.zeros((levels["employee_id"].max() + 1, levels["competency_id"].max() + 1), dtype=np.int8)
    dense[levels["employee_id"].to_numpy(), levels["competency_id"].to_numpy()] = levels["level"].to_numpy()
    order = np.argsort(memberships[:, 0], kind="stable")
    teams_sorted = memberships[order, 0]
    members_sorted = memberships[order, 1]
    starts = np.searchsorted(teams_sorted, requirements[:, 0], side="left")
    ends = np.searchsorted(teams_sorted, requirements[:, 0], side="right")
    sizes = ends - starts
    requirement_index = np.repeat(np.arange(len(requirements)), sizes)
    member_positions = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
    employees = members_sorted[member_positions]
    competencies = requirements[requirement_index, 1]
    held = dense[employees, competencies] >= requirements[requirement_index, 2]
    covered = np.bincount(requirement_index, weights=held, minlength=len(requirements))
    shortfall = np.maximum(0, requirements[:, 3] - covered)
    lost = np.bincount(requirements[:, 0], weights=requirements[:, 4] * shortfall)
    needed = np.bincount(requirements[:, 0], weights=requirements[:, 4] * requirements[:, 3])
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = 1 - lost / needed
    if coverage.size == 0:
        raise SystemExit("no teams to measure")
    return time.perf_counter() - started


def report(label, figure, value, unit):
    print(f"{label} {figure:<34} {value:8.1f} {unit}", flush=True)
    FIGURES[re.sub(r" \((team|employee) \d+\)", "", figure)] = (value, unit)


def measure_department(label, client, department):
    """The department's gap-analysis API (its subtree rolled up) and its page: first request and median."""
    urls = (("department gap API", f"/api/v1/teams/{department.pk}/gap-analysis/"),)
    try:
        urls += (("department page", reverse("teams:department", kwargs={"team_id": department.pk})),)
    except NoReverseMatch:
        print(f"{label} {'department page':<34} (page not built yet)")
    for figure, url in urls:
        durations = timed_requests(client, url, count=DEPARTMENT_REQUESTS)
        report(label, f"{figure} first", durations[0], "ms")
        report(label, f"{figure} median", statistics.median(durations), "ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="")
    parser.add_argument("--results", help="also write the figures to this JSON file")
    parser.add_argument("--only", choices=["homes"], help="measure only these pages")
    args = parser.parse_args()
    label = args.label
    if args.only == "homes":
        measure_home_pages(label, typical_team()[0], report)
        return
    client = hr_client()
    team, size = typical_team()
    report(label, f"typical team size (team {team.pk})", size, "members")

    durations = timed_requests(client, f"/api/v1/teams/{team.pk}/gap-analysis/")
    report(label, "team gap API median", statistics.median(durations), "ms")
    report(label, "team gap API p95", percentile(durations, 95), "ms")

    for name, figure in (("teams:dashboard", "team dashboard"),):
        try:
            url = reverse(name, kwargs={"team_id": team.pk})
        except NoReverseMatch:
            print(f"{label} {figure:<34} (page not built yet)")
            continue
        durations = timed_requests(client, url)
        report(label, f"{figure} median", statistics.median(durations), "ms")
        report(label, f"{figure} p95", percentile(durations, 95), "ms")

    try:
        url = reverse("teams:organisation")
        durations = timed_requests(client, url, count=5)
        report(label, "organisation overview first", durations[0], "ms")
        report(label, "organisation overview median", statistics.median(durations), "ms")
    except NoReverseMatch:
        print(f"{label} {'organisation overview':<34} (page not built yet)")

    measure_person_pages(label, team, report)
    measure_home_pages(label, team, report)

    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "gap_report", "--all", "--format", "json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    report_seconds = time.perf_counter() - started
    report(label, "gap_report --all", report_seconds, "s")
    floor = min(floor_seconds() for _ in range(3))
    report(label, "floor: raw SQL + numpy", floor, "s")
    report(label, "gap_report --all / floor", report_seconds / floor, "x")
    # After the figures above, so that they are measured exactly as before the department was added.
    if team.parent_id is not None:
        measure_department(label, client, team.parent)
    reset_queries()
    if args.results:
        with open(args.results, "w") as results:
            json.dump(FIGURES, results)


if __name__ == "__main__":
    main()
