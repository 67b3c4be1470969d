"""Fixtures for the import and export tests: a small catalogue, a few people and file writers."""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from tests import factories


@dataclass
class Catalogue:
    diagnostics: object  # Technical systems / Heat pump diagnostics, scale 0–4
    complaints: object  # Customer & people / Complaint handling, scale 0–4
    remote: object  # Technical systems / Remote support, scale 0–2, certificate valid 24 months
    doc_technical: object  # Technical systems / Documentation (name shared with the next one)
    doc_people: object  # Customer & people / Documentation


@pytest.fixture
def catalogue(db):
    technical = factories.CategoryFactory(name="Technical systems", position=1)
    people = factories.CategoryFactory(name="Customer & people", position=2)
    short_scale = factories.ScaleFactory(
        name="Short 0–2", levels=[(0, "none"), (1, "with help"), (2, "alone")]
    )
    return Catalogue(
        diagnostics=factories.CompetencyFactory(category=technical, name="Heat pump diagnostics"),
        complaints=factories.CompetencyFactory(category=people, name="Complaint handling"),
        remote=factories.CompetencyFactory(
            category=technical,
            name="Remote support",
            scale=short_scale,
            requires_certificate=True,
            validity_months=24,
        ),
        doc_technical=factories.CompetencyFactory(category=technical, name="Documentation"),
        doc_people=factories.CompetencyFactory(category=people, name="Documentation"),
    )


@pytest.fixture
def staff(db):
    return SimpleNamespace(
        erika=factories.EmployeeFactory(personnel_no="P-0001", name="Erika Müller"),
        carl=factories.EmployeeFactory(personnel_no="P-0002", name="Carl Colleague"),
        bea=factories.EmployeeFactory(personnel_no="P-0003", name="Bea Member"),
    )


@pytest.fixture
def importer(db):
    return factories.UserFactory(username="importer")
