"""The measure catalogue's rules (``services.measure_competencies_check``): a measure names at least one
competency, each once, each range rising on its scale — the same answer from the service, the measure
page and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from qualification import services
from qualification.models import Measure
from tests.factories import CompetencyFactory, MeasureCompetencyFactory

NO_COMPETENCY = "Name at least one competency the measure develops."
FIELDS = {"title": "Listening course", "kind": "course", "duration_hours": "4", "cost": "120.00"}


@pytest.fixture
def heat(db):
    return CompetencyFactory(name="Heat pump diagnostics")


def page_post(client, ranges, measure=None):
    data = {**FIELDS, "ranges-TOTAL_FORMS": len(ranges), "ranges-INITIAL_FORMS": 0}
    for index, entry in enumerate(ranges):
        data |= {f"ranges-{index}-{name}": value for name, value in entry.items()}
    if measure is None:
        return client.post(reverse("qualification:measure_create"), data)
    return client.post(reverse("qualification:measure_update", args=[measure.pk]), data)


def api_for(org, role):
    client = APIClient()
    client.force_login(org.users[role])
    return client


def test_service_refuses_a_measure_without_competencies(db):
    with pytest.raises(services.MeasureInvalid) as refused:
        services.measure_save(fields=FIELDS, ranges=[])
    assert refused.value.message_dict == {"competencies": [NO_COMPETENCY]}
    assert not Measure.objects.exists()


def test_measure_without_competencies_is_refused_alike_by_the_page_and_the_api(client_for, org, heat):
    page = page_post(client_for("hr"), [])
    assert page.status_code == 200
    assert NO_COMPETENCY in page.content.decode()
    api = api_for(org, "hr")
    response = api.post("/api/v1/measures/", FIELDS, format="json")
    assert response.status_code == 400
    assert response.json() == {"competencies": [NO_COMPETENCY]}
    response = api.post("/api/v1/measures/", FIELDS | {"competencies": []}, format="json")
    assert response.status_code == 400
    assert response.json() == {"competencies": [NO_COMPETENCY]}
    assert not Measure.objects.exists()


def test_a_measure_cannot_lose_its_last_competency_through_the_page_or_the_api(client_for, org, heat):
    measure = MeasureCompetencyFactory(competency=heat, from_level=1, to_level=3).measure
    assert NO_COMPETENCY in page_post(client_for("hr"), [], measure).content.decode()
    url = f"/api/v1/measures/{measure.pk}/"
    response = api_for(org, "hr").patch(url, {"competencies": []}, format="json")
    assert response.status_code == 400
    assert response.json() == {"competencies": [NO_COMPETENCY]}
    assert list(measure.ranges.values_list("competency_id", flat=True)) == [heat.pk]


def test_api_change_without_competencies_keeps_the_ranges(org, heat):
    measure = MeasureCompetencyFactory(competency=heat, from_level=1, to_level=3).measure
    response = api_for(org, "hr").patch(f"/api/v1/measures/{measure.pk}/", {"cost": "99.00"}, format="json")
    assert response.status_code == 200
    assert response.json()["competencies"] == [{"competency": heat.pk, "from_level": 1, "to_level": 3}]
    assert response.json()["cost"] == "99.00"


def test_page_and_api_create_the_same_measure(client_for, org, heat):
    ranges = [{"competency": heat.pk, "from_level": 0, "to_level": 2}]
    assert page_post(client_for("hr"), ranges).status_code == 302
    api_fields = FIELDS | {"title": "Listening course (online)", "competencies": ranges}
    response = api_for(org, "hr").post("/api/v1/measures/", api_fields, format="json")
    assert response.status_code == 201
    assert response.json()["competencies"] == ranges
    assert [
        list(measure.ranges.values_list("competency_id", "from_level", "to_level"))
        for measure in Measure.objects.order_by("pk")
    ] == [[(heat.pk, 0, 2)], [(heat.pk, 0, 2)]]


def test_a_competency_named_twice_is_refused_by_the_api(org, heat):
    twice = [{"competency": heat.pk, "from_level": 0, "to_level": 2}] * 2
    response = api_for(org, "hr").post("/api/v1/measures/", FIELDS | {"competencies": twice}, format="json")
    assert response.status_code == 400
    assert "listed twice" in response.json()["competencies"][0]
