"""The story organisation: the Kundendienst of Brandt Wärmetechnik with four teams and 45 people.

The team requirements are written as a story, so the gap analysis has something to say:

- Field Service North (led by ``lead``) is short of heat-pump diagnosticians, lost its second F-gas
  holder when Jürgen Kaiser left and Marco Engel's certificate lapsed, depends on Werner Pohl alone
  for hydraulic balancing, and two electrical-safety certificates run out within 60 days. Jonas
  Weber (``employee``) is one level short in heat pump diagnostics, wants to grow there and has
  asked for confirmation.
- Field Service South is strong in heat pumps but thin on gas and flue gas; only Georg Stadler
  knows pellet boilers.
- The hotline needs more heat-pump knowledge and guided troubleshooting as heat pumps take over.
- Technical support lacks remote-diagnostics capacity, has one control-electronics expert and
  nobody yet at level 3 in bus systems.

Levels start from each person's role profile and seniority (seeded randomness), then the story
pins holders and near-holders of every team requirement. A year of history leads to those levels:
an annual self-assessment and review, progress reviews, recent self-assessments awaiting
confirmation, and certificates with their validity."""

import calendar
import random
from dataclasses import dataclass
from datetime import date, timedelta

from competencies.models import Assessment, Employee, Interest, RoleProfile, RoleRequirement
from competencies.roles import ADMIN_GROUP, HR_GROUP
from qualification.models import Measure, MeasureCompetency
from teams.models import Membership, Team, TeamRequirement

from . import catalogue, operations, store
from .catalogue import T

# Team names are proper names (one for every language); their descriptions are catalogue texts.
DEPARTMENT = (
    "dept",
    "Kundendienst",
    T(
        "Kundendienst von Brandt Wärmetechnik: Hotline, 2nd Level, Außendienst.",
        "Customer service of Brandt Wärmetechnik: hotline, 2nd level, field.",
    ),
)
TEAMS = [
    ("hotline", "Hotline (1st level)",
     T("Jeder Anruf von Kund:innen und Fachhandwerk; löst aus der Ferne, was möglich ist.",
       "Every customer and installer call; solves what it can remotely.")),
    ("support", "Technical Support (2nd level)",
     T("Eskalierte Fälle, Ferndiagnose, Fachhandwerkspartner.",
       "Escalated cases, remote diagnostics, installer partners.")),
    ("north", "Field Service North",
     T("Wartung, Reparatur und Inbetriebnahme in den Postleitzahlbereichen 1–4.",
       "Maintenance, repair and commissioning in postcode areas 1–4.")),
    ("south", "Field Service South",
     T("Wartung, Reparatur und Inbetriebnahme in den Postleitzahlbereichen 5–9.",
       "Maintenance, repair and commissioning in postcode areas 5–9.")),
]  # fmt: skip


@dataclass(frozen=True)
class Person:
    handle: str
    first: str
    last: str
    roles: tuple  # role profile keys: the first is assigned, all shape the starting levels
    seniority: str  # junior, mid, senior, expert
    teams: tuple  # team keys; the first is the home team, a second one started half a year ago
    years: float  # tenure
    login: str = ""
    left_days_ago: int = 0

    @property
    def name(self):
        return f"{self.first} {self.last}"


def _p(handle, first, last, roles, seniority, teams, years, login="", left_days_ago=0):
    return Person(handle, first, last, tuple(roles.split()), seniority, tuple(teams.split()), years, login,
                  left_days_ago)  # fmt: skip


PEOPLE = [
    _p("hartmann", "Sabine", "Hartmann", "lead support", "expert", "dept", 18, "head"),
    _p("neumann", "Claudia", "Neumann", "", "mid", "", 8, "hr"),
    _p("klein", "Markus", "Klein", "", "mid", "", 6, "admin"),
    _p("schaefer", "Nicole", "Schäfer", "lead hotline", "senior", "hotline", 12, "lead-hotline"),
    _p("becker", "Sandra", "Becker", "hotline", "senior", "hotline", 9),
    _p("koch", "Melanie", "Koch", "hotline", "mid", "hotline", 4),
    _p("richter", "Kevin", "Richter", "hotline", "mid", "hotline", 3),
    _p("hoffmann", "Laura", "Hoffmann", "hotline", "mid", "hotline", 5),
    _p("schulz", "Tim", "Schulz", "hotline", "junior", "hotline", 1.5),
    _p("demir", "Ayşe", "Demir", "hotline", "senior", "hotline", 7),
    _p("lehmann", "Jana", "Lehmann", "hotline", "mid", "hotline", 2.5),
    _p("krueger", "Dennis", "Krüger", "hotline", "junior", "hotline", 1),
    _p("braun", "Vanessa", "Braun", "hotline", "mid", "hotline", 6),
    _p("zimmermann", "Patrick", "Zimmermann", "hotline", "mid", "hotline", 3.5),
    _p("hartung", "Lea", "Hartung", "hotline", "junior", "hotline", 0.25),
    _p("vogel", "Monika", "Vogel", "dispatcher hotline", "senior", "hotline", 15),
    _p("wolf", "Andreas", "Wolf", "lead support", "expert", "support", 16, "lead-support"),
    _p("schmitt", "Michael", "Schmitt", "support", "expert", "support", 22),
    _p("meyer", "Christian", "Meyer", "support", "senior", "support", 10),
    _p("nowak", "Katarzyna", "Nowak", "support", "senior", "support", 6),
    _p("fischer", "Daniel", "Fischer", "support", "mid", "support", 4),
    _p("lange", "Sebastian", "Lange", "support", "mid", "support", 3),
    _p("krause", "Oliver", "Krause", "support", "senior", "support", 8),
    _p("werner", "Julia", "Werner", "support", "mid", "support hotline", 2),
    _p("berger", "Thomas", "Berger", "lead field", "senior", "north", 14, "lead"),
    _p("weber", "Jonas", "Weber", "field", "mid", "north", 3, "employee"),
    _p("pohl", "Werner", "Pohl", "field", "expert", "north", 34),
    _p("yilmaz", "Mehmet", "Yılmaz", "field", "senior", "north", 9),
    _p("schroeder", "Florian", "Schröder", "field", "senior", "north", 7),
    _p("engel", "Marco", "Engel", "field", "mid", "north", 5),
    _p("hahn", "Sven", "Hahn", "field", "mid", "north", 4),
    _p("franke", "Niklas", "Franke", "field", "mid", "north", 3),
    _p("albrecht", "Dirk", "Albrecht", "field", "senior", "north", 11),
    _p("lorenz", "Philipp", "Lorenz", "field", "junior", "north", 1.5),
    _p("kaiser", "Jürgen", "Kaiser", "field", "expert", "north", 25, left_days_ago=60),
    _p("huber", "Stefan", "Huber", "lead field", "senior", "south", 13, "lead-south"),
    _p("bauer", "Matthias", "Bauer", "field", "senior", "south", 8),
    _p("maier", "Johannes", "Maier", "field", "senior", "south", 10),
    _p("wagner", "Tobias", "Wagner", "field support", "mid", "south support", 4),
    _p("gruber", "Maximilian", "Gruber", "field", "mid", "south", 5),
    _p("hofmann", "Andrea", "Hofmann", "field", "senior", "south", 6),
    _p("mayr", "Benedikt", "Mayr", "field", "mid", "south", 3),
    _p("schuster", "Lukas", "Schuster", "field", "mid", "south", 2),
    _p("petrovic", "Ivan", "Petrović", "field", "senior", "south", 9),
    _p("stadler", "Georg", "Stadler", "field", "expert", "south", 27),
]
LEADS = {
    "dept": "head",
    "hotline": "lead-hotline",
    "support": "lead-support",
    "north": "lead",
    "south": "lead-south",
}
LOGIN_GROUPS = {"hr": (HR_GROUP,), "admin": (ADMIN_GROUP,)}
SUPERUSERS = {"admin"}

# team → (competency, required level, min people, weight, holders, near-holders). A holder marked
# "~" has a certificate that expires within 60 days; a near-holder marked "!" has one that expired.
REQUIREMENTS = {
    "hotline": [
        ("phone", 3, 6, 3, "schaefer becker koch richter hoffmann demir braun zimmermann vogel", ""),
        ("triage", 3, 4, 3, "schaefer becker demir vogel braun", ""),
        ("explain", 3, 4, 2, "becker demir hoffmann", "koch lehmann"),
        ("guided", 3, 3, 3, "becker werner", "koch richter"),
        ("hp_diag", 2, 3, 2, "becker werner", "richter zimmermann"),
        ("deesc", 3, 3, 2, "schaefer demir becker braun", ""),
        ("app", 2, 3, 1, "hoffmann schulz lehmann krueger zimmermann", ""),
        ("complaint", 3, 1, 2, "schaefer", "demir"),
        ("dispatch", 3, 1, 3, "vogel", ""),
        ("vulnerable", 2, 2, 2, "demir braun vogel", ""),
        ("doc", 2, 6, 1, "schaefer becker koch richter hoffmann demir braun zimmermann vogel", ""),
    ],
    "support": [
        ("remote", 3, 3, 3, "schmitt meyer", "nowak fischer"),
        ("ctrl", 4, 1, 3, "schmitt", "meyer"),
        ("firmware", 3, 2, 2, "schmitt lange krause", ""),
        ("hp_diag", 3, 4, 3, "wolf meyer nowak fischer lange wagner", ""),
        ("gas", 3, 3, 2, "wolf krause meyer", ""),
        ("installer", 3, 2, 2, "wolf krause", "lange"),
        ("kb", 3, 1, 1, "nowak", ""),
        ("bus", 3, 1, 2, "", "schmitt"),
        ("operr", 3, 3, 2, "meyer nowak fischer werner krause", ""),
        ("handover", 3, 2, 1, "wolf werner nowak", ""),
    ],
    "north": [
        ("hp_diag", 3, 3, 3, "berger pohl", "weber yilmaz"),
        ("hp_comm", 3, 2, 3, "pohl engel schroeder", ""),
        ("fgas", 3, 2, 3, "yilmaz", "engel! hahn"),
        ("elec", 3, 4, 3, "berger pohl schroeder hahn~ albrecht~", ""),
        ("flue", 3, 2, 2, "pohl albrecht franke", ""),
        ("gas", 3, 3, 2, "berger pohl albrecht franke hahn", ""),
        ("hydr", 3, 1, 2, "pohl", "schroeder"),
        ("ctrl", 3, 1, 2, "engel", ""),
        ("teach", 3, 2, 2, "weber", "lorenz franke"),
        ("remote", 2, 2, 1, "schroeder lorenz engel", ""),
        ("deesc", 2, 3, 1, "berger weber franke hahn", ""),
        ("doc", 2, 6, 1, "berger weber yilmaz schroeder engel franke lorenz", ""),
    ],
    "south": [
        ("hp_diag", 3, 3, 3, "huber bauer maier wagner gruber", ""),
        ("hp_comm", 3, 2, 3, "bauer gruber hofmann", ""),
        ("fgas", 3, 2, 3, "bauer gruber hofmann~", ""),
        ("elec", 3, 4, 3, "huber bauer maier wagner stadler petrovic", "mayr!"),
        ("gas", 3, 3, 2, "stadler mayr", "schuster"),
        ("flue", 3, 2, 2, "stadler", "mayr"),
        ("hydr", 3, 2, 2, "maier hofmann", ""),
        ("pellet", 2, 1, 1, "stadler", ""),
        ("teach", 3, 2, 2, "hofmann schuster petrovic", ""),
        ("deesc", 2, 3, 1, "huber hofmann petrovic schuster", ""),
        ("doc", 2, 6, 1, "huber bauer maier gruber hofmann schuster petrovic", ""),
    ],
}
# (person, competency, target level): stated development interests that fit the story.
INTERESTS = [
    ("weber", "hp_diag", 3), ("weber", "fgas", 3), ("koch", "guided", 3), ("richter", "hp_diag", 2),
    ("lorenz", "teach", 3), ("hahn", "fgas", 3), ("nowak", "remote", 3), ("fischer", "remote", 3),
    ("schuster", "gas", 3), ("mayr", "flue", 3), ("lehmann", "explain", 3), ("schmitt", "bus", 4),
    ("schroeder", "hydr", 3), ("zimmermann", "hp_diag", 2),
]  # fmt: skip
# Recent self-assessments one level up that wait for the lead's confirmation.
CLAIMS = {("weber", "hp_diag"), ("koch", "guided"), ("lorenz", "teach"), ("fischer", "remote")}
SELF_ONLY = {"hartung"}  # joined three months ago: only self-assessments so far
CERTIFIED_LEVEL = 3  # from this level on, a competency that requires a certificate needs a valid one

SENIORITY_OFFSETS = {"junior": (-2, -1, -1), "mid": (-1, 0, 0), "senior": (0, 0, 1), "expert": (0, 1, 1)}
SIDE_SKILLS = {
    "field": ("oil", "solar", "hybrid", "pellet", "comfort", "usage", "remote", "mentor", "vulnerable"),
    "support": ("hybrid", "solar", "bus", "usage", "comfort", "mentor", "kb", "hydr"),
    "hotline": ("usage", "vulnerable", "comfort", "hp_diag", "remote", "triage"),
    "dispatcher": ("vulnerable", "deesc", "complaint"),
    "lead": ("mentor", "dispatch", "kb", "usage"),
}
NOTES = {
    "self": "Annual self-assessment",
    "review": "Annual review",
    "progress": "Progress review after training",
    "claim": "Self-assessment, asks for confirmation",
    "onboarding": "Self-assessment after onboarding",
    "lapsed": "Certificate expired; re-certification booked",
}


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _handles(text):
    """'hahn~ engel!' → [('hahn', '~'), ('engel', '!')]."""
    return [(word.rstrip("~!"), word[-1] if word[-1] in "~!" else "") for word in text.split()]


def story_levels(rng):
    """Effective level every person should end up with, and per-(person, competency) flags."""
    levels, flags = {}, {}
    for person in PEOPLE:
        own = levels[person.handle] = {}
        targets = {}
        for role in person.roles:
            for key, target in catalogue.ROLE_PROFILES[role][2].items():
                targets[key] = max(targets.get(key, 0), target)
        for key, target in sorted(targets.items()):
            own[key] = min(
                catalogue.MAX_LEVEL, max(0, target + rng.choice(SENIORITY_OFFSETS[person.seniority]))
            )
        side_top = 3 if person.seniority in ("senior", "expert") else 2
        for role in person.roles:
            for key in SIDE_SKILLS[role]:
                if key not in own and rng.random() < 0.5:
                    own[key] = rng.randint(1, side_top)
    members = {key: [p.handle for p in PEOPLE if key in p.teams and not p.left_days_ago] for key, *_ in TEAMS}
    pinned = []
    for team, requirements in REQUIREMENTS.items():
        for key, level, _k, _w, holders, near in requirements:
            named = {handle for handle, _mark in _handles(holders) + _handles(near)}
            for handle in members[team]:
                if handle not in named and levels[handle].get(key, 0) >= level:
                    levels[handle][key] = level - 1
            pinned.append((key, level, _handles(holders), _handles(near)))
    for key, level, _holders, near in pinned:
        for handle, mark in near:
            levels[handle][key] = level - 1
            if mark == "!":
                flags.setdefault((handle, key), set()).add("expired")
    for key, level, holders, _near in pinned:
        for handle, mark in holders:
            levels[handle][key] = max(levels[handle].get(key, 0), level)
            if mark == "~":
                flags.setdefault((handle, key), set()).add("expiring")
    for handle, key in CLAIMS:
        flags.setdefault((handle, key), set()).add("claim")
    return levels, flags


def build(*, rng, today):
    """Write the story organisation; ``rng`` is a seeded ``random.Random``."""
    scale = store.create_scale()
    category_ids = store.create_categories()
    competency_ids = dict(
        zip(
            [spec.key for spec in catalogue.COMPETENCIES],
            store.create_competencies(catalogue.COMPETENCIES, scale=scale, category_ids=category_ids),
            strict=True,
        )
    )
    role_ids = _create_role_profiles(competency_ids)
    _create_measures(competency_ids)

    people = sorted(PEOPLE, key=lambda p: (-p.years, p.last, p.first))  # personnel numbers by seniority
    user_ids = store.create_users(
        [
            (p.login, p.first, p.last, catalogue.email_for(p.first, p.last), p.login in SUPERUSERS,
             LOGIN_GROUPS.get(p.login, ()))
            for p in people
            if p.login
        ]
    )  # fmt: skip
    employees = Employee.objects.bulk_create(
        Employee(
            personnel_no=f"P-{number:04d}",
            name=person.name,
            email=catalogue.email_for(person.first, person.last),
            user_id=user_ids.get(person.login),
            role_profile_id=role_ids.get(person.roles[0]) if person.roles else None,
            is_active=not person.left_days_ago,
            left_on=today - timedelta(days=person.left_days_ago) if person.left_days_ago else None,
        )
        for number, person in enumerate(people, start=1)
    )
    employee_ids = {person.handle: employee.pk for person, employee in zip(people, employees, strict=True)}

    team_ids = _create_teams(user_ids)
    Membership.objects.bulk_create(_memberships(people, employee_ids, team_ids, today))
    levels, flags = story_levels(rng)
    TeamRequirement.objects.bulk_create(
        TeamRequirement(
            team_id=team_ids[team],
            competency_id=competency_ids[key],
            required_level=level,
            min_people=min_people,
            weight=weight,
        )
        for team, requirements in REQUIREMENTS.items()
        for key, level, min_people, weight, _holders, _near in requirements
    )
    Interest.objects.bulk_create(_interests(rng, people, levels, employee_ids, competency_ids))
    Assessment.objects.bulk_create(
        _assessments(
            rng, people, levels, flags, employee_ids, competency_ids, user_ids, today, scale_id=scale.pk
        ),
        batch_size=store.BATCH_SIZE,
    )
    operations.build(rng=rng, today=today, competency_ids=competency_ids, team_ids=team_ids)


def _create_role_profiles(competency_ids):
    profiles = RoleProfile.objects.bulk_create(
        RoleProfile(**name.columns("name"), **description.columns("description"))
        for name, description, _ in catalogue.ROLE_PROFILES.values()
    )
    role_ids = {key: profile.pk for key, profile in zip(catalogue.ROLE_PROFILES, profiles, strict=True)}
    RoleRequirement.objects.bulk_create(
        RoleRequirement(
            role_profile_id=role_ids[role], competency_id=competency_ids[key], target_level=target
        )
        for role, (_name, _description, targets) in catalogue.ROLE_PROFILES.items()
        for key, target in targets.items()
    )
    return role_ids


def _create_measures(competency_ids):
    measures = Measure.objects.bulk_create(
        Measure(
            **title.columns("title"),
            kind=kind,
            **description.columns("description"),
            duration_hours=hours,
            cost=cost,
            **provider.columns("provider"),
        )
        for title, kind, hours, cost, provider, _ranges, description in catalogue.MEASURES
    )
    MeasureCompetency.objects.bulk_create(
        MeasureCompetency(measure=measure, competency_id=competency_ids[key], from_level=low, to_level=high)
        for measure, row in zip(measures, catalogue.MEASURES, strict=True)
        for key, low, high in row[5]
    )


def _create_teams(user_ids):
    key, name, description = DEPARTMENT
    department = Team.objects.create(name=name, **description.columns("description"))
    teams = Team.objects.bulk_create(
        Team(name=name, **description.columns("description"), parent=department)
        for _key, name, description in TEAMS
    )
    team_ids = {key: department.pk} | {key: team.pk for (key, *_), team in zip(TEAMS, teams, strict=True)}
    store.set_team_leads((team_ids[team], user_ids[login]) for team, login in LEADS.items())
    return team_ids


def _memberships(people, employee_ids, team_ids, today):
    for person in people:
        end = today - timedelta(days=person.left_days_ago) if person.left_days_ago else None
        for position, team in enumerate(person.teams):
            years = person.years if position == 0 else 0.5
            yield Membership(
                employee_id=employee_ids[person.handle],
                team_id=team_ids[team],
                start=today - timedelta(days=round(years * 365)),
                end=end,
            )


def _interests(rng, people, levels, employee_ids, competency_ids):
    chosen = {(handle, key): target for handle, key, target in INTERESTS}
    stated = {handle for handle, _key, _target in INTERESTS}
    for person in people:
        if person.handle in stated or not person.roles or person.left_days_ago or rng.random() < 0.4:
            continue
        targets = catalogue.ROLE_PROFILES[person.roles[0]][2]
        open_gaps = sorted(
            key for key, target in targets.items() if levels[person.handle].get(key, 0) < target
        )
        pool = open_gaps or sorted(
            key for key, level in levels[person.handle].items() if level < catalogue.MAX_LEVEL
        )
        if pool:
            key = rng.choice(pool)
            chosen[(person.handle, key)] = levels[person.handle].get(key, 0) + 1
    for (handle, key), target in sorted(chosen.items()):
        yield Interest(
            employee_id=employee_ids[handle], competency_id=competency_ids[key], target_level=target
        )


def _assessments(rng, people, levels, flags, employee_ids, competency_ids, user_ids, today, *, scale_id):
    lead_of_team = {team: user_ids[login] for team, login in LEADS.items()}
    for person in people:
        start = today - timedelta(days=round(person.years * 365))
        end = today - timedelta(days=person.left_days_ago)
        home = person.teams[0] if person.teams else None
        own_user = user_ids.get(person.login)
        manager = lead_of_team.get("dept" if "lead" in person.roles else home)
        if manager == own_user:  # the head of department has no manager with a login here
            manager = None
        for key, level in sorted(levels[person.handle].items()):
            history = _history(
                rng,
                level=level,
                spec=catalogue.COMPETENCY_BY_KEY[key],
                flags=flags.get((person.handle, key), set())
                | ({"self_only"} if person.handle in SELF_ONLY else set()),
                start=start,
                end=end,
                today=today,
            )
            for row_level, source, assessed_on, valid_until, note in history:
                by = {"self": own_user, "manager": manager}.get(source)
                yield Assessment(
                    employee_id=employee_ids[person.handle],
                    competency_id=competency_ids[key],
                    level=row_level,
                    scale_id=scale_id,
                    source=source,
                    assessed_on=assessed_on,
                    assessed_by_id=by,
                    valid_until=valid_until,
                    note=note,
                )


def _history(rng, *, level, spec, flags, start, end, today):
    """(level, source, assessed_on, valid_until, note) rows whose effective level today is ``level``."""

    def on(days_ago, jitter=7):
        day = today - timedelta(days=days_ago + rng.randint(-jitter, jitter))
        return day if start <= day <= end else None

    top = catalogue.MAX_LEVEL
    rows = []
    if "self_only" in flags:
        day = min(start + timedelta(days=14), end)
        return [(level, "self", day, None, NOTES["onboarding"])]
    campaign_self, review, progress = on(335), on(300), on(130, 20)
    # The review of the year before, so the trend starts from the history a real team has rather than
    # from nothing. Its own random stream keeps every other value of the demo as it was.
    before = random.Random(f"{spec.key}/{level}/{start.isoformat()}")
    earlier = today - timedelta(days=700 + before.randint(-20, 20))
    earlier = earlier if start <= earlier <= end else None
    needs_certificate = spec.validity_months is not None
    certified = needs_certificate and (level >= CERTIFIED_LEVEL or "expired" in flags)
    # Self-assessments never claim a certified level: after a certificate expires they must not
    # keep the person a holder, since unconfirmed levels count in the gap analysis by default.
    uncertified_top = CERTIFIED_LEVEL - 1
    if not certified:
        improved = level >= 1 and progress is not None and review is not None and rng.random() < 0.3
        reviewed = level - 1 if improved else level
        if earlier:
            grown = 1 if reviewed >= 1 and before.random() < 0.3 else 0
            rows.append((reviewed - grown, "manager", earlier, None, NOTES["review"]))
        if campaign_self:
            self_level = min(top, max(0, reviewed + rng.choice((0, 0, 0, 1, 1, -1))))
            rows.append((self_level, "self", campaign_self, None, NOTES["self"]))
        if review:
            rows.append((reviewed, "manager", review, None, NOTES["review"]))
        if improved:
            rows.append((level, "manager", progress, None, NOTES["progress"]))
        if not review and not improved:  # joined after the annual review: confirmed at the probation talk
            rows.append((level, "manager", min(start + timedelta(days=60), end), None, NOTES["review"]))
    else:
        months = spec.validity_months
        if "expired" in flags:
            valid_until = today - timedelta(days=rng.randint(10, 40))
            issued = add_months(valid_until, -months)
            lapsed = valid_until + timedelta(days=rng.randint(1, 7))
            if campaign_self:
                rows.append((uncertified_top, "self", campaign_self, None, NOTES["self"]))
            rows.append((level + 1, "certificate", issued, valid_until, _certificate_note(rng, spec)))
            rows.append((level, "manager", lapsed, None, NOTES["lapsed"]))
            return sorted(rows, key=lambda row: row[2])
        renewed = False
        if "expiring" in flags:
            valid_until = today + timedelta(days=rng.randint(12, 55))
            issued = add_months(valid_until, -months)
        else:
            issued = today - timedelta(days=rng.randint(20, months * 30 - 90))
            valid_until = add_months(issued, months)
            if months <= 24 and rng.random() < 0.4:  # a renewal: the previous certificate has expired
                previous = add_months(issued, -months - 1)
                renewed = True
                rows.append(
                    (
                        level,
                        "certificate",
                        previous,
                        add_months(previous, months),
                        _certificate_note(rng, spec),
                    )
                )
        if not renewed and earlier and issued > today - timedelta(days=400):
            # Renewed in time: the certificate before ran until a few days after this one was issued.
            previous = add_months(issued + timedelta(days=5), -months)
            rows.append(
                (level, "certificate", previous, issued + timedelta(days=5), _certificate_note(before, spec))
            )
        if campaign_self:
            rows.append((uncertified_top, "self", campaign_self, None, NOTES["self"]))
        if review and review < issued:
            rows.append((uncertified_top, "manager", review, None, NOTES["review"]))
        rows.append((level, "certificate", issued, valid_until, _certificate_note(rng, spec)))
    claim_top = uncertified_top if needs_certificate else top
    if level < claim_top and ("claim" in flags or rng.random() < 0.08):
        rows.append((level + 1, "self", today - timedelta(days=rng.randint(3, 40)), None, NOTES["claim"]))
    return sorted((row for row in rows if row[2] <= end), key=lambda row: row[2])


def _certificate_note(rng, spec):
    return f"{spec.name.en.split(' (')[0]}: certificate no. {rng.randint(100000, 999999)}"
