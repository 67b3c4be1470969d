"""The demo organisation speaks German and English throughout: every catalogue text exists in both, and
a page in one language shows none of the other's catalogue texts."""

import html
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse
from modeltranslation.translator import translator

from competencies.models import Employee
from qualification.demo import DEMO_PASSWORD
from qualification.models import QualificationPlan
from teams.models import Team

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SMALL_ORG = ["--employees", "40", "--teams", "4", "--competencies", "40", "--assessed", "5", "--history", "2"]


def missing_translations():
    """(model, field, pk, language) for every catalogue text that one language has and another lacks."""
    missing = []
    for model in translator.get_registered_models():
        fields = translator.get_options_for_model(model).get_field_names()
        columns = [f"{field}_{code}" for field in fields for code in LANGUAGES]
        for row in model.objects.values("pk", *columns):
            for field in fields:
                texts = {code: row[f"{field}_{code}"] for code in LANGUAGES}
                if any(texts.values()):
                    missing += [
                        (model.__name__, field, row["pk"], code) for code, text in texts.items() if not text
                    ]
    return missing


def catalogue_texts(language):
    """Every catalogue text stored in ``language``, for looking for it on a page of the other language."""
    texts = set()
    for model in translator.get_registered_models():
        for field in translator.get_options_for_model(model).get_field_names():
            texts.update(
                model.objects.exclude(**{f"{field}_{language}": ""}).values_list(
                    f"{field}_{language}", flat=True
                )
            )
    return texts


@pytest.mark.django_db
@pytest.mark.parametrize("args", [[], SMALL_ORG], ids=["story", "synthetic"])
def test_every_demo_catalogue_text_exists_in_every_language(args):
    call_command("seed_demo", *args, stdout=StringIO())

    assert missing_translations() == []


@pytest.mark.django_db
def test_the_check_finds_a_missing_translation():
    call_command("seed_demo", "--competencies", "5", "--employees", "12", "--teams", "2", stdout=StringIO())
    team = Team.objects.filter(parent__isnull=True).first()
    team.description_de = ""
    team.save(update_fields=["description_de"])

    assert missing_translations() == [("Team", "description", team.pk, "de")]


def visible_text(response):
    body = response.content.decode()
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


@pytest.mark.django_db
@pytest.mark.parametrize("first", ["de", "en"])
def test_demo_pages_show_no_catalogue_text_of_the_other_language(client, first):
    """Both languages one after the other, so that nothing cached for one reader reaches the other."""
    call_command("seed_demo", stdout=StringIO())
    second = "en" if first == "de" else "de"
    found = {}
    for reader, other in ((first, second), (second, first)):
        found.update(_foreign_texts_on_pages(client, reader, other))

    assert found == {}


def _foreign_texts_on_pages(client, reader, other):
    foreign = catalogue_texts(other) - catalogue_texts(reader)  # names alike in both (TÜV Akademie) are fine
    employee = Employee.objects.get(user__username="employee")
    plan = QualificationPlan.objects.filter(employee=employee).first()
    team = Team.objects.get(name="Field Service North")
    pages = {
        "employee": [
            reverse("competencies:self_assessment"),
            reverse("competencies:employee_detail", args=[employee.pk]),
            reverse("qualification:my_plan"),
        ],
        "lead": [reverse("teams:dashboard", args=[team.pk])]
        + ([reverse("qualification:plan_detail", args=[plan.pk])] if plan else []),
    }
    found = {}
    for username, urls in pages.items():
        assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)
        for url in urls:
            response = client.get(url, headers={"accept-language": reader})
            assert response.status_code == 200, url
            lines = {line.strip() for line in visible_text(response).splitlines()}
            shown = sorted(text for text in foreign if any(text in line for line in lines if line))
            if shown:
                found[(reader, url)] = shown[:5]
        client.logout()
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_names_the_competency_of_each_expiring_certificate(client, language):
    call_command("seed_demo", stdout=StringIO())
    team = Team.objects.get(name="Field Service North")
    assert client.login(request=HttpRequest(), username="lead", password=DEMO_PASSWORD)

    page = client.get(reverse("teams:dashboard", args=[team.pk]), headers={"accept-language": language})

    rows = re.findall(r'<tr class="sl-certificate">.*?</tr>', page.content.decode(), re.S)
    assert rows
    names = set(catalogue_texts(language))
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert cells and html.unescape(cells[0]).strip() in names, row
