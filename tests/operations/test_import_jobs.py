"""The operations import runs as a job (the page stores the upload, the job checks and writes it) and as
``manage.py import_operations``; regions stand for their team in the installed base and the tickets."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from jobs.models import Job
from operations import import_jobs, imports
from operations.models import InstalledBase, Region, Ticket
from tests.factories import CompetencyFactory, TeamFactory
from tests.operations.test_imports import SYSTEMS, TICKETS, catalogue, upload  # noqa: F401 (fixture)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def systems(catalogue):  # noqa: F811
    imports.import_systems(upload(SYSTEMS), "systems.csv")
    return catalogue


@pytest.fixture
def org_systems(org):
    """The systems of SYSTEMS, for the ``org`` whose team A is Field Service North."""
    CompetencyFactory(name="Heat pump diagnostics")
    CompetencyFactory(name="Refrigerant handling")
    imports.import_systems(upload(SYSTEMS), "systems.csv")
    return org


def post(client, kind, name, data, capture):
    with capture(execute=True):
        return client.post(
            reverse("operations:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)}
        )


def test_the_page_hands_the_file_to_a_job_that_reports_problems_and_writes_nothing(
    client_for, org_systems, media, django_capture_on_commit_callbacks
):
    client = client_for("hr")
    response = post(
        client,
        "installed",
        "base.csv",
        b"team;system;date;units\nField Service North;AquaHeat9;2026-01-01;5\n",
        django_capture_on_commit_callbacks,
    )
    job = Job.objects.get(kind=import_jobs.KIND)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["rejected"] is True
    assert job.result["problems"][0]["suggestions"] == ["AquaHeat 9"]
    assert not InstalledBase.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "data-problems" in page and "AquaHeat 9" in page and "nothing was written" in page
    # The job ran to its end, but what it says is that the file was refused (not "Succeeded").
    assert "data-job-rejected" in page and ">Succeeded<" not in page
    # The upload is gone once its job has read it.
    assert list((media / import_jobs.DIRECTORY).iterdir()) == []


def test_a_ticket_file_is_written_by_the_job_with_its_progress(
    client_for, org_systems, media, django_capture_on_commit_callbacks
):
    post(client_for("admin"), "tickets", "tickets.csv", TICKETS.encode(), django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=import_jobs.KIND)
    assert job.status == Job.Status.SUCCEEDED and job.result["created"] == 2
    assert Ticket.objects.count() == 2


def test_the_handler_called_directly(db, media, systems):
    path = import_jobs.upload_save(file_obj=io.BytesIO(TICKETS.encode()), filename="export.csv")
    job = Job(kind=import_jobs.KIND, parameters={"kind": "tickets", "path": path, "filename": "export.csv"})
    seen = []
    result = import_jobs.run_import(job, lambda percent, message="": seen.append((percent, message)))
    assert result["rejected"] is False and result["rows"] == 2 and result["created"] == 2
    assert seen == [(100.0, "2 of 2 tickets written")]
    assert not (media / path).exists()
    # Run again (a retried job): the file is gone, said so, and nothing is written twice.
    again = import_jobs.run_import(job, lambda *args: None)
    assert again["rejected"] and "no longer there" in again["problems"][0]["message"]
    assert Ticket.objects.count() == 2


def test_a_job_reads_only_its_own_upload_directory(db, media):
    with pytest.raises(import_jobs.UploadRefused):
        import_jobs.import_job_create(kind="tickets", path="../secrets.csv", filename="x.csv")


@pytest.mark.parametrize(
    ("name", "data", "limit", "message"),
    [
        ("plan.pdf", b"%PDF", 10_000, "Use a .csv, .xlsx"),
        ("tickets.csv", b"x" * 5000, 1000, "larger than"),
    ],
)
def test_a_wrong_or_too_large_upload_is_refused_on_the_page_and_not_kept(
    client_for, org, media, settings, name, data, limit, message
):
    settings.SERVICELEAD_OPERATIONS_IMPORT_MAX_BYTES = limit
    response = client_for("hr").post(
        reverse("operations:import"), {"kind": "tickets", "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Job.objects.exists()
    directory = media / import_jobs.DIRECTORY
    assert not directory.exists() or list(directory.iterdir()) == []


def test_the_command_checks_everything_and_writes_nothing_on_a_problem(systems, tmp_path):
    bad = tmp_path / "tickets.csv"
    bad.write_text(TICKETS.replace("AquaHeat 9;maintenance", "AquaHeat9;maintenance"))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problems; nothing was written"):
        call_command("import_operations", "tickets", str(bad), stderr=errors)
    assert "AquaHeat9" in errors.getvalue() and "did you mean: AquaHeat 9" in errors.getvalue()
    assert not Ticket.objects.exists()


def test_the_command_dry_run_counts_and_keeps_nothing_then_imports(systems, tmp_path):
    good = tmp_path / "tickets.csv"
    good.write_text(TICKETS)
    out = io.StringIO()
    call_command("import_operations", "tickets", str(good), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "2 rows: 2 new" in out.getvalue() and "nothing was written" in out.getvalue()
    assert not Ticket.objects.exists()
    call_command("import_operations", "tickets", str(good), stdout=io.StringIO(), stderr=io.StringIO())
    assert Ticket.objects.count() == 2


def test_the_command_names_a_missing_file(db):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_operations", "tickets", str(Path("/nonexistent/tickets.csv")))


def test_a_region_stands_for_its_team_in_tickets_and_installed_base(systems):
    team = systems["team"]
    report = imports.import_regions(upload("region;team\nPLZ 20-22;Field Service North\n"), "regions.csv")
    assert report.created == 1 and Region.objects.get().team == team
    assert (
        imports.import_tickets(upload(TICKETS.replace("Field Service North", "plz 20-22")), "t.csv").created
        == 2
    )
    assert set(Ticket.objects.values_list("team", flat=True)) == {team.pk}
    base = "team;system;date;units\nPLZ 20-22;AquaHeat 9;2026-01-01;40\n"
    assert imports.import_installed_base(upload(base), "base.csv").created == 1
    assert InstalledBase.objects.get().team == team
    # An unknown region is reported with the closest team or region names; nothing is written.
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_tickets(upload(TICKETS.replace("Field Service North", "PLZ 20-2")), "t.csv")
    assert rejected.value.problems[0].suggestions[0] == "PLZ 20-22"
    assert Ticket.objects.count() == 2


def test_a_region_file_is_checked_whole(systems):
    TeamFactory(name="Field Service South")
    bad = (
        "region;team\n"
        "Field Service South;Field Service North\n"
        "Hamburg;Feld Service North\n"
        "Hamburg;Field Service North\n"
    )
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_regions(upload(bad), "regions.csv")
    found = {(p.row, p.column): p.message for p in rejected.value.problems}
    assert "is the name of another team" in found[(2, "region")]
    assert "Unknown team" in found[(3, "team")]
    assert "Named twice" in found[(4, "region")]
    assert not Region.objects.exists()
    # Moving a region to another team is an update.
    imports.import_regions(upload("region;team\nHamburg;Field Service North\n"), "r.csv")
    report = imports.import_regions(upload("Gebiet;Team\nHamburg;Field Service South\n"), "r.csv")
    assert (report.created, report.updated) == (0, 1)
    assert Region.objects.get().team.name == "Field Service South"


def test_the_systems_catalogue_lists_the_regions_of_each_team(client_for, org):
    Region.objects.create(name="PLZ 20-22", team=org.team_a)
    Region.objects.create(name="Hamburg-Nord", team=org.team_a)
    text = client_for("employee").get(reverse("operations:system_list")).content.decode()
    assert "Hamburg-Nord, PLZ 20-22" in text
