"""``manage.py check_integrity``: is the data whole after a restore (``pg_restore``) or a failed migration?

Read-only. Three kinds of checks:
- the database still has every constraint the models declare, and no row breaks one (a data-only or partial
  restore brings rows back without them), no foreign key points nowhere, and PostgreSQL's id sequences are
  ahead of the ids in use (else the next insert fails with a duplicate key);
- domain rules the database cannot express: every stored level exists on its competency's scale, the team
  tree has no cycle;
- background jobs left running or queued by workers that no longer exist.
Prints one line per check and exits with 1 when any finds something.

The teams and qualification models are looked up through the app registry, not imported: this command
lives in the lowest app, which never imports the higher ones."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.models import ScaleLevel

LOCAL_APPS = ("competencies", "teams", "qualification")
EXAMPLES = 5

# (app, model, level field, path from that model to the competency): levels that must exist on the scale.
LEVELS_ON_SCALE = [
    ("competencies", "Assessment", "level", "competency"),
    ("competencies", "RoleRequirement", "target_level", "competency"),
    ("competencies", "Interest", "target_level", "competency"),
    ("teams", "TeamRequirement", "required_level", "competency"),
    ("qualification", "PlanItem", "current_level", "competency"),
    ("qualification", "PlanItem", "target_level", "competency"),
    ("qualification", "MeasureCompetency", "from_level", "competency"),
    ("qualification", "MeasureCompetency", "to_level", "competency"),
]


class Finding:
    def __init__(self, check, problem, examples=()):
        self.check, self.problem, self.examples = check, problem, list(examples)[:EXAMPLES]

    def __str__(self):
        examples = f" (e.g. {', '.join(map(str, self.examples))})" if self.examples else ""
        return f"{self.check}: {self.problem}{examples}"


def local_models():
    return [model for app in LOCAL_APPS for model in apps.get_app_config(app).get_models()]


def migrations_applied():
    """Every migration on disk is applied; without that the other checks cannot run."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    if not names:
        return []
    message = _("%(count)s migrations are not applied") % {"count": len(names)}
    return [Finding("migrations", message, names)]


def constraints_present():
    """Every constraint a model declares exists in the database (by name)."""
    findings = []
    with connection.cursor() as cursor:
        for model in local_models():
            declared = {constraint.name for constraint in model._meta.constraints}
            if not declared:
                continue
            present = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
            for name in sorted(declared - present):
                message = _("%(table)s lacks %(name)s") % {"table": model._meta.db_table, "name": name}
                findings.append(Finding("constraints", message))
    return findings


def constraints_hold():
    """No row breaks a declared check or unique constraint (they may be missing, see above)."""
    findings = []
    for model in local_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                # SQL's rule: a row passes unless the condition is false (NULL passes).
                holds = ExpressionWrapper(Q(constraint.condition), output_field=models.BooleanField())
                bad = model._base_manager.annotate(_holds=holds).filter(_holds=False)
                ids = list(bad.values_list("pk", flat=True)[:EXAMPLES])
                if ids:
                    findings.append(_rows_finding(constraint.name, model, bad.count(), ids))
            elif isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                rows = model._base_manager.all()
                if constraint.condition is not None:
                    rows = rows.filter(constraint.condition)
                duplicates = (
                    rows.values(*constraint.fields).annotate(_rows=Count("pk")).filter(_rows__gt=1).order_by()
                )
                examples = [tuple(row[field] for field in constraint.fields) for row in duplicates[:EXAMPLES]]
                if examples:
                    findings.append(
                        Finding(
                            constraint.name,
                            _("%(count)s duplicate values of %(fields)s in %(table)s")
                            % {
                                "count": duplicates.count(),
                                "fields": ", ".join(constraint.fields),
                                "table": model._meta.db_table,
                            },
                            examples,
                        )
                    )
    return findings


def foreign_keys_resolve():
    """Every foreign key of the local models points at an existing row."""
    findings = []
    for model in local_models():
        for field in model._meta.concrete_fields:
            if not field.is_relation or not field.many_to_one:
                continue
            target = field.related_model
            dangling = model._base_manager.filter(**{f"{field.attname}__isnull": False}).exclude(
                Exists(target._base_manager.filter(pk=OuterRef(field.attname)))
            )
            ids = list(dangling.values_list("pk", flat=True)[:EXAMPLES])
            if ids:
                findings.append(
                    _rows_finding(
                        f"{model._meta.db_table}.{field.column}", model, dangling.count(), ids, True
                    )
                )
    return findings


def sequences_ahead():
    """PostgreSQL: each id sequence will hand out ids above the largest in use."""
    if connection.vendor != "postgresql":
        return []
    findings = []
    with connection.cursor() as cursor:
        for model in local_models():
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            (sequence,) = cursor.fetchone()
            if sequence is None:
                continue
            quote = connection.ops.quote_name
            # Names come from the models and from PostgreSQL itself, never from input.
            query = (
                f"SELECT (SELECT MAX({quote(pk)}) FROM {quote(table)}), last_value, is_called FROM {sequence}"  # noqa: S608, E501  # nosec B608
            )
            cursor.execute(query)
            largest, last_value, is_called = cursor.fetchone()
            next_id = last_value + 1 if is_called else last_value
            if largest is not None and next_id <= largest:
                findings.append(
                    Finding(
                        "sequences",
                        _("%(sequence)s would hand out %(next)s but %(table)s already uses ids up to %(max)s")
                        % {"sequence": sequence, "next": next_id, "table": table, "max": largest},
                    )
                )
    return findings


def levels_on_scale():
    """Every stored level (assessments, targets, plan items, measures) exists on its competency's scale."""
    findings = []
    for app, model_name, field, competency in LEVELS_ON_SCALE:
        model = apps.get_model(app, model_name)
        on_scale = ScaleLevel.objects.filter(
            scale_id=OuterRef(f"{competency}__scale_id"), value=OuterRef(field)
        )
        bad = model._base_manager.filter(**{f"{field}__isnull": False}).exclude(Exists(on_scale))
        ids = list(bad.values_list("pk", flat=True)[:EXAMPLES])
        if ids:
            findings.append(
                Finding(
                    "levels on scale",
                    _("%(count)s %(model)s rows have a %(field)s their competency's scale does not define")
                    % {"count": bad.count(), "model": model_name, "field": field},
                    ids,
                )
            )
    return findings


def team_tree_acyclic():
    """Following parents from any team ends at a root."""
    parents = dict(apps.get_model("teams", "Team").objects.values_list("pk", "parent_id"))
    in_cycle = set()
    for start in parents:
        seen = []
        node = start
        while node is not None and node not in seen and node not in in_cycle:
            seen.append(node)
            node = parents.get(node)
        if node is not None and node in seen:
            in_cycle.update(seen[seen.index(node) :])
    if not in_cycle:
        return []
    message = _("%(count)s teams are their own ancestors") % {"count": len(in_cycle)}
    return [Finding("team tree", message, sorted(in_cycle))]


def jobs_not_stuck(*, now, running_limit, queued_limit):
    """No job running longer than a task may run, none queued for longer than ``queued_limit``."""
    job = apps.get_model("jobs", "Job")
    findings = []
    stuck = {
        "running": job.objects.filter(status="running", started_at__lt=now - running_limit),
        "queued": job.objects.filter(status="queued", created_at__lt=now - queued_limit),
    }
    for status, rows in stuck.items():
        ids = list(rows.order_by("pk").values_list("pk", flat=True)[:EXAMPLES])
        if ids:
            findings.append(
                Finding(
                    "jobs",
                    _(
                        "%(count)s jobs %(status)s since before %(since)s: their worker is gone; "
                        "cancel or rerun them"
                    )
                    % {
                        "count": rows.count(),
                        "status": status,
                        "since": (now - (running_limit if status == "running" else queued_limit)).isoformat(
                            timespec="minutes"
                        ),
                    },
                    ids,
                )
            )
    return findings


def _rows_finding(check, model, count, ids, dangling=False):
    text = (
        _("%(count)s rows of %(table)s point at nothing")
        if dangling
        else _("%(count)s rows of %(table)s break it")
    )
    return Finding(check, text % {"count": count, "table": model._meta.db_table}, ids)


class Command(BaseCommand):
    help = _(
        "Check the data after a restore: declared constraints present and kept, foreign keys resolving, id "
        "sequences ahead (PostgreSQL), levels on their competency's scale, no cycle in the team tree, no job "
        "stuck. Changes nothing; exits with 1 when something is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queued-minutes",
            type=int,
            default=60,
            help=_("a job queued longer than this is stuck (default %(default)s)"),
        )

    def handle(self, *args, **options):
        running_limit = datetime.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 3600))
        queued_limit = datetime.timedelta(minutes=options["queued_minutes"])
        checks = [
            (_("migrations applied"), migrations_applied),
            (_("constraints present"), constraints_present),
            (_("constraints hold"), constraints_hold),
            (_("foreign keys resolve"), foreign_keys_resolve),
            (_("id sequences ahead of ids"), sequences_ahead),
            (_("levels on their scale"), levels_on_scale),
            (_("team tree without cycles"), team_tree_acyclic),
            (
                _("no job stuck"),
                lambda: jobs_not_stuck(
                    now=timezone.now(), running_limit=running_limit, queued_limit=queued_limit
                ),
            ),
        ]
        findings = []
        for label, check in checks:
            found = check()
            findings.extend(found)
            self.stdout.write(f"{'FAIL' if found else 'ok  '} {label}")
            for finding in found:
                self.stdout.write(f"     {finding}")
            if found and check is migrations_applied:
                self.stdout.write(_("Apply the migrations (manage.py migrate) and check again."))
                break
        if findings:
            raise CommandError(
                _("%(count)s integrity problems found.") % {"count": len(findings)}, returncode=1
            )
        self.stdout.write(self.style.SUCCESS(_("No integrity problems found.")))
