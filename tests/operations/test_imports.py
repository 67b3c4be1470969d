"""Importing systems, installed base and tickets: validate everything first, nothing written on a problem."""

import io

import pytest

from operations import imports
from operations.models import InstalledBase, System, SystemNeed, Ticket, TicketNeed
from tests.factories import CompetencyFactory, TeamFactory


def upload(text):
    return io.BytesIO(text.encode("utf-8"))


@pytest.fixture
def catalogue(db):
    return {
        "heat": CompetencyFactory(name="Heat pump diagnostics"),
        "refrigerant": CompetencyFactory(name="Refrigerant handling"),
        "team": TeamFactory(name="Field Service North"),
    }


SYSTEMS = (
    "name;manufacturer;generation;launch_date;end_of_life;parent;needs\n"
    "Heat pumps;;;;;;Heat pump diagnostics:2\n"
    "AquaHeat 9;Vaillant;G3;2022-01-01;2030-12-31;Heat pumps;Refrigerant handling:3\n"
)


def test_systems_are_created_with_needs_and_parent(catalogue):
    report = imports.import_systems(upload(SYSTEMS), "systems.csv")
    assert report.created == 2
    aqua = System.objects.get(name="AquaHeat 9")
    assert aqua.parent.name == "Heat pumps"
    assert list(SystemNeed.objects.filter(system=aqua).values_list("competency__name", "required_level")) == [
        ("Refrigerant handling", 3)
    ]


def test_system_import_rejects_unknown_competency_with_closest_match_and_writes_nothing(catalogue):
    bad = SYSTEMS.replace("Refrigerant handling:3", "Refrigerant handlin:3")
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_systems(upload(bad), "systems.csv")
    problem = rejected.value.problems[0]
    assert (problem.row, problem.column, problem.suggestions) == (3, "needs", ["Refrigerant handling"])
    assert not System.objects.exists()


def test_system_import_rejects_end_of_life_before_launch_and_parent_loops(catalogue):
    bad = "Name;Hersteller;Markteinführung;Lebensende;Übergeordnet\nA;X;2025-01-01;2024-01-01;B\nB;X;;;A\n"
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_systems(upload(bad), "systeme.csv")
    messages = " ".join(p.message for p in rejected.value.problems)
    assert "before the launch" in messages
    assert "loop" in messages
    assert not System.objects.exists()


def test_installed_base_reports_unknown_system_with_closest_and_bad_dates(catalogue):
    imports.import_systems(upload(SYSTEMS), "systems.csv")
    bad = (
        "team,system,date,units\n"
        "Field Service North,AquaHeat 8,2026-01-01,1800\n"
        "Field Service North,AquaHeat 9,01.01.2026,5\n"
    )
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_installed_base(upload(bad), "base.csv")
    first, second = rejected.value.problems
    assert first.suggestions == ["AquaHeat 9"]
    assert second.column == "date"
    assert not InstalledBase.objects.exists()


def test_installed_base_is_recorded(catalogue):
    imports.import_systems(upload(SYSTEMS), "systems.csv")
    good = "team,system,date,units\nField Service North,AquaHeat 9,2026-01-01,1800\n"
    assert imports.import_installed_base(upload(good), "base.csv").created == 1
    assert InstalledBase.objects.get().units == 1800


TICKETS = (
    "date;team;system;work_type;skills;duration;outside_hours\n"
    "2026-05-01;Field Service North;AquaHeat 9;repair;Heat pump diagnostics;2,5;no\n"
    "2026-05-02;Field Service North;AquaHeat 9;maintenance;Refrigerant handling;1;ja\n"
)


def test_tickets_take_the_system_level_for_untagged_skills(catalogue):
    imports.import_systems(upload(SYSTEMS), "systems.csv")
    assert imports.import_tickets(upload(TICKETS), "tickets.csv").created == 2
    assert sorted(TicketNeed.objects.values_list("competency__name", "required_level")) == [
        ("Heat pump diagnostics", 1),
        ("Refrigerant handling", 3),
    ]
    assert Ticket.objects.filter(outside_hours=True).count() == 1


def test_tickets_with_unknown_system_or_skill_are_reported_and_nothing_is_written(catalogue):
    imports.import_systems(upload(SYSTEMS), "systems.csv")
    bad = TICKETS.replace("AquaHeat 9;maintenance", "AquaHeat9;maintenance").replace(
        "Heat pump diagnostics;2,5", "Heatpump diagnostic;2,5"
    )
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_tickets(upload(bad), "tickets.csv")
    found = {(p.row, p.column): p.suggestions for p in rejected.value.problems}
    assert found == {(2, "skills"): ["Heat pump diagnostics"], (3, "system"): ["AquaHeat 9"]}
    assert not Ticket.objects.exists()


def test_ticket_file_without_a_needed_column_is_refused(catalogue):
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_tickets(upload("date;team;system\n2026-01-01;Field Service North;\n"), "t.csv")
    assert "duration" in rejected.value.problems[0].message


def test_ticket_ids_continue_after_an_import_so_the_orm_can_add_more(catalogue):
    imports.import_systems(upload(SYSTEMS), "systems.csv")
    imports.import_tickets(upload(TICKETS), "tickets.csv")
    imports.import_tickets(upload(TICKETS), "tickets.csv")
    later = Ticket.objects.create(on="2026-06-01", team=catalogue["team"], duration=1.0)
    assert later.pk > max(Ticket.objects.exclude(pk=later.pk).values_list("pk", flat=True))
    assert TicketNeed.objects.count() == 4
