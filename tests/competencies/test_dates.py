"""Dates in and out are exactly YYYY-MM-DD everywhere (SPEC): pages, API and CLI refuse anything else."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from competencies.dates import parse_iso_date

# Each of these is a date to datetime.date.fromisoformat, strptime("%Y-%m-%d") or a form's DateField.
NOT_ISO = ["20260930", "2026-W40-3", "2026-9-30", " 2026-09-30", "2026-09-30T00:00", "2026-09-30 "]
MALFORMED = [*NOT_ISO, "2026-02-30", "30.09.2026", "", "2026-09-30\n", "٢٠٢٦-٠٩-٣٠", None, 20260930]


def test_parse_iso_date_reads_exactly_yyyy_mm_dd():
    assert parse_iso_date("2026-09-30") == datetime.date(2026, 9, 30)


@pytest.mark.parametrize("text", MALFORMED)
def test_parse_iso_date_refuses_everything_else(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_iso_date(text)


@pytest.fixture
def api_for(org):
    def build(role):
        client = APIClient()
        client.force_login(org.users[role])
        return client

    return build


# API -----------------------------------------------------------------------------------------------------


def gap_analysis_url(team):
    return reverse("api:team_gap_analysis", kwargs={"team_id": team.pk})


@pytest.mark.parametrize("text", NOT_ISO)
def test_api_gap_analysis_refuses_a_date_not_written_yyyy_mm_dd(api_for, org, text):
    response = api_for("hr").get(gap_analysis_url(org.team_a), {"date": text})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in str(response.json()["date"])


def test_api_gap_analysis_accepts_yyyy_mm_dd(api_for, org):
    response = api_for("hr").get(gap_analysis_url(org.team_a), {"date": "2026-09-30"})
    assert response.status_code == 200
    assert response.json()["date"] == "2026-09-30"


@pytest.mark.parametrize("text", NOT_ISO)
def test_api_writes_refuse_a_date_not_written_yyyy_mm_dd(api_for, org, text):
    url = reverse("api:employee_detail", kwargs={"pk": org.colleague.pk})
    response = api_for("hr").patch(url, {"is_active": False, "left_on": text}, format="json")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in str(response.json()["left_on"])
    org.colleague.refresh_from_db()
    assert org.colleague.left_on is None


def test_api_writes_refuse_a_date_given_as_a_number(api_for, org):
    url = reverse("api:employee_detail", kwargs={"pk": org.colleague.pk})
    response = api_for("hr").patch(url, {"is_active": False, "left_on": 20260930}, format="json")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in str(response.json()["left_on"])


def test_api_writes_accept_yyyy_mm_dd(api_for, org):
    url = reverse("api:employee_detail", kwargs={"pk": org.colleague.pk})
    response = api_for("hr").patch(url, {"is_active": False, "left_on": "2026-09-30"}, format="json")
    assert response.status_code == 200
    assert response.json()["left_on"] == "2026-09-30"


@pytest.mark.parametrize(
    ("url_name", "param"),
    [("api:membership_list", "active_on"), ("api:assessment_list", "assessed_on_after")],
)
@pytest.mark.parametrize("text", NOT_ISO)
def test_api_filters_refuse_a_date_not_written_yyyy_mm_dd(api_for, org, url_name, param, text):
    response = api_for("hr").get(reverse(url_name), {param: text})
    assert response.status_code == 400
    assert param.removesuffix("_after") in response.json()


@pytest.mark.parametrize(
    ("url_name", "param"),
    [("api:membership_list", "active_on"), ("api:assessment_list", "assessed_on_after")],
)
def test_api_filters_accept_yyyy_mm_dd(api_for, org, url_name, param):
    assert api_for("hr").get(reverse(url_name), {param: "2026-09-30"}).status_code == 200


# CLI -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", NOT_ISO)
def test_gap_report_refuses_a_date_not_written_yyyy_mm_dd(org, text):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("gap_report", "--team", str(org.team_a.pk), "--date", text, stdout=StringIO())


def test_gap_report_accepts_yyyy_mm_dd(org):
    out = StringIO()
    call_command("gap_report", "--team", str(org.team_a.pk), "--date", "2026-09-30", stdout=out)
    assert '"date": "2026-09-30"' in out.getvalue()


@pytest.mark.parametrize("text", NOT_ISO)
def test_export_matrix_refuses_a_date_not_written_yyyy_mm_dd(org, tmp_path, text):
    output = tmp_path / "matrix.csv"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "export_matrix",
            "--all",
            "--format",
            "csv",
            "--date",
            text,
            "--output",
            str(output),
            stdout=StringIO(),
        )
    assert not output.exists()


# Pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", NOT_ISO)
def test_dashboard_refuses_a_date_not_written_yyyy_mm_dd(client_for, org, text):
    response = client_for("hr").get(
        reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk}), {"date": text}
    )
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_dashboard_accepts_yyyy_mm_dd(client_for, org):
    response = client_for("hr").get(
        reverse("teams:dashboard", kwargs={"team_id": org.team_a.pk}), {"date": "2026-09-30"}
    )
    assert response.status_code == 200
