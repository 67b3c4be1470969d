"""Writing helpers for the demo builders: reset, catalogue rows, users and fast bulk inserts.

Callers run inside one ``transaction.atomic`` block (see ``qualification.demo.demo_seed``)."""

from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Q

from competencies.models import (
    Assessment,
    Category,
    Competency,
    Employee,
    Interest,
    RoleProfile,
    RoleRequirement,
    Scale,
    ScaleLevel,
)
from competencies.roles import ADMIN_GROUP, HR_GROUP
from jobs.models import Job
from operations.models import DutyEntry, InstalledBase, System, SystemNeed, Ticket, TicketNeed
from qualification.models import Measure, MeasureCompetency, PlanItem, QualificationPlan
from teams.models import Membership, Team, TeamRequirement

from . import catalogue

DEMO_PASSWORD = "demo-servicelead"  # noqa: S105 - the documented password of the demo logins
BATCH_SIZE = 2000
INSERT_CHUNK = 20000


def domain_is_empty():
    """True when there are no employees, teams or catalogue entries the demo would collide with."""
    return not any(model.objects.exists() for model in (Employee, Team, Competency, Category, Scale))


def reset_domain_data(*, extra_usernames=()):
    """Delete all domain data and the users linked to employees (or named ``extra_usernames``)."""
    user_model = get_user_model()
    user_ids = list(
        user_model.objects.filter(Q(employee__isnull=False) | Q(username__in=list(extra_usernames)))
        .values_list("pk", flat=True)
        .distinct()
    )
    # Children before parents, so no delete has to collect and cascade over many rows.
    for model in (TicketNeed, Ticket, InstalledBase, SystemNeed, DutyEntry):
        model.objects.all().delete()
    System.objects.update(parent=None)
    System.objects.all().delete()
    for model in (PlanItem, QualificationPlan, Job, Assessment, Interest, Membership, TeamRequirement):
        model.objects.all().delete()
    Team.leads.through.objects.all().delete()
    Team.objects.update(parent=None)  # the tree protects parents; flatten it before deleting
    for model in (Team, Employee, RoleRequirement, RoleProfile, MeasureCompetency, Measure):
        model.objects.all().delete()
    for model in (Competency, Category, ScaleLevel, Scale):
        model.objects.all().delete()
    user_model.objects.filter(pk__in=user_ids).delete()


def create_scale():
    """The default 0–4 scale with its labels and behavioural descriptors."""
    scale = Scale.objects.create(
        **catalogue.SCALE_NAME.columns("name"), **catalogue.SCALE_DESCRIPTION.columns("description")
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(scale=scale, value=value, **label.columns("label"), **descriptor.columns("descriptor"))
        for value, label, descriptor in catalogue.SCALE_LEVELS
    )
    return scale


def create_categories():
    """The catalogue's categories; returns category key → id."""
    categories = Category.objects.bulk_create(
        Category(
            **name.columns("name"), family=family, **description.columns("description"), position=position
        )
        for position, (_key, name, family, description) in enumerate(catalogue.CATEGORIES, start=1)
    )
    return {
        key: category.pk for (key, *_rest), category in zip(catalogue.CATEGORIES, categories, strict=True)
    }


def create_competencies(specs, *, scale, category_ids):
    """One competency per ``CompetencySpec``; returns their ids in the order of ``specs``."""
    competencies = Competency.objects.bulk_create(
        (
            Competency(
                category_id=category_ids[spec.category],
                **spec.name.columns("name"),
                **spec.description.columns("description"),
                scale=scale,
                requires_certificate=spec.validity_months is not None,
                validity_months=spec.validity_months,
            )
            for spec in specs
        ),
        batch_size=BATCH_SIZE,
    )
    ids = [competency.pk for competency in competencies]
    if None in ids:  # backends that cannot return ids from a bulk insert
        by_name = {
            (category_id, name): pk
            for pk, category_id, name in Competency.objects.values_list("pk", "category_id", "name_en")
        }
        ids = [by_name[(category_ids[spec.category], spec.name.en)] for spec in specs]
    return ids


def create_users(rows):
    """Users from (username, first_name, last_name, email, is_superuser, groups); returns username → id.

    All demo users share one password, so it is hashed once rather than once per user."""
    user_model = get_user_model()
    password = make_password(DEMO_PASSWORD)
    user_model.objects.bulk_create(
        (
            user_model(
                username=username,
                first_name=first,
                last_name=last,
                email=email,
                is_superuser=is_superuser,
                is_staff=is_superuser,
                password=password,
            )
            for username, first, last, email, is_superuser, _groups in rows
        ),
        batch_size=BATCH_SIZE,
    )
    ids = dict(user_model.objects.filter(username__in=[row[0] for row in rows]).values_list("username", "pk"))
    group_ids = {name: Group.objects.get_or_create(name=name)[0].pk for name in (HR_GROUP, ADMIN_GROUP)}
    user_model.groups.through.objects.bulk_create(
        user_model.groups.through(user_id=ids[row[0]], group_id=group_ids[group])
        for row in rows
        for group in row[5]
    )
    return ids


def set_team_leads(pairs):
    """Make each (team id, user id) pair a lead relation."""
    Team.leads.through.objects.bulk_create(
        (Team.leads.through(team_id=team_id, user_id=user_id) for team_id, user_id in pairs),
        batch_size=BATCH_SIZE,
    )


# The tables seeding writes in bulk (insert_rows): the largest ones of a big demo organisation.
BULK_LOADED = (Assessment, Membership, TeamRequirement, Interest)


def vacuum_bulk_loaded():
    """On PostgreSQL and outside a transaction, ``VACUUM (ANALYZE)`` the tables written in bulk: it marks
    their pages all-visible, so whole-organisation reads are answered from the effective-level index alone
    (an index-only scan) from the first request on, not only once autovacuum has come round to them."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in BULK_LOADED)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def insert_rows(model, fields, rows):
    """Insert plain tuples into ``model``'s table, without building model instances.

    PostgreSQL gets COPY (several times faster than INSERT); elsewhere a parameterised INSERT is run
    with ``executemany`` in chunks. Values must already be what the column stores (ids for foreign
    keys); dates and aware datetimes are adapted for the backend here."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {table}")
            return
        adapt = _row_adapter(model, fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - quoted model names only  # nosec B608
        rows = iter(rows)
        while chunk := [adapt(row) for row in islice(rows, INSERT_CHUNK)]:
            cursor.executemany(sql, chunk)


def _row_adapter(model, fields):
    """A function that turns a row of Python values into database parameters (dates, datetimes)."""
    converters = []
    for position, name in enumerate(fields):
        internal_type = model._meta.get_field(name).get_internal_type()
        if internal_type == "DateField":
            converters.append((position, _cached(connection.ops.adapt_datefield_value)))
        elif internal_type == "DateTimeField":
            converters.append((position, _cached(connection.ops.adapt_datetimefield_value)))
    if not converters:
        return tuple

    def adapt(row):
        values = list(row)
        for position, convert in converters:
            values[position] = convert(values[position])
        return values

    return adapt


def _cached(convert):
    # Demo rows repeat a few hundred distinct dates; converting each once keeps inserts fast.
    cache = {}

    def converted(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = convert(value)
            return result

    return converted
