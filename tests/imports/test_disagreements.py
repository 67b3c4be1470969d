"""A personnel number whose name or team in the file disagrees with the stored person: the preview warns,
and nothing is written until the importing user confirms that the levels belong to the stored person."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competencies.imports import import_file
from competencies.imports import jobs as import_jobs
from competencies.models import Assessment, Employee
from tests import factories

from .support import plan_for, write_csv

UPLOAD = reverse("imports:upload")
COMMIT = reverse("imports:commit")


@pytest.fixture
def teams(db, staff):
    north = factories.TeamFactory(name="Service Nord")
    south = factories.TeamFactory(name="Service Süd")
    factories.MembershipFactory(employee=staff.erika, team=north)
    factories.MembershipFactory(employee=staff.carl, team=north)
    factories.MembershipFactory(employee=staff.carl, team=south)
    return north, south


def wide(tmp_path, *rows, name="matrix.csv"):
    header = ["personnel_no", "name", "team", "Heat pump diagnostics"]
    return write_csv(tmp_path / name, [header, *rows])


def warnings_of(plan):
    return [(warning.row, warning.column_letter, warning.code, warning.value) for warning in plan.warnings]


def test_a_name_other_than_the_stored_one_is_a_warning_not_a_silent_write(tmp_path, catalogue, staff, teams):
    path = wide(
        tmp_path,
        ["P-0001", "Erika Mueller-Schmidt", "Service Nord", "3"],
        ["P-0002", "carl  colleague", "Service Nord, Service Süd", "2"],
    )
    plan = plan_for(path)
    assert plan.is_valid
    # Case and spacing are not a disagreement; a different name is.
    assert warnings_of(plan) == [(2, "B", "name_differs", "Erika Mueller-Schmidt")]
    assert "Erika Müller" in plan.warnings[0].message
    assert plan.summary()["warnings"] == 1


def test_a_team_the_person_is_not_in_is_a_warning(tmp_path, catalogue, staff, teams):
    path = wide(
        tmp_path,
        ["P-0001", "Erika Müller", "Service Süd", "3"],
        ["P-0002", "Carl Colleague", "service süd", "2"],  # one of Carl's two teams
        ["P-0003", "Bea Member", "Nowhere Team", "1"],  # Bea is in no team at all
    )
    plan = plan_for(path)
    assert warnings_of(plan) == [
        (2, "C", "team_differs", "Service Süd"),
        (4, "C", "team_none", "Nowhere Team"),
    ]
    assert "Service Nord" in plan.warnings[0].message
    assert plan.warnings[1].code == "team_none"


def test_new_people_and_empty_cells_raise_no_warning(tmp_path, catalogue, staff, teams):
    path = wide(tmp_path, ["P-0001", "", "", "3"], ["N-1", "Nina New", "Service Nord", "2"])
    plan = plan_for(path, create_missing=True)
    assert plan.is_valid and plan.warnings == ()


def test_the_commit_writes_nothing_until_the_differences_are_confirmed(tmp_path, catalogue, staff, teams):
    path = wide(tmp_path, ["P-0001", "Somebody Else", "Service Nord", "3"])
    with path.open("rb") as file_obj:
        plan, written = import_file(file_obj=file_obj, filename=path.name)
    assert written is None and plan.warnings
    assert Assessment.objects.count() == 0
    with path.open("rb") as file_obj:
        plan, written = import_file(file_obj=file_obj, filename=path.name, confirm_differences=True)
    assert written["assessments"] == 1
    # The stored person keeps their name: the file's levels are recorded for them.
    assert Employee.objects.get(personnel_no="P-0001").name == "Erika Müller"
    assert Assessment.objects.get().employee == staff.erika


@pytest.fixture
def hr(client_for, tmp_path, settings, catalogue, staff, teams):
    settings.MEDIA_ROOT = tmp_path / "media"
    return client_for("hr")


def upload(tmp_path, *rows):
    path = wide(tmp_path, *rows, name="upload.csv")
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")


def test_the_preview_shows_the_differences_and_the_commit_requires_the_confirmation(hr, tmp_path):
    response = hr.post(UPLOAD, {"file": upload(tmp_path, ["P-0001", "Somebody Else", "Service Nord", "3"])})
    page = response.content.decode()
    assert response.context["warnings"][0]["code"] == "name_differs"
    assert "Somebody Else" in page and "Erika Müller" in page
    assert 'name="confirm_differences"' in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)

    refused = hr.post(COMMIT, {"token": token})
    assert refused.status_code == 200
    assert "Confirm that the levels belong to the people as stored" in refused.content.decode()
    assert Assessment.objects.count() == 0

    committed = hr.post(COMMIT, {"token": token, "confirm_differences": "on"})
    assert committed.status_code == 302
    assert Assessment.objects.get().employee.personnel_no == "P-0001"


def test_a_large_file_needs_the_confirmation_too(hr, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.SERVICELEAD_IMPORT_SYNC_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(UPLOAD, {"file": upload(tmp_path, ["P-0001", "Somebody Else", "", "3"])})
    page = hr.get(response["Location"])
    assert page.context["summary"]["warnings"] == 1
    assert page.context["warnings"][0]["code"] == "name_differs"
    token = page.context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        refused = hr.post(COMMIT, {"token": token}, follow=True)
    assert refused.redirect_chain[-1][0] == response["Location"]  # back to the preview
    assert "Confirm that the levels belong to the people as stored" in refused.content.decode()
    assert Assessment.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(COMMIT, {"token": token, "confirm_differences": "on"})
    assert Assessment.objects.count() == 1
    assert not any(import_jobs.upload_directory().iterdir())


def test_the_command_refuses_without_accept_differences(tmp_path, catalogue, staff, teams):
    from django.core.management import CommandError, call_command

    path = wide(tmp_path, ["P-0001", "Somebody Else", "Service Nord", "3"])
    with pytest.raises(CommandError, match="--accept-differences"):
        call_command("import_assessments", str(path))
    assert Assessment.objects.count() == 0
    call_command("import_assessments", str(path), "--accept-differences")
    assert Assessment.objects.count() == 1
