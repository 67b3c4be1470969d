"""The story organisation's technical systems, installed base, a year of tickets and a holiday roster, so
every service-operations page has something true to show (docs/service-operations.md)."""

import datetime
from datetime import timedelta

from operations.models import DutyEntry, InstalledBase, Region, System, SystemNeed, Ticket, TicketNeed
from teams.models import Membership

# (key, name, manufacturer, generation, launch (days from today), end of life (days from today), parent,
# {competency key: level}); families first.
SYSTEMS = [
    ("hp", "Heat pumps", "Brandt Wärmetechnik", "", None, None, None, {"hp_diag": 2, "elec": 2}),
    ("gas", "Gas condensing boilers", "Brandt Wärmetechnik", "", None, None, None, {"gas": 2, "flue": 2}),
    ("ctrl", "Control electronics", "Brandt Wärmetechnik", "", None, None, None, {"ctrl": 2}),
    ("aqua7", "AquaTherm 7 air/water", "Brandt Wärmetechnik", "G2", -2500, 240, "hp",
     {"fgas": 2}),
    ("aqua9", "AquaTherm 9 air/water", "Brandt Wärmetechnik", "G3", -900, None, "hp",
     {"hp_diag": 3, "fgas": 2}),
    ("aqua11", "AquaTherm 11 air/water", "Brandt Wärmetechnik", "G4", 120, None, "hp",
     {"hp_diag": 3, "fgas": 3, "firmware": 3}),
    ("geo12", "GeoTherm 12 brine/water", "Brandt Wärmetechnik", "G2", -1800, None, "hp",
     {"hydr": 2}),
    ("cg24", "CondensGas 24", "Brandt Wärmetechnik", "G5", -2200, None, "gas", {"gas": 3}),
    ("cg35", "CondensGas 35", "Brandt Wärmetechnik", "G4", -5000, -30, "gas", {"gas": 3, "flue": 3}),
    ("hybrid", "HybridTherm duo", "Brandt Wärmetechnik", "G1", -700, None, None,
     {"hybrid": 2, "hp_diag": 2, "gas": 2}),
    ("c500", "Control 500", "Brandt Wärmetechnik", "G3", -1500, None, "ctrl", {"ctrl": 2}),
    ("iot", "Connect IoT gateway", "Brandt Wärmetechnik", "G1", -600, None, "ctrl", {"remote": 2}),
]  # fmt: skip

# Units in the field a year ago and today, per team.
INSTALLED = {
    "north": {"aqua7": (1400, 1100), "aqua9": (600, 1800), "geo12": (210, 260), "cg24": (3200, 3050),
              "cg35": (900, 0), "hybrid": (120, 340), "c500": (2600, 2900), "iot": (400, 1500)},
    "south": {"aqua7": (900, 700), "aqua9": (300, 950), "geo12": (480, 520), "cg24": (4100, 4000),
              "cg35": (1200, 0), "hybrid": (60, 150), "c500": (3000, 3300), "iot": (250, 900)},
    "support": {"aqua9": (900, 2750), "iot": (650, 2400), "c500": (5600, 6200)},
}  # fmt: skip

# Tickets per team and system in the last 12 months: (count, work type, hours, share outside office hours).
TICKETS = {
    "north": {"aqua9": (420, "repair", 3.0, 0.09), "aqua7": (260, "repair", 3.5, 0.12),
              "cg24": (380, "maintenance", 1.5, 0.03), "hybrid": (90, "commissioning", 5.0, 0.0),
              "c500": (150, "repair", 2.0, 0.05)},
    "south": {"aqua9": (210, "repair", 3.0, 0.08), "geo12": (140, "repair", 4.0, 0.10),
              "cg24": (460, "maintenance", 1.5, 0.02), "c500": (170, "repair", 2.0, 0.04)},
    "support": {"iot": (520, "remote diagnosis", 0.5, 0.30), "aqua9": (300, "remote diagnosis", 0.75, 0.12)},
}  # fmt: skip


def build(*, rng, today: datetime.date, competency_ids: dict, team_ids: dict) -> None:
    """Write the systems, their needs, installed base, tickets and a holiday roster over Christmas."""
    system_ids = {}
    for key, name, manufacturer, generation, launch, end, parent, _needs in SYSTEMS:
        system_ids[key] = System.objects.create(
            name=name,
            manufacturer=manufacturer,
            generation=generation,
            launch_date=today + timedelta(days=launch) if launch is not None else None,
            end_of_life=today + timedelta(days=end) if end is not None else None,
            parent_id=system_ids.get(parent),
        ).pk
    SystemNeed.objects.bulk_create(
        SystemNeed(system_id=system_ids[key], competency_id=competency_ids[c], required_level=level)
        for key, *_rest, needs in SYSTEMS
        for c, level in needs.items()
    )
    # The names the ticket system gives the field teams' areas (postcode areas).
    Region.objects.bulk_create(
        Region(name=name, team_id=team_ids[team])
        for team, names in (("north", ("PLZ 20–22", "PLZ 23–25")), ("south", ("PLZ 80–83", "PLZ 84–87")))
        for name in names
    )
    InstalledBase.objects.bulk_create(
        InstalledBase(team_id=team_ids[team], system_id=system_ids[system], on=on, units=units)
        for team, counts in INSTALLED.items()
        for system, pair in counts.items()
        for on, units in zip((today - timedelta(days=365), today - timedelta(days=7)), pair, strict=True)
    )
    # The new generation is planned in the field from its launch on.
    InstalledBase.objects.bulk_create(
        InstalledBase(
            team_id=team_ids[team], system_id=system_ids["aqua11"], on=today + timedelta(days=120), units=n
        )
        for team, n in (("north", 400), ("south", 250))
    )
    tickets = []
    tags = []
    for team, systems in TICKETS.items():
        for system, (count, work_type, hours, outside) in systems.items():
            for _ in range(count):
                tickets.append(
                    Ticket(
                        on=today - timedelta(days=rng.randint(1, 364)),
                        team_id=team_ids[team],
                        system_id=system_ids[system],
                        work_type=work_type,
                        duration=round(hours * rng.uniform(0.5, 1.5), 2),
                        outside_hours=rng.random() < outside,
                    )
                )
                # Some tickets carry an extra skill tag: explaining the system to the customer.
                tags.append(["explain"] if rng.random() < 0.2 else [])
    created = Ticket.objects.bulk_create(tickets, batch_size=2000)
    if created and created[0].pk is None:
        ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))[-len(created) :]
        for ticket, pk in zip(created, ids, strict=True):
            ticket.pk = pk
    TicketNeed.objects.bulk_create(
        (
            TicketNeed(ticket_id=ticket.pk, competency_id=competency_ids[key], required_level=2)
            for ticket, keys in zip(created, tags, strict=True)
            for key in keys
        ),
        batch_size=2000,
    )
    _holidays(rng, today, team_ids)


def _holidays(rng, today, team_ids):
    """Holidays of about half of each team (over Christmas when it is near), and some shorter absences."""
    christmas = datetime.date(today.year, 12, 22)
    if christmas < today:
        christmas = datetime.date(today.year + 1, 12, 22)
    # Far from Christmas, the same plan falls in the summer holidays, so the next eight weeks show it.
    if (christmas - today).days > 40:
        christmas = today + timedelta(days=17)
    members = list(
        Membership.objects.filter(
            team_id__in=[team_ids["north"], team_ids["south"], team_ids["support"]], end__isnull=True
        )
        .order_by("employee_id")
        .values_list("employee_id", flat=True)
        .distinct()
    )
    entries = []
    for index, employee_id in enumerate(members):
        if index % 2 == 0:
            start = christmas + timedelta(days=rng.randint(0, 3))
            entries.append(
                DutyEntry(
                    employee_id=employee_id,
                    kind=DutyEntry.ABSENT,
                    start=start,
                    end=start + timedelta(days=rng.randint(6, 13)),
                )
            )
        elif index % 5 == 1:
            start = today + timedelta(days=rng.randint(3, 40))
            entries.append(
                DutyEntry(
                    employee_id=employee_id,
                    kind=DutyEntry.ABSENT,
                    start=start,
                    end=start + timedelta(days=rng.randint(2, 9)),
                )
            )
    DutyEntry.objects.bulk_create(entries)
