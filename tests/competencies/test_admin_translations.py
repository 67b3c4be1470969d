"""The admin edits every language of a catalogue text side by side."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def admin_client_(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "route", "fields"),
    [
        (factories.CompetencyFactory, "competencies_competency", ["name", "description"]),
        (factories.CategoryFactory, "competencies_category", ["name", "description"]),
        (factories.RoleProfileFactory, "competencies_roleprofile", ["name", "description"]),
        (
            factories.ScaleFactory,
            "competencies_scale",
            ["name", "description", "levels-0-label", "levels-0-descriptor"],
        ),
        (factories.MeasureFactory, "qualification_measure", ["title", "provider", "description"]),
        (factories.TeamFactory, "teams_team", ["description"]),
    ],
)
def test_admin_change_page_has_a_field_per_language(admin_client_, factory, route, fields):
    entry = factory()

    page = admin_client_.get(reverse(f"admin:{route}_change", args=[entry.pk])).content.decode()

    for field in fields:
        for language in ("de", "en"):
            assert f'name="{field}_{language}"' in page, (field, language)


@pytest.mark.django_db
def test_admin_saves_both_languages(admin_client_):
    category = factories.CategoryFactory(name="Methods")
    data = {
        "name_de": "Methoden",
        "name_en": "Methods & organisation",
        "description_de": "",
        "description_en": "",
        "family": "methods",
        "position": 3,
    }

    response = admin_client_.post(reverse("admin:competencies_category_change", args=[category.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    category.refresh_from_db()
    assert (category.name_de, category.name_en) == ("Methoden", "Methods & organisation")
