"""The home pages with their to-do lists (#14), measured by ``bench/measure.py`` after the person pages:
the employee (the bench person, whose self-assessment waits for review), the lead of the measured team
(that review waiting, plus the team's plans and certificates), the head of its department and HR; median,
p95 and queries of each. Target: median < 60 ms on L.

Alone, on a prepared database: ``DATABASE_URL=... python -m bench.measure --only homes``."""

import statistics

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from competencies.roles import HR_GROUP
from teams.models import Team

from .person import _timed, bench_person


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _head(team):
    """A lead of the team's department, else of any team with teams below it."""
    if team.parent_id is not None:
        lead = Team.leads.through.objects.filter(team_id=team.parent_id).order_by("user_id").first()
        if lead is not None:
            return lead.user
    lead = Team.leads.through.objects.filter(team__children__isnull=False).order_by("user_id").first()
    return lead.user if lead is not None else None


def measure_home_pages(label, team, report):
    """Print median, p95 and queries of each role's home page."""
    _employee, user, lead = bench_person(team)
    hr, _created = get_user_model().objects.get_or_create(username="bench-hr")
    hr.groups.add(Group.objects.get(name=HR_GROUP))
    home = reverse("home")
    roles = [("employee", user), ("lead", lead), ("head", _head(team)), ("HR", hr)]
    for role, login in roles:
        if login is None:
            print(f"{label} {'home (' + role + ')':<34} (no such login in this organisation)")
            continue
        client = _client(login)
        durations, queries = _timed(lambda client=client: client.get(home), 200)
        report(label, f"home with to-dos ({role}) median", statistics.median(durations), "ms")
        report(label, f"home with to-dos ({role}) p95", float(np.percentile(durations, 95)), "ms")
        report(label, f"home with to-dos ({role}) queries", queries, "")
