"""Catalogue versions: changing a competency's scale or a role profile's targets never rewrites past
assessments, and the history page shows the scale each past level was given on."""

import importlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from competencies import services
from competencies.models import Assessment, Competency, RoleRequirement, Scale, ScaleLevel
from tests import factories

MIGRATION = "0010_catalogue_translations_assessment_scale"


def snapshot(employee):
    return list(
        Assessment.objects.filter(employee=employee)
        .order_by("id")
        .values("id", "level", "scale_id", "source")
    )


@pytest.fixture
def five_steps(db):
    scale = Scale.objects.create(name_de="Fünf Stufen 1–5", name_en="Five steps 1–5")
    ScaleLevel.objects.bulk_create(
        ScaleLevel(scale=scale, value=v, label_de=f"Stufe {v}", label_en=f"Step {v}") for v in range(6)
    )
    return scale


@pytest.fixture
def rated(org):
    competency = factories.CompetencyFactory(name_de="Abgasmessung", name_en="Flue gas measurement")
    recorded = services.assessment_record(
        employee=org.employee,
        competency=competency,
        level=3,
        source=Assessment.Source.MANAGER,
        assessed_on=timezone.localdate() - timedelta(days=40),
        assessed_by=org.users["lead_a"],
    )
    return competency, recorded


def test_an_assessment_records_the_scale_it_was_given_on(rated):
    competency, recorded = rated
    assert recorded.scale_id == competency.scale_id


def test_a_competency_in_use_keeps_its_scale(rated, five_steps):
    competency, _recorded = rated
    with pytest.raises(Exception, match="scale cannot change"):
        services.competency_save(competency=competency, fields={"scale": five_steps})


def test_moving_a_competency_to_another_scale_leaves_past_levels_and_their_scale(org, rated, five_steps):
    """However a competency comes onto another scale (a merge, an administrator), past levels stay what
    they were, on the scale they were given on; new ones are on the new scale."""
    competency, recorded = rated
    before = snapshot(org.employee)
    Competency.objects.filter(pk=competency.pk).update(scale=five_steps)
    competency.refresh_from_db()

    assert snapshot(org.employee) == before
    newer = services.assessment_record(
        employee=org.employee,
        competency=competency,
        level=5,
        source=Assessment.Source.MANAGER,
        assessed_on=timezone.localdate(),
        assessed_by=org.users["lead_a"],
    )
    assert (recorded.scale_id, newer.scale_id) == (factories.default_scale().pk, five_steps.pk)


def test_relabelling_a_scale_rewrites_no_assessment(org, rated):
    _competency, _recorded = rated
    before = snapshot(org.employee)
    scale = factories.default_scale()
    levels = [
        {"value": v, "label_de": f"Neu {v}", "label_en": f"New {v}", "descriptor": ""} for v in range(5)
    ]

    services.scale_save(scale=scale, fields={}, levels=levels)

    assert snapshot(org.employee) == before


def test_changing_role_profile_targets_rewrites_no_assessment(org, rated):
    competency, _recorded = rated
    profile = factories.RoleProfileFactory()
    factories.RoleRequirementFactory(role_profile=profile, competency=competency, target_level=2)
    before = snapshot(org.employee)

    services.role_profile_save(
        profile=profile, fields={}, requirements=[{"competency": competency, "target_level": 4}]
    )

    assert RoleRequirement.objects.get(role_profile=profile).target_level == 4
    assert snapshot(org.employee) == before


@pytest.mark.parametrize(
    ("language", "old", "new", "marker"),
    [
        ("en", "Default 0–4", "Five steps 1–5", "earlier scale"),
        ("de", "Default 0–4", "Fünf Stufen 1–5", None),
    ],
)
def test_history_page_shows_the_scale_of_each_past_level(
    client_for, org, rated, five_steps, language, old, new, marker
):
    competency, _recorded = rated
    Competency.objects.filter(pk=competency.pk).update(scale=five_steps)
    competency.refresh_from_db()
    services.assessment_record(
        employee=org.employee,
        competency=competency,
        level=5,
        source=Assessment.Source.MANAGER,
        assessed_on=timezone.localdate(),
        assessed_by=org.users["lead_a"],
    )
    url = reverse("competencies:employee_history", kwargs={"employee_id": org.employee.pk})

    page = client_for("hr").get(url, headers={"accept-language": language}).content.decode()

    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)) for row in re.findall(r"<tr>.*?</tr>", page, re.S)
    ]
    newest, past = [row for row in rows if "5" in row and new in row], [row for row in rows if old in row]
    assert newest and past
    assert "3" in past[0]
    if marker:
        assert marker in past[0] and marker not in newest[0]
        assert "Step 5" in newest[0]


def test_migration_records_the_scale_of_past_assessments(org, rated):
    _competency, recorded = rated
    Assessment.objects.filter(pk=recorded.pk).update(scale=None)
    migration = importlib.import_module(
        "competencies.migrations.0010_catalogue_translations_assessment_scale"
    )
    state = MigrationLoader(connection).project_state(
        ("competencies", "0010_catalogue_translations_assessment_scale")
    )

    migration.record_scale_of_past_assessments(state.apps, None)

    assert Assessment.objects.get(pk=recorded.pk).scale_id == recorded.competency.scale_id
