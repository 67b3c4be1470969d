"""Demo data for servicelead: the story organisation or a synthetic one of any size.

``demo_seed`` is the one entry point (the ``seed_demo`` command is a thin shell around it). It writes
everything in one transaction, refuses a database that already holds employees unless asked to reset
it, and refuses production settings unless forced."""

import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.models import Assessment, Competency, Employee, Interest, RoleProfile
from competencies.roles import ADMIN_GROUP, HR_GROUP, ROLE_LABELS
from qualification.models import Measure
from teams.gaps import cache
from teams.models import Membership, Team, TeamRequirement

from . import store, story, synthetic
from .store import DEMO_PASSWORD
from .synthetic import SyntheticSpec

__all__ = ["DEMO_PASSWORD", "DemoSeedRefused", "SeedResult", "SyntheticSpec", "demo_logins", "demo_seed"]

PRODUCTION_SETTINGS_MODULE = "servicelead.settings.production"
MAIN_LOGINS = ["head", "lead", "employee", "hr", "admin"]
STORY_LEAD_LOGINS = ["lead-hotline", "lead-support", "lead-south"]


class DemoSeedRefused(Exception):
    """The database or the settings do not allow seeding; the message says why and what to do."""


@dataclass(frozen=True)
class SeedResult:
    built: bool  # False when ``if_empty`` found data and did nothing
    counts: dict
    logins: list  # dicts: username, role, name, teams
    seconds: float


def is_production():
    return not settings.DEBUG and getattr(settings, "SETTINGS_MODULE", "") == PRODUCTION_SETTINGS_MODULE


def demo_seed(*, synthetic_spec=None, seed=1, reset=False, if_empty=False, force=False):
    """Build the story organisation (or ``synthetic_spec``'s) in one transaction; see the module doc."""
    if is_production() and not force:
        raise DemoSeedRefused(
            _("Refusing to seed demo data with production settings (%(module)s). Use --force if you mean it.")
            % {"module": PRODUCTION_SETTINGS_MODULE}
        )
    started = time.perf_counter()
    usernames = _usernames(synthetic_spec)
    with transaction.atomic():
        if not store.domain_is_empty() and not reset:
            if if_empty:
                return SeedResult(False, domain_counts(), demo_logins(), time.perf_counter() - started)
            raise DemoSeedRefused(
                _(
                    "The database already holds servicelead data (employees, teams or a catalogue). Run with "
                    "--reset to replace all of it with demo data, or with --if-empty to leave it as it is."
                )
            )
        if reset:
            store.reset_domain_data(extra_usernames=usernames)
        else:
            taken = sorted(
                get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
            )
            if taken:
                raise DemoSeedRefused(
                    _("These demo usernames are already taken: %(names)s. Run with --reset to replace them.")
                    % {"names": ", ".join(taken[:10])}
                )
        # Written in bulk, without model signals: every cached analysis is stale once this commits.
        cache.changed(everything=True)
        today = timezone.localdate()
        if synthetic_spec is None:
            # Seeded, not secret: the same seed must give the same demo organisation.
            story.build(rng=random.Random(seed), today=today)  # noqa: S311
        else:
            synthetic.build(spec=synthetic_spec, today=today)
    store.vacuum_bulk_loaded()
    return SeedResult(True, domain_counts(), demo_logins(), time.perf_counter() - started)


def _usernames(spec):
    if spec is None:
        return MAIN_LOGINS + STORY_LEAD_LOGINS
    return (
        MAIN_LOGINS
        + [f"lead-{t + 1:04d}" for t in range(1, spec.teams)]
        + [f"head-{d + 1:02d}" for d in range(1, spec.departments)]
    )


def domain_counts():
    """What the database holds, by kind: the figures the command prints."""
    return {
        "departments": Team.objects.filter(parent__isnull=True).count(),
        "teams": Team.objects.filter(parent__isnull=False).count(),
        "employees": Employee.objects.count(),
        "memberships": Membership.objects.count(),
        "competencies": Competency.objects.count(),
        "role_profiles": RoleProfile.objects.count(),
        "requirements": TeamRequirement.objects.count(),
        "interests": Interest.objects.count(),
        "assessments": Assessment.objects.count(),
        "measures": Measure.objects.count(),
    }


def demo_logins():
    """The demo logins that exist, as dicts of username, role label, employee name and team names."""
    order = MAIN_LOGINS + STORY_LEAD_LOGINS
    users = (
        get_user_model()
        .objects.filter(username__in=order)
        .select_related("employee")
        .prefetch_related("groups", "led_teams", "employee__memberships__team")
    )
    today = timezone.localdate()
    rows = []
    for user in sorted(users, key=lambda u: order.index(u.username)):
        group_names = {group.name for group in user.groups.all()}
        led = sorted(team.name for team in user.led_teams.all())
        employee = getattr(user, "employee", None)
        member_of = sorted(
            m.team.name
            for m in (employee.memberships.all() if employee else [])
            if m.start <= today and (m.end is None or m.end >= today)
        )
        if user.is_superuser or ADMIN_GROUP in group_names:
            role = ROLE_LABELS["admin"]
        elif HR_GROUP in group_names:
            role = ROLE_LABELS["hr"]
        elif led:
            role = ROLE_LABELS["lead"]
        else:
            role = ROLE_LABELS["employee"]
        rows.append(
            {
                "username": user.username,
                "role": str(role),
                "name": employee.name if employee else "",
                "teams": ", ".join(led or member_of),
            }
        )
    return rows
