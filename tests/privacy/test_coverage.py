""" "Download my data" and anonymisation cover every field of every app that refers to a person.

A new foreign key (or many-to-many) to an employee or a login, in any installed app, fails
``test_every_field_that_refers_to_a_person_is_declared`` until its app declares, with
``competencies.hooks.register_privacy_coverage`` (or ``competencies.privacy.COVERAGE``), the export sections
that hold its rows and what anonymisation does to them; the other tests check the declarations against a
person who has something in every one of those tables."""

import io
import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import models
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from competencies import privacy
from competencies.models import AccountSettings, Assessment, AuditEntry, Employee

from .conftest import MARKERS


def person_relations():
    """ "app_label.Model.field" of every concrete foreign key, one-to-one or many-to-many field, in every
    installed app, that points to an employee or a login."""
    people = {Employee, get_user_model()}
    found = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            # auto_created: reverse relations and the foreign keys of implicit many-to-many tables.
            if not field.is_relation or field.auto_created or field.related_model not in people:
                continue
            if field.concrete or field.many_to_many:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_field_that_refers_to_a_person_is_declared():
    declared = privacy.privacy_coverage()
    missing = sorted(person_relations() - set(declared))
    assert not missing, (
        "Declare how the data export and anonymisation cover these fields "
        f"(competencies.hooks.register_privacy_coverage): {missing}"
    )


def test_no_declaration_names_a_field_that_does_not_exist():
    assert set(privacy.privacy_coverage()) <= person_relations()


def test_every_declaration_says_what_anonymisation_does():
    for relation, coverage in privacy.privacy_coverage().items():
        assert coverage["anonymised"].strip(), relation


def test_the_discovery_sees_relations_of_every_app():
    # Guards the guard: if discovery broke, the declaration test would pass on nothing.
    relations = person_relations()
    assert {
        "competencies.Assessment.employee",
        "teams.Team.leads",
        "qualification.PlanItem.mentor",
        "authtoken.Token.user",
    } <= relations


def test_every_declared_export_section_holds_the_persons_rows(everything):
    data = privacy.personal_data(employee=everything.employee)
    for relation, coverage in privacy.privacy_coverage().items():
        for section in coverage["sections"]:
            assert section in data, f"{relation}: no section {section!r} in the export"
            assert data[section], f"{relation}: section {section!r} is empty for a person who has rows"


def test_export_holds_the_login_the_notes_and_what_the_person_did(everything):
    data = privacy.personal_data(employee=everything.employee)
    login = data["login"][0]
    assert (login["first_name"], login["email"]) == ("Erika", "erika.private@example.com")
    assert login["api_token_created"] is not None and "key" not in login
    assert login["language"] == "de"
    text = json.dumps(privacy.personal_data_json(data).decode())
    for note in ("NOTE-MARK self", "NOTE-MARK draft", "NOTE-MARK my comment", "NOTE-MARK please add"):
        assert note in text
    assert data["campaigns"][0]["submitted_at"] is not None
    assert data["teams_led"] == [{"team": "Field Service South"}]
    assert data["mentoring"][0]["target_level"] == 3
    # Who read the person's levels is part of what is stored about them.
    assert any(row["action"] == AuditEntry.Action.VIEWED for row in data["history"])


def _left(employee):
    employee.is_active = False
    employee.save()


def _text_fields(model):
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def traces(markers):
    """(model, field, marker) for every text value in any table that contains one of ``markers``."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for name in _text_fields(model):
            for marker in markers:
                if model._default_manager.filter(**{f"{name}__icontains": marker}).exists():
                    found.append((model._meta.label, name, marker))
    return found


def test_the_marked_person_is_found_before_anonymisation(everything):
    # The scan below finds what it looks for: here it must, in many tables.
    labels = {label for label, _name, _marker in traces(MARKERS)}
    assert {
        "competencies.Employee",
        "competencies.Assessment",
        "competencies.AuditEntry",
        "qualification.PlanComment",
        "admin.LogEntry",
        "auth.User",
    } <= labels


def test_anonymisation_leaves_no_trace_of_the_person_in_any_table(
    everything, org, django_capture_on_commit_callbacks
):
    levels = list(Assessment.objects.order_by("id").values_list("employee_id", "competency_id", "level"))
    _left(everything.employee)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.employee_anonymise(employee=everything.employee, user=org.users["hr"])
    assert traces(MARKERS) == []
    # The levels stay, as anonymous statistics.
    assert (
        list(Assessment.objects.order_by("id").values_list("employee_id", "competency_id", "level")) == levels
    )


def _sign_in_records(username):
    seen = {"username": username, "ip_address": "192.0.2.7", "user_agent": "Firefox", "http_accept": "*/*",
            "path_info": "/login/"}  # fmt: skip
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=2)
    AccessFailureLog.objects.create(**seen)
    AccessLog.objects.create(**seen)


def test_anonymisation_empties_and_locks_the_login(everything, org):
    old_name = everything.user.get_username()
    _sign_in_records(old_name)
    _sign_in_records("someone-else")
    _left(everything.employee)
    privacy.employee_anonymise(employee=everything.employee, user=org.users["hr"])
    user = get_user_model().objects.get(pk=everything.user.pk)
    assert user.get_username() == f"anonymised-{user.pk}"
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert not user.is_active and not user.has_usable_password() and not user.groups.exists()
    assert not Token.objects.filter(user=user).exists()
    assert not AccountSettings.objects.filter(user=user).exists()
    assert not user.led_teams.exists()
    assert not AuditEntry.objects.filter(actor_name=old_name).exists()
    assert set(AuditEntry.objects.filter(actor=user).values_list("actor_name", flat=True)) == {user.username}
    assert not LogEntry.objects.filter(object_repr=old_name).exists()
    # Login throttling's records of the person's sign-ins are gone; another login's stay.
    for record in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(record.objects.values_list("username", flat=True)) == ["someone-else"]
    # What the login did to another person's record stays, attributed to the anonymous login.
    assert Assessment.objects.filter(employee=org.colleague, assessed_by=user).exists()


def _export_text(data, fmt):
    if fmt == "json":
        return privacy.personal_data_json(data).decode()
    workbook = load_workbook(io.BytesIO(privacy.personal_data_xlsx(data)))
    return " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_an_anonymised_person_has_nothing_left_to_export(everything, org, fmt):
    assert "NOTE-MARK" in _export_text(privacy.personal_data(employee=everything.employee), fmt)
    _left(everything.employee)
    privacy.employee_anonymise(employee=everything.employee, user=org.users["hr"])
    data = privacy.personal_data(employee=everything.employee)
    assert data["login"] == []
    for section in (
        "interests",
        "self_assessment_draft",
        "evidence_files",
        "certificate_notices",
        "teams_led",
    ):
        assert data[section] == [], section
    text = _export_text(data, fmt)
    assert not [marker for marker in MARKERS if marker.lower() in text.lower()]
