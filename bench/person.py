"""The pages about one person, measured by ``bench/measure.py``: the self-assessment (GET and saving the
draft), the lead's review page and team queue, the profile (own view and the lead's view).

The bench person is a member of the measured team with a login (``bench-person``); a role profile of
their own (``Bench role``) makes exactly PERSON_COMPETENCIES competencies concern them, together with
what their teams require and what they have assessed; they have submitted a self-assessment of every
one, so the review page and the queue have rows to decide. Built here, idempotently (``--keep`` runs
find it in place), not by the demo generator."""

import statistics
import time

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from competencies import selectors, services
from competencies.models import Employee, RoleProfile, RoleRequirement
from teams.models import Team

PERSON_COMPETENCIES = 80
PERSON_USERNAME = "bench-person"
ROLE_NAME = "Bench role"
REQUESTS = 50
LARGE_CATALOGUE = 14_000
LARGE_CATEGORY = "Bench: ESCO-sized catalogue"


def _rows(employee):
    return selectors.self_assessment_page(employee=employee)


def _person(team):
    """The team's member with the fewest competencies concerning them, linked to the bench login."""
    user, _created = get_user_model().objects.get_or_create(username=PERSON_USERNAME)
    employee = Employee.objects.filter(user=user).first()
    if employee is not None:
        return employee, user
    on = timezone.localdate()
    members = (
        Employee.objects.filter(user__isnull=True, memberships__team=team, memberships__start__lte=on)
        .select_related("role_profile", "self_assessment_draft")
        .order_by("id")
    )
    employee = min(members, key=lambda member: (len(_rows(member)["rows"]), member.pk))
    employee.user = user
    employee.save(update_fields=["user"])
    return employee, user


def _concern_exactly(employee, count):
    """Give the person a role profile of their own so that ``count`` competencies concern them."""
    if len(_rows(employee)["rows"]) == count:
        return
    profile, _created = RoleProfile.objects.get_or_create(name=ROLE_NAME)
    if employee.role_profile_id != profile.pk:
        employee.role_profile = profile
        employee.save(update_fields=["role_profile"])
    rows = _rows(employee)
    missing = count - len(rows["rows"])
    if missing < 0:
        raise SystemExit(f"{employee} already has {len(rows['rows'])} competencies, more than {count}")
    RoleRequirement.objects.bulk_create(
        RoleRequirement(role_profile=profile, competency=competency, target_level=2)
        for competency in rows["addable"][:missing]
    )


def _self_assess(employee, user):
    """Submit a self-assessment of every row, one level above the confirmed one (so each waits for the
    lead's decision); a later run finds it submitted and records nothing new."""
    page = _rows(employee)
    entries = {}
    for row in page["rows"]:
        top = max(level.value for level in row["levels"])
        level = min(top, (row["confirmed_level"] or 0) + 1)
        entries[row["competency"].pk] = {"level": level, "note": "", "grow": False, "target": None}
    services.self_assessment_submit(employee=employee, user=user, entries=entries, version=page["version"])


def bench_person(team):
    """(employee, user, lead) of the measured team, prepared as the module docstring says."""
    with transaction.atomic():
        employee, user = _person(team)
        employee = Employee.objects.select_related("role_profile", "self_assessment_draft").get(
            pk=employee.pk
        )
        _concern_exactly(employee, PERSON_COMPETENCIES)
        employee = Employee.objects.select_related("role_profile", "self_assessment_draft").get(
            pk=employee.pk
        )
        _self_assess(employee, user)
    if connection.vendor == "postgresql":
        # What autovacuum does in production: statistics that know the rows just written (and the reads
        # the audit log recorded in earlier runs), so the planner does not plan for empty tables.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE competencies_assessment, competencies_auditentry, competencies_rolerequirement, "
                "competencies_interest, competencies_selfassessmentdraft"
            )
    lead = Team.leads.through.objects.filter(team=team).order_by("user_id").first()
    if lead is None:
        raise SystemExit(f"team {team.pk} has no lead")
    return employee, user, lead.user


def draft_data(employee):
    """The self-assessment form as the page posts it to save a draft."""
    page = _rows(employee)
    data = {"version": str(page["version"]), "action": "draft", "add": ""}
    for row in page["rows"]:
        prefix = f"c{row['competency'].pk}"
        data[f"{prefix}-level"] = "" if row["level"] is None else str(row["level"])
        data[f"{prefix}-note"] = row["note"]
        if row["grow"]:
            data[f"{prefix}-grow"] = "on"
        data[f"{prefix}-target"] = "" if row["target"] is None else str(row["target"])
    return data


def _timed(send, expected, count=REQUESTS):
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        response = send()
        durations.append((time.perf_counter() - started) * 1000)
        if response.status_code != expected:
            raise SystemExit(f"answered {response.status_code}, expected {expected}")
    with CaptureQueriesContext(connection) as queries:
        send()
    return durations, len(queries)


def measure_person_pages(label, team, report):
    """Print median, p95 and queries of each page about the bench person."""
    employee, user, lead = bench_person(team)
    rated = len(_rows(employee)["rows"])
    report(label, f"person pages: competencies to rate (employee {employee.pk})", rated, "")
    own, leader = Client(), Client()
    own.force_login(user)
    leader.force_login(lead)
    assessment = reverse("competencies:self_assessment")
    profile = reverse("competencies:employee_detail", kwargs={"employee_id": employee.pk})
    data = draft_data(employee)
    pages = (
        ("self-assessment", lambda: own.get(assessment), 200),
        ("self-assessment draft save (POST)", lambda: own.post(assessment, data), 302),
        ("review page (lead)", lambda: leader.get(
            reverse("teams:review_member", kwargs={"employee_id": employee.pk})), 200),
        ("team review queue (lead)", lambda: leader.get(
            reverse("teams:review_queue", kwargs={"team_id": team.pk})), 200),
        ("profile (own)", lambda: own.get(profile), 200),
        ("profile (lead's view)", lambda: leader.get(profile), 200),
    )  # fmt: skip
    for name, send, expected in pages:
        durations, queries = _timed(send, expected)
        report(label, f"{name} median", statistics.median(durations), "ms")
        report(label, f"{name} p95", float(np.percentile(durations, 95)), "ms")
        report(label, f"{name} queries", queries, "")
    # #15 item 6: the same page with an ESCO-sized catalogue (14,000 competencies), the person's own 80
    # unchanged; the added competencies are removed again afterwards.
    with _large_catalogue(LARGE_CATALOGUE):
        durations, queries = _timed(lambda: own.get(assessment), 200)
    name = f"self-assessment, {LARGE_CATALOGUE} in the catalogue"
    report(label, f"{name} median", statistics.median(durations), "ms")
    report(label, f"{name} p95", float(np.percentile(durations, 95)), "ms")
    report(label, f"{name} queries", queries, "")


class _large_catalogue:  # noqa: N801 - used as a context manager
    """Fill the catalogue up to ``size`` competencies in a category of its own; removed on exit."""

    def __init__(self, size):
        self.size = size

    def __enter__(self):
        from competencies.models import Category, Competency, Scale

        missing = self.size - Competency.objects.count()
        self.category = Category.objects.create(name=LARGE_CATEGORY, family=Category.Family.TECHNICAL)
        scale = Scale.objects.order_by("pk").first()
        Competency.objects.bulk_create(
            (
                Competency(category=self.category, scale=scale, name=f"ESCO-sized skill {number:05d}")
                for number in range(max(missing, 0))
            ),
            batch_size=2_000,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE competencies_competency")
        return self

    def __exit__(self, *exc):
        from competencies.models import Category, Competency

        Competency.objects.filter(category=self.category).delete()
        Category.objects.filter(pk=self.category.pk).delete()
        return False
