"""Catalogue texts through the API: ``name`` in the request's language, every language in
``translations``; a translation that does not fit its field is a 400 naming it."""

import pytest
from django.urls import reverse

from competencies.models import Category, Competency, ScaleLevel
from qualification.models import Measure
from teams.models import Team


def list_url(resource):
    return reverse(f"api:{resource}_list")


def detail_url(resource, pk):
    return reverse(f"api:{resource}_detail", kwargs={"pk": pk})


@pytest.fixture
def bilingual(catalogue):
    competency = catalogue.competency
    competency.name_de, competency.name_en = "Wärmepumpen-Diagnose", "Heat pump diagnostics"
    competency.description_de, competency.description_en = "Findet Fehler.", "Finds faults."
    competency.save()
    return catalogue


@pytest.mark.parametrize(
    ("language", "name"), [("de", "Wärmepumpen-Diagnose"), ("en", "Heat pump diagnostics")]
)
def test_name_is_in_the_request_language_and_translations_hold_all(api_for, bilingual, language, name):
    response = api_for("employee").get(
        detail_url("competency", bilingual.competency.pk), headers={"accept-language": language}
    )

    body = response.json()
    assert body["name"] == name
    assert body["translations"] == {
        "de": {"name": "Wärmepumpen-Diagnose", "description": "Findet Fehler."},
        "en": {"name": "Heat pump diagnostics", "description": "Finds faults."},
    }


def test_missing_translation_falls_back_to_the_catalogue_language(api_for, bilingual):
    competency = bilingual.competency
    competency.name_en = ""
    competency.save()

    response = api_for("employee").get(
        detail_url("competency", competency.pk), headers={"accept-language": "en"}
    )

    assert response.json()["name"] == "Wärmepumpen-Diagnose"
    assert response.json()["translations"]["en"]["name"] == ""


def test_hr_writes_every_language_at_once(api_for, catalogue):
    payload = {
        "category": catalogue.category.pk,
        "scale": catalogue.scale.pk,
        "translations": {
            "de": {"name": "Eskalation"},
            "en": {"name": "Escalation", "description": "Hands on."},
        },
    }

    response = api_for("hr").post(
        list_url("competency"), payload, format="json", headers={"accept-language": "en"}
    )

    assert response.status_code == 201, response.json()
    created = Competency.objects.get(pk=response.json()["id"])
    assert (created.name_de, created.name_en, created.description_en) == (
        "Eskalation",
        "Escalation",
        "Hands on.",
    )
    assert response.json()["name"] == "Escalation"


def test_name_writes_the_request_language_only(api_for, bilingual):
    competency = bilingual.competency

    response = api_for("hr").patch(
        detail_url("competency", competency.pk), {"name": "Diagnose an Wärmepumpen"}, format="json",
        headers={"accept-language": "de"},
    )  # fmt: skip

    assert response.status_code == 200, response.json()
    competency.refresh_from_db()
    assert (competency.name_de, competency.name_en) == ("Diagnose an Wärmepumpen", "Heat pump diagnostics")


def test_scale_levels_and_measures_and_teams_take_translations(api_for, catalogue, org):
    hr = api_for("hr")
    levels = [
        {"value": v, "translations": {"de": {"label": f"Stufe {v}"}, "en": {"label": f"Level {v}"}}}
        for v in range(3)
    ]
    scale = hr.post(list_url("scale"), {"name": "Drei", "levels": levels}, format="json")
    assert scale.status_code == 201, scale.json()
    assert ScaleLevel.objects.get(scale_id=scale.json()["id"], value=2).label_de == "Stufe 2"

    measure = hr.patch(
        detail_url("measure", catalogue.measure.pk),
        {"translations": {"de": {"title": "Wärmepumpen-Grundlagen", "provider": "Akademie"}}},
        format="json",
    )
    assert measure.status_code == 200, measure.json()
    assert Measure.objects.get(pk=catalogue.measure.pk).provider_de == "Akademie"

    team = org.team_a
    answer = api_for("admin").patch(
        detail_url("team", team.pk), {"translations": {"en": {"description": "Field work."}}}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert Team.objects.get(pk=team.pk).description_en == "Field work."


@pytest.mark.parametrize(
    ("translations", "error"),
    [
        (
            {"de": {"name": "x" * 151}},
            {"de": {"name": ["Ensure this field has no more than 150 characters."]}},
        ),
        ({"fr": {"name": "Escalade"}}, {"fr": ["Unknown language; use one of: de, en."]}),
        ({"de": {"colour": "rot"}}, {"de": {"colour": ["Unknown field."]}}),
        ({"de": {"name": 3}}, {"de": {"name": ["Not a valid string."]}}),
        ({"de": "Eskalation"}, {"de": ['Expected an object of texts, such as {"name": "…"}.']}),
    ],
    ids=["too-long", "language", "field", "type", "shape"],
)
def test_bad_translation_is_a_400_naming_the_field(api_for, bilingual, translations, error):
    response = api_for("hr").patch(
        detail_url("competency", bilingual.competency.pk), {"translations": translations}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"translations": error}
    assert Competency.objects.get(pk=bilingual.competency.pk).name_de == "Wärmepumpen-Diagnose"


def test_a_translation_taken_by_another_category_is_a_400(api_for, catalogue):
    Category.objects.create(name_de="Methoden", name_en="Methods", family="methods")

    response = api_for("hr").patch(
        detail_url("category", catalogue.category.pk),
        {"translations": {"de": {"name": "Methoden"}}},
        format="json",
    )

    assert response.status_code == 400
    assert "name" in response.json()["translations"]["de"]
