"""Dates and numbers in the reader's language, and the language switch remembered. (That the German
catalogue is complete is tests/test_translations.py's concern.)"""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from competencies.models import AccountSettings, Assessment
from tests.factories import PASSWORD, AssessmentFactory, MeasureFactory, TeamRequirementFactory

DAY = datetime.date(2025, 11, 27)


def page_text(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.content.decode().replace("&nbsp;", " ").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("language", "long_date", "short_date"),
    # One format per language, long or short (servicelead/formats).
    [("en", "27 Nov 2025", "27 Nov 2027"), ("de", "27.11.2025", "27.11.2027")],
)
def test_dates_are_written_the_way_the_language_writes_them(client_for, org, language, long_date, short_date):
    AssessmentFactory(
        employee=org.employee,
        source=Assessment.Source.CERTIFICATE,
        level=3,
        assessed_on=DAY,
        valid_until=DAY.replace(year=2027),
    )
    dashboard = reverse("teams:dashboard", args=[org.team_a.pk]) + f"?date={DAY.isoformat()}"
    assert long_date in page_text(client_for("lead_a"), dashboard, language)
    profile = reverse("competencies:employee_detail", args=[org.employee.pk])
    assert short_date in page_text(client_for("employee"), profile, language)


@pytest.mark.parametrize(
    ("language", "cost", "hours"),
    [("en", "1,234.50 EUR", "7.5"), ("de", "1.234,50 EUR", "7,5")],
)
def test_numbers_are_written_the_way_the_language_writes_them(client_for, org, language, cost, hours):
    measure = MeasureFactory(cost=Decimal("1234.5"), duration_hours=Decimal("7.5"))
    text = page_text(
        client_for("employee"), reverse("qualification:measure_detail", args=[measure.pk]), language
    )
    assert cost in text
    assert f"{hours} " in text


@pytest.mark.parametrize(
    ("language", "separators", "date"),
    [("en", '"separators": ".,"', None), ("de", '"separators": ", "', "%d.%m.%Y")],
)
def test_charts_write_numbers_and_dates_the_way_the_language_writes_them(
    client_for, org, language, separators, date
):
    """plotly.js knows English only: the figures bring the separators and date formats of the language."""
    AssessmentFactory(employee=org.employee, level=2, assessed_on=DAY)
    TeamRequirementFactory(team=org.team_a, competency=Assessment.objects.get().competency)
    dashboard = page_text(client_for("lead_a"), reverse("teams:dashboard", args=[org.team_a.pk]), language)
    assert separators in dashboard
    profile = reverse("competencies:employee_detail", args=[org.employee.pk])
    history = page_text(client_for("employee"), profile, language)
    assert (f'"hoverformat": "{date}"' in history) == (date is not None)


def test_the_chosen_language_is_kept_for_a_year(client_for, org):
    client = client_for("employee")
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "de"
    assert int(cookie["max-age"]) >= 365 * 24 * 60 * 60
    # The browser sends it back: every page is German from now on, whatever the browser asks for.
    assert client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "de"


def sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_language_chosen_while_signed_in_follows_the_person_to_another_browser(client_for, org, client):
    client_for("employee").post(reverse("set_language"), {"language": "de", "next": "/"})
    assert AccountSettings.objects.get(user=org.users["employee"]).language == "de"
    # Another browser, which has no cookie and asks for English: signing in switches it to German.
    cookie = sign_in(client, "employee").cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, int(cookie["max-age"])) == ("de", settings.LANGUAGE_COOKIE_AGE)
    assert client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "de"
    # Switching back on either browser is kept the same way.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert AccountSettings.objects.get(user=org.users["employee"]).language == "en"


def test_without_a_choice_on_the_account_signing_in_leaves_the_browser_s_language(client, org):
    # Chosen while signed out: this browser only.
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert not AccountSettings.objects.exists()
    assert settings.LANGUAGE_COOKIE_NAME not in sign_in(client, "employee").cookies
    assert client.get(reverse("home"))["Content-Language"] == "de"


def test_a_language_the_site_does_not_offer_is_not_kept(client_for, org):
    client_for("employee").post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert not AccountSettings.objects.exists()
