"""A synthetic organisation of any size, deterministic for a seed, for benchmarks and load tests.

Everything random comes from one ``numpy.random.Generator`` seeded with ``spec.seed`` and is drawn in
a fixed order, so the same arguments give the same organisation (dates are relative to today).
Assessments, the bulk of the data, are generated as arrays in chunks of employees and written as
plain rows (``store.insert_rows``: COPY on PostgreSQL)."""

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.utils import timezone

from competencies.models import Assessment, Employee, Interest, RoleProfile, RoleRequirement
from competencies.roles import ADMIN_GROUP, HR_GROUP
from qualification.models import Measure, MeasureCompetency
from teams.models import Membership, Team, TeamRequirement

from . import catalogue, store
from .catalogue import T

REGIONS = [
    "North", "South", "West", "East", "Central", "Bavaria", "Baden-Württemberg", "Rhine-Ruhr", "Hesse",
    "Saxony", "Lower Saxony", "Berlin-Brandenburg", "Hamburg", "Thuringia", "Palatinate", "Swabia",
    "Franconia", "Westphalia", "Saarland", "Mecklenburg",
]  # fmt: skip
# Team kinds in the order they are handed out within a department, with the categories they focus on.
TEAM_KINDS = ["Field Service", "Hotline", "Field Service", "Technical Support", "Field Service"]
KIND_FOCUS = {
    "Field Service": {"heating", "installation", "operation"},
    "Hotline": {"communication", "operation", "process"},
    "Technical Support": {"heating", "controls", "collaboration"},
}
PROVIDERS = [
    T("Brandt Akademie (Hersteller)", "Brandt Academy (manufacturer)"),
    T("TÜV Akademie", "TÜV Akademie"),
    T("IHK Akademie", "IHK Akademie"),
    T("Handwerkskammer", "Handwerkskammer"),
    T("Intern", "Internal"),
]
LEVEL_SHARES = [0.06, 0.2, 0.34, 0.28, 0.12]  # final levels 0..4
SOURCES = np.array(["self", "manager", "certificate"])
DAYS_OF_HISTORY = 365
EMPLOYEE_CHUNK = 2000


@dataclass(frozen=True)
class SyntheticSpec:
    employees: int
    teams: int
    competencies: int
    assessed: int = 30
    history: int = 3
    requirements: int = 25
    seed: int = 1

    @property
    def departments(self):
        return max(1, min(len(REGIONS), round(math.sqrt(self.teams) / 2)))

    @property
    def min_employees(self):
        """Two per team (a lead and a member), a head per department, plus the HR and admin logins."""
        return 2 * self.teams + self.departments + 2


def competency_specs(count):
    """``count`` competencies: the catalogue first, then numbered modules of its competencies."""
    base = catalogue.COMPETENCIES
    specs = []
    for index in range(count):
        spec = base[index % len(base)]
        round_ = index // len(base)
        name = (
            spec.name
            if round_ == 0
            else spec.name.format(f"{{}} · Modul {round_ + 1}", f"{{}} · module {round_ + 1}")
        )
        specs.append(catalogue.CompetencySpec(f"{spec.key}{round_}", spec.category, name, spec.description,
                                              spec.validity_months))  # fmt: skip
    return specs


def build(*, spec, today):
    """Write the synthetic organisation described by ``spec``."""
    rng = np.random.default_rng(spec.seed)
    scale = store.create_scale()
    category_ids = store.create_categories()
    specs = competency_specs(spec.competencies)
    competency_ids = np.array(store.create_competencies(specs, scale=scale, category_ids=category_ids))
    validity_days = np.array([round((s.validity_months or 0) * 365.25 / 12) for s in specs])
    role_ids = _create_role_profiles(rng, spec, competency_ids)
    _create_measures(rng, specs, competency_ids)

    org = _plan_people(rng, spec)
    team_ids, requirement_mask = _create_teams(rng, spec, specs, competency_ids)
    employee_ids, user_ids = _create_people(rng, spec, org, role_ids)
    store.set_team_leads(
        [(team_ids["teams"][t], user_ids["leads"][t]) for t in range(spec.teams)]
        + [(team_ids["departments"][d], user_ids["heads"][d]) for d in range(spec.departments)]
    )
    _create_memberships(rng, spec, org, employee_ids, team_ids, today)
    _create_interests(rng, spec, org, employee_ids, competency_ids)
    _create_assessments(rng, spec, org, employee_ids, user_ids, competency_ids, validity_days,
                        requirement_mask, today, scale_id=scale.pk)  # fmt: skip


@dataclass
class _People:
    """Who is where, by employee index: team employees first, then department heads, HR, admin."""

    pool: int
    team_of: np.ndarray  # home team of each team employee
    second_team: np.ndarray  # second team or -1
    lead_index: np.ndarray  # per team: the employee index of its lead
    member_index: int  # the ``employee`` login: a member of the first team


def _plan_people(rng, spec):
    pool = spec.employees - spec.departments - 2
    team_of = np.concatenate(
        [np.repeat(np.arange(spec.teams), 2), rng.integers(0, spec.teams, pool - 2 * spec.teams)]
    )
    team_of = rng.permutation(team_of)
    second_team = np.full(pool, -1)
    if spec.teams > 1:
        moving = rng.random(pool) < 0.08
        shifted = (team_of + rng.integers(1, spec.teams, pool)) % spec.teams
        second_team = np.where(moving, shifted, -1)
    _teams, lead_index = np.unique(team_of, return_index=True)
    member_index = int(np.flatnonzero(team_of == 0)[1])
    return _People(pool, team_of, second_team, lead_index, member_index)


def _create_role_profiles(rng, spec, competency_ids):
    base = list(catalogue.ROLE_PROFILES.values())
    count = max(len(base), min(40, spec.competencies // 10))
    names = [
        base[i % len(base)][0]
        if i < len(base)
        else base[i % len(base)][0].format(
            f"{{}} · Stufe {i // len(base) + 1}", f"{{}} · grade {i // len(base) + 1}"
        )
        for i in range(count)
    ]
    profiles = RoleProfile.objects.bulk_create(
        RoleProfile(**name.columns("name"), **base[i % len(base)][1].columns("description"))
        for i, name in enumerate(names)
    )
    per_profile = min(10, spec.competencies)
    requirements = []
    for profile in profiles:
        chosen = rng.choice(spec.competencies, per_profile, replace=False)
        targets = rng.choice([2, 3, 4], per_profile, p=[0.4, 0.45, 0.15])
        requirements.extend(
            RoleRequirement(role_profile=profile, competency_id=int(competency_ids[c]), target_level=int(t))
            for c, t in zip(chosen, targets, strict=True)
        )
    RoleRequirement.objects.bulk_create(requirements, batch_size=store.BATCH_SIZE)
    return [profile.pk for profile in profiles]


def _create_measures(rng, specs, competency_ids):
    measures, ranges = [], []
    for index, spec in enumerate(specs):
        offers = [("course", spec.name.format("{}: Kurs", "{}: course"), 1, 3)]
        if index % 4 == 0:
            offers.append(("elearning", spec.name.format("{}: E-Learning", "{}: e-learning"), 0, 2))
        if index % 5 == 0:
            offers.append(("mentoring", spec.name.format("{}: Mentoring", "{}: mentoring"), 2, 4))
        for kind, title, low, high in offers:
            internal = kind != "course"
            measures.append(
                Measure(
                    **title.columns("title"),
                    kind=kind,
                    duration_hours=int(rng.choice([8, 16, 24])) if not internal else 4 if low == 0 else 20,
                    cost=0 if internal else int(rng.integers(3, 16)) * 100,
                    **(PROVIDERS[-1] if internal else PROVIDERS[index % (len(PROVIDERS) - 1)]).columns(
                        "provider"
                    ),
                )
            )
            ranges.append((int(competency_ids[index]), low, high))
    created = Measure.objects.bulk_create(measures, batch_size=store.BATCH_SIZE)
    MeasureCompetency.objects.bulk_create(
        (
            MeasureCompetency(measure=measure, competency_id=competency_id, from_level=low, to_level=high)
            for measure, (competency_id, low, high) in zip(created, ranges, strict=True)
        ),
        batch_size=store.BATCH_SIZE,
    )


def _create_teams(rng, spec, specs, competency_ids):
    departments = Team.objects.bulk_create(
        Team(
            name=f"Customer Service {REGIONS[d]}",
            **T(f"Kundendienst der Region {REGIONS[d]}.", f"Customer service region {REGIONS[d]}.").columns(
                "description"
            ),
        )
        for d in range(spec.departments)
    )
    department_of = np.arange(spec.teams) * spec.departments // spec.teams
    counters, teams, kinds = {}, [], []
    for t in range(spec.teams):
        d = int(department_of[t])
        position = int(np.count_nonzero(department_of[:t] == d))
        kind = TEAM_KINDS[position % len(TEAM_KINDS)]
        counters[(d, kind)] = number = counters.get((d, kind), 0) + 1
        kinds.append(kind)
        teams.append(Team(name=f"{kind} {REGIONS[d]} {number}", parent=departments[d]))
    teams = Team.objects.bulk_create(teams, batch_size=store.BATCH_SIZE)

    # Requirements favour the categories a team kind works in (Gumbel top-k: weighted, no repeats).
    categories = np.array([s.category for s in specs])
    focus = {kind: np.log(np.where(np.isin(categories, list(c)), 3.0, 1.0)) for kind, c in KIND_FOCUS.items()}
    count = min(spec.requirements, spec.competencies)
    mask = np.zeros((spec.teams, spec.competencies), dtype=bool)
    rows = []
    for t in range(spec.teams):
        keys = focus[kinds[t]] + rng.gumbel(size=spec.competencies)
        chosen = np.sort(np.argpartition(-keys, count - 1)[:count])
        mask[t, chosen] = True
        levels = rng.choice([1, 2, 3, 4], count, p=[0.1, 0.35, 0.4, 0.15])
        people = rng.choice([1, 2, 3], count, p=[0.5, 0.35, 0.15])
        weights = rng.choice([1, 2, 3], count, p=[0.3, 0.45, 0.25])
        rows.extend(
            (teams[t].pk, int(competency_ids[c]), int(level), int(k), int(w))
            for c, level, k, w in zip(chosen, levels, people, weights, strict=True)
        )
    store.insert_rows(TeamRequirement, ["team", "competency", "required_level", "min_people", "weight"], rows)
    team_ids = {"teams": [team.pk for team in teams], "departments": [d.pk for d in departments]}
    return team_ids, mask


def _create_people(rng, spec, org, role_ids):
    """Employees with their personnel numbers, and the logins (every lead and head, and the demo ones).

    Returns the employee ids by index and a dict of login user ids."""
    n = spec.employees
    first = rng.integers(0, len(catalogue.FIRST_NAMES), n)
    last = rng.integers(0, len(catalogue.LAST_NAMES), n)
    roles = rng.integers(0, len(role_ids), n)
    without_role = rng.random(n) < 0.05
    names = [(catalogue.FIRST_NAMES[first[i]], catalogue.LAST_NAMES[last[i]]) for i in range(n)]
    emails = [catalogue.email_for(*names[i], suffix=f".{i + 1}") for i in range(n)]

    logins = {int(index): "lead" if t == 0 else f"lead-{t + 1:04d}" for t, index in enumerate(org.lead_index)}
    logins |= {org.pool + d: "head" if d == 0 else f"head-{d + 1:02d}" for d in range(spec.departments)}
    logins |= {org.member_index: "employee", n - 2: "hr", n - 1: "admin"}
    groups = {"hr": (HR_GROUP,), "admin": (ADMIN_GROUP,)}
    user_ids = store.create_users(
        [
            (name, *names[i], emails[i], name == "admin", groups.get(name, ()))
            for i, name in sorted(logins.items())
        ]
    )
    width = max(4, len(str(n)))
    employees = [
        Employee(
            personnel_no=f"P-{i + 1:0{width}d}",
            name=f"{names[i][0]} {names[i][1]}",
            email=emails[i],
            user_id=user_ids[logins[i]] if i in logins else None,
            role_profile_id=None if without_role[i] or i >= n - 2 else role_ids[roles[i]],
        )
        for i in range(n)
    ]
    created = Employee.objects.bulk_create(employees, batch_size=store.BATCH_SIZE)
    ids = [employee.pk for employee in created]
    if None in ids:
        by_number = dict(Employee.objects.values_list("personnel_no", "pk"))
        ids = [by_number[employee.personnel_no] for employee in employees]
    return np.array(ids), {
        "leads": [user_ids[logins[int(index)]] for index in org.lead_index],
        "heads": [user_ids[logins[org.pool + d]] for d in range(spec.departments)],
        "employee": user_ids["employee"],
    }


def _create_memberships(rng, spec, org, employee_ids, team_ids, today):
    teams = np.array(team_ids["teams"])
    start = rng.integers(30, 3650, org.pool)
    second_start = rng.integers(30, 365, org.pool)
    head_start = rng.integers(365, 3650, spec.departments)
    rows = [
        (int(employee_ids[i]), int(teams[org.team_of[i]]), today - timedelta(days=int(start[i])), None)
        for i in range(org.pool)
    ]
    rows += [
        (
            int(employee_ids[i]),
            int(teams[org.second_team[i]]),
            today - timedelta(days=int(second_start[i])),
            None,
        )
        for i in np.flatnonzero(org.second_team >= 0)
    ]
    rows += [
        (
            int(employee_ids[org.pool + d]),
            team_ids["departments"][d],
            today - timedelta(days=int(head_start[d])),
            None,
        )
        for d in range(spec.departments)
    ]
    store.insert_rows(Membership, ["employee", "team", "start", "end"], rows)


def _create_interests(rng, spec, org, employee_ids, competency_ids):
    interested = np.flatnonzero(rng.random(org.pool) < 0.3)
    competencies = rng.integers(0, spec.competencies, len(interested))
    targets = rng.integers(2, catalogue.MAX_LEVEL + 1, len(interested))
    now = timezone.now()
    rows = [
        (int(employee_ids[e]), int(competency_ids[c]), int(t), now)
        for e, c, t in zip(interested, competencies, targets, strict=True)
    ]
    store.insert_rows(Interest, ["employee", "competency", "target_level", "created_at"], rows)


def _create_assessments(rng, spec, org, employee_ids, user_ids, competency_ids, validity_days, mask, today, *,
                        scale_id):  # fmt: skip
    """``assessed`` competencies per employee (biased to the home team's requirements), ``history``
    entries each over the last year, rising towards the current level; mostly self and manager."""
    assessed = min(spec.assessed, spec.competencies)
    history = spec.history
    people = org.pool + spec.departments  # HR and admin are not assessed
    department_of = np.arange(spec.teams) * spec.departments // spec.teams
    first_team_of_department = np.searchsorted(department_of, np.arange(spec.departments))
    home = np.concatenate([org.team_of, first_team_of_department])
    heads = np.array(user_ids["heads"])
    leads = np.array(user_ids["leads"])
    manager = np.concatenate([leads[org.team_of], np.full(spec.departments, -1)])
    manager[org.lead_index] = heads[department_of[org.team_of[org.lead_index]]]  # leads answer to the head
    own_user = np.full(people, -1)
    for t, index in enumerate(org.lead_index):
        own_user[index] = leads[t]
    own_user[org.member_index] = user_ids["employee"]
    own_user[org.pool :] = heads

    popularity = rng.normal(0.0, 0.5, spec.competencies)
    days = [today - timedelta(days=d) for d in range(DAYS_OF_HISTORY + 1)]
    valid_until_cache = {}
    now = timezone.now()
    fields = [
        *("employee", "competency", "level", "source", "assessed_on"),
        *("assessed_by", "valid_until", "note", "created_at", "scale"),
    ]

    def rows():
        for begin in range(0, people, EMPLOYEE_CHUNK):
            chunk = np.arange(begin, min(people, begin + EMPLOYEE_CHUNK))
            size = len(chunk)
            focus = mask[home[chunk]]
            keys = (
                popularity + np.where(focus, math.log(4.0), 0.0) + rng.gumbel(size=(size, spec.competencies))
            )
            chosen = np.sort(np.argpartition(-keys, assessed - 1, axis=1)[:, :assessed], axis=1)
            final = rng.choice(len(LEVEL_SHARES), (size, assessed), p=LEVEL_SHARES)
            final = np.minimum(
                final + (np.take_along_axis(focus, chosen, 1) & (rng.random(final.shape) < 0.3)), 4
            )
            # Each later entry is one level up with probability 0.3; the last entry is the current level.
            steps = rng.random((size, assessed, history)) < 0.3
            steps[:, :, 0] = False
            still_to_come = steps.sum(axis=2, keepdims=True) - np.cumsum(steps, axis=2)
            levels = np.clip(final[:, :, None] - still_to_come, 0, catalogue.MAX_LEVEL)
            days_ago = -np.sort(-rng.integers(0, DAYS_OF_HISTORY, (size, assessed, history)), axis=2)
            certified = (validity_days[chosen] > 0)[:, :, None]
            draw = rng.random((size, assessed, history))
            source = np.where(
                certified,
                np.where(draw < 0.5, 2, np.where(draw < 0.75, 0, 1)),
                np.where(draw < 0.05, 2, np.where(draw < 0.5, 0, 1)),
            )
            by = np.where(
                source == 0,
                own_user[chunk][:, None, None],
                np.where(source == 1, manager[chunk][:, None, None], -1),
            )
            validity = np.where((source == 2) & certified, validity_days[chosen][:, :, None] - days_ago, -1)
            employee = np.broadcast_to(employee_ids[chunk][:, None, None], levels.shape)
            competency = np.broadcast_to(competency_ids[chosen][:, :, None], levels.shape)
            for e, c, level, s, ago, b, v in zip(
                employee.ravel().tolist(), competency.ravel().tolist(), levels.ravel().tolist(),
                SOURCES[source.ravel()].tolist(), days_ago.ravel().tolist(), by.ravel().tolist(),
                validity.ravel().tolist(), strict=True,
            ):  # fmt: skip
                if v < 0:
                    valid_until = None
                elif (valid_until := valid_until_cache.get(v)) is None:
                    valid_until = valid_until_cache[v] = today + timedelta(days=v)
                yield (e, c, level, s, days[ago], None if b < 0 else b, valid_until, "", now, scale_id)

    store.insert_rows(Assessment, fields, rows())
