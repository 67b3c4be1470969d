"""Works-council mode (#17): the annex generated from the code describes every table about people, the
switch and its parts, no ranking on the calibration page, purpose lines."""

import io

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from competencies import works_council
from competencies.models import Assessment
from qualification import annex
from tests import factories


def test_the_annex_describes_every_table_that_refers_to_a_person(db):
    """A model that gains a field referring to a person without a declaration in the privacy registry —
    and so without a place in the annex — fails here."""
    _title, sections = annex.annex_document("de")
    tables = " ".join(row[0] for row in sections[1].rows)
    missing = [label for label in annex.people_models() if f"({label})" not in tables]
    assert not missing, f"The annex does not describe: {missing}"
    assert set(annex.ACCESS) >= {label for label in annex.people_models() if label != "auth.User"} - {
        "admin.LogEntry",
        "authtoken.Token",
    }


def test_a_new_personal_field_without_a_declaration_is_not_in_the_annex(db, monkeypatch):
    # The declarations drive the annex: take one away and the annex loses the table — what the test
    # above would report for a new, undeclared field.
    from competencies import privacy

    declared = dict(privacy.privacy_coverage())
    declared.pop("operations.DutyEntry.employee")
    monkeypatch.setattr(privacy, "privacy_coverage", lambda: declared)
    _title, sections = annex.annex_document("en")
    assert "(operations.DutyEntry)" not in " ".join(row[0] for row in sections[1].rows)


@pytest.mark.parametrize(
    "language, words", [("de", "Gespeicherte Daten"), ("en", "Data stored about people")]
)
def test_the_annex_in_every_format_and_language(db, tmp_path, language, words):
    for fmt in annex.FORMATS:
        out = tmp_path / f"annex.{fmt}"
        call_command("works_agreement_annex", format=fmt, language=language, output=str(out))
        data = out.read_bytes()
        if fmt == "md":
            assert words in data.decode()
            assert "SERVICELEAD_MIN_GROUP_SIZE" in data.decode()
        elif fmt == "docx":
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
            assert words in text
        else:
            assert data.startswith(b"%PDF")


def test_the_annex_in_german_reads_german(db):
    text = annex.annex(language="de", fmt="md").decode()
    assert "Bei Anonymisierung" in text
    assert "Personalabteilung und Administration" in text
    assert "Mindestgruppengröße: 5 Personen" in text


@pytest.mark.parametrize("options", [{"language": "fr"}, {"format": "odt"}, {"format": "pdf"}])
def test_an_unknown_language_or_format_is_a_usage_error(db, options):
    with pytest.raises(CommandError):
        call_command("works_agreement_annex", **options)


def test_the_annex_page_is_for_administrators_and_downloads(client_for):
    admin = client_for("admin")
    url = reverse("qualification:works_agreement_annex")
    assert admin.get(url).status_code == 200
    response = admin.get(url + "?format=pdf&language=de")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert admin.get(url + "?format=pdf&language=fr").status_code == 400
    assert client_for("hr").get(url).status_code == 403


# The switch and its parts --------------------------------------------------------------------------------


@override_settings(SERVICELEAD_WORKS_COUNCIL_MODE=True, SERVICELEAD_WC_NO_RANKING=False)
def test_each_part_can_be_set_on_its_own():
    assert works_council.enabled("purpose_lines")
    assert not works_council.enabled("no_ranking")
    with pytest.raises(ValueError):
        works_council.enabled("unknown")


def test_production_settings_turn_the_mode_on_for_a_german_catalogue(monkeypatch):
    import importlib

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org")
    monkeypatch.delenv("SERVICELEAD_WORKS_COUNCIL_MODE", raising=False)
    for language, expected in (("de", True), ("en", False)):
        monkeypatch.setenv("SERVICELEAD_CATALOGUE_LANGUAGE", language)
        import servicelead.settings.base as base
        import servicelead.settings.production as production

        importlib.reload(base)
        assert importlib.reload(production).SERVICELEAD_WORKS_COUNCIL_MODE is expected
    monkeypatch.delenv("SERVICELEAD_CATALOGUE_LANGUAGE")
    importlib.reload(base)


@pytest.fixture
def calibration(org):
    """Erika rates herself 2 above her confirmed level, Carl 1 below."""
    topic = factories.CompetencyFactory(name="Heat pump diagnostics")
    for person, confirmed, own in ((org.employee, 1, 3), (org.colleague, 3, 2)):
        factories.AssessmentFactory(employee=person, competency=topic, level=confirmed)
        factories.AssessmentFactory(
            employee=person, competency=topic, level=own, source=Assessment.Source.SELF
        )
    return org


def calibration_page(client_for, org):
    return (
        client_for("lead_a").get(reverse("teams:review_calibration", args=[org.team_a.pk])).content.decode()
    )


def test_without_the_mode_the_calibration_page_shows_a_tendency_per_person(client_for, calibration):
    content = calibration_page(client_for, calibration)
    assert "Tendency per person" in content and "data-team-tendency" not in content


@override_settings(SERVICELEAD_WORKS_COUNCIL_MODE=True)
def test_in_works_council_mode_the_largest_differences_are_shown_by_name(calibration):
    """With more differences than the page shows, it shows the largest ones (the topics), listed by name —
    not the first ones in the alphabet."""
    from teams.review.selectors import team_calibration

    org = calibration
    found = team_calibration(team=org.team_a, members=[org.employee, org.colleague], limit=1)
    assert [(pair["employee"], pair["difference"]) for pair in found["pairs"]] == [(org.employee, 2)]
    assert found["total"] == 2


@override_settings(SERVICELEAD_WORKS_COUNCIL_MODE=True)
def test_in_works_council_mode_the_calibration_page_ranks_no_one(client_for, calibration):
    content = calibration_page(client_for, calibration)
    assert "Tendency of the team" in content and "Tendency per person" not in content
    # +2 and −1 over two comparisons: +0.5 for the team.
    assert "▲ +0.5" in content
    # The pairs are listed by name (Carl before Erika), not by the size of the difference (Erika's +2).
    assert content.index("Carl Colleague") < content.index("Erika Employee")


@override_settings(SERVICELEAD_WORKS_COUNCIL_MODE=True)
def test_pages_with_individual_levels_state_their_purpose(client_for, org):
    content = client_for("lead_a").get(reverse("teams:dashboard", args=[org.team_a.pk])).content.decode()
    assert "data-purpose" in content and "not an assessment of anyone" in content


def test_without_the_mode_there_is_no_purpose_line(client_for, org):
    content = client_for("lead_a").get(reverse("teams:dashboard", args=[org.team_a.pk])).content.decode()
    assert "data-purpose" not in content


def test_the_annex_names_the_sign_in_that_is_configured(db, settings):
    assert "not set up" in annex.annex(language="en", fmt="md").decode()
    settings.SERVICELEAD_OIDC_CLIENT_ID = "servicelead"
    settings.SERVICELEAD_OIDC_NAME = "Entra ID"
    assert "Sign-in through OpenID Connect (Entra ID)" in annex.annex(language="en", fmt="md").decode()
