"""Single saves and deletes of the gap analysis' inputs, whoever makes them (services, the admin, the API),
mark the cached results they touch as changed (teams.gaps.cache). Bulk writes (bulk_create, COPY,
``QuerySet.update``) send no signals; their services call ``cache.changed`` themselves.

Assessments get no delete receiver on purpose: with one, Django could no longer delete them in bulk
without loading every row. They are append-only; whoever deletes them in bulk says so."""

from django.db.models.signals import post_delete, post_save, pre_save

from competencies.models import (
    Assessment,
    Category,
    Competency,
    Employee,
    RoleProfile,
    RoleRequirement,
    Scale,
    ScaleLevel,
)

from .gaps import cache
from .models import Membership, Team, TeamRequirement

CATALOGUE_MODELS = (Scale, ScaleLevel, Category, Competency, RoleProfile, RoleRequirement, Team)
TEAM_MODELS = (Membership, TeamRequirement)


def _catalogue_changed(sender, **kwargs):
    cache.changed(everything=True)


def _team_row_moving(sender, instance, **kwargs):
    """Before a membership or requirement is saved: the team it leaves changes too."""
    if instance._state.adding or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("team_id", flat=True).first()
    if before is not None and before != instance.team_id:
        cache.changed(team_ids=[before])


def _team_row_changed(sender, instance, **kwargs):
    cache.changed(team_ids=[instance.team_id])


def _person_changed(sender, instance, **kwargs):
    cache.changed(employee_ids=[instance.pk])


def _assessment_recorded(sender, instance, **kwargs):
    cache.changed(employee_ids=[instance.employee_id])


def connect():
    for model in CATALOGUE_MODELS:
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"analysis-{model.__name__}-save")
        post_delete.connect(
            _catalogue_changed, sender=model, dispatch_uid=f"analysis-{model.__name__}-delete"
        )
    for model in TEAM_MODELS:
        pre_save.connect(_team_row_moving, sender=model, dispatch_uid=f"analysis-{model.__name__}-move")
        post_save.connect(_team_row_changed, sender=model, dispatch_uid=f"analysis-{model.__name__}-save")
        post_delete.connect(_team_row_changed, sender=model, dispatch_uid=f"analysis-{model.__name__}-delete")
    post_save.connect(_person_changed, sender=Employee, dispatch_uid="analysis-Employee-save")
    # A deleted person leaves every team they were in; which ones is no longer known.
    post_delete.connect(_catalogue_changed, sender=Employee, dispatch_uid="analysis-Employee-delete")
    post_save.connect(_assessment_recorded, sender=Assessment, dispatch_uid="analysis-Assessment-save")
