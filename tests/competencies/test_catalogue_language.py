"""Catalogue texts in the reader's language, falling back to the catalogue's language, visibly marked."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from competencies.i18n import localized
from competencies.models import Assessment, Competency
from tests import factories

MIGRATION = "0010_catalogue_translations_assessment_scale"


@pytest.fixture
def only_german(db):
    """A competency whose texts exist in German only."""
    return factories.CompetencyFactory(name_de="Abgasmessung", name_en="", description_de="Misst Abgas.")


def render(competency, field="name"):
    return Template('{% load catalogue %}{{ competency|tr:"' + field + '" }}').render(
        Context({"competency": competency})
    )


def test_text_in_the_readers_language_is_shown_plain(only_german):
    with translation.override("de"):
        assert render(only_german) == "Abgasmessung"


def test_missing_text_falls_back_to_the_catalogue_language_and_is_marked(only_german):
    with translation.override("en"):
        html = render(only_german)

    assert html.startswith('<span lang="de">Abgasmessung</span> <abbr class="badge sl-badge-fallback"')
    assert ">DE</abbr>" in html


@override_settings(SERVICELEAD_CATALOGUE_LANGUAGE="en")
def test_the_catalogue_language_is_a_setting(db):
    competency = factories.CompetencyFactory(name_de="", name_en="Flue gas measurement")
    with translation.override("de"):
        assert render(competency).startswith('<span lang="en">Flue gas measurement</span>')


def test_values_list_through_a_relation_reads_the_readers_language_with_fallback(only_german):
    english = factories.CompetencyFactory(name_de="Deeskalation", name_en="De-escalation")
    factories.AssessmentFactory(competency=only_german)
    factories.AssessmentFactory(competency=english)
    rows = Assessment.objects.order_by("competency_id").values_list

    with translation.override("en"):
        assert list(rows(localized("competency__name"), flat=True)) == ["Abgasmessung", "De-escalation"]
    with translation.override("de"):
        assert list(rows(localized("competency__name"), flat=True)) == ["Abgasmessung", "Deeskalation"]


def test_self_assessment_marks_an_untranslated_competency(client, org, only_german):
    factories.AssessmentFactory(employee=org.employee, competency=only_german, source="self", level=1)
    client.force_login(org.employee.user)

    page = client.get(
        reverse("competencies:self_assessment"), headers={"accept-language": "en"}
    ).content.decode()

    assert '<span lang="de">Abgasmessung</span>' in page
    assert '<span lang="de">Misst Abgas.</span>' in page


def test_migration_copies_existing_texts_into_the_catalogue_language(db):
    migration = importlib.import_module(f"competencies.migrations.{MIGRATION}")
    competency = factories.CompetencyFactory(name_de="", name_en="")
    # What a row looked like before translations: its text in the plain column only.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE competencies_competency SET name = %s, name_de = NULL, name_en = NULL WHERE id = %s",
            ["Hydraulischer Abgleich", competency.pk],
        )

    state = MigrationLoader(connection).project_state(("competencies", MIGRATION))
    migration.copy_into_catalogue_language(state.apps, None)

    competency = Competency.objects.get(pk=competency.pk)
    assert (competency.name_de, competency.name_en) == ("Hydraulischer Abgleich", None)
    with translation.override("en"):
        assert competency.name == "Hydraulischer Abgleich"


def test_tr_passes_records_and_plain_texts_through(only_german):
    with translation.override("en"):
        assert render({"id": 1, "name": "Abgasmessung"}) == "Abgasmessung"
        assert render("Abgasmessung") == "Abgasmessung"


def test_profile_marks_an_untranslated_competency(client, org, only_german):
    factories.AssessmentFactory(employee=org.employee, competency=only_german, level=2)
    client.force_login(org.employee.user)

    page = client.get(
        reverse("competencies:employee_detail", args=[org.employee.pk]), headers={"accept-language": "en"}
    )

    assert (
        '<span lang="de">Abgasmessung</span> <abbr class="badge sl-badge-fallback"' in page.content.decode()
    )
