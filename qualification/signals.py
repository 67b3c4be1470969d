"""Saved plans and plan items move the coverage forecast of their person's teams (agreed items count as
reached by their due date), so they mark the teams' cached analyses as changed (teams.gaps.cache). Plan
generation writes drafts in bulk, which send no signals and forecast nothing."""

from django.db.models.signals import post_save

from teams.gaps import cache

from .models import PlanItem, QualificationPlan


def _plan_saved(sender, instance, **kwargs):
    cache.changed(employee_ids=[instance.employee_id])


def _item_saved(sender, instance, **kwargs):
    cache.changed(employee_ids=[instance.plan.employee_id])


def connect():
    post_save.connect(_plan_saved, sender=QualificationPlan, dispatch_uid="analysis-QualificationPlan-save")
    post_save.connect(_item_saved, sender=PlanItem, dispatch_uid="analysis-PlanItem-save")
