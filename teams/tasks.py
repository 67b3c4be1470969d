"""Celery tasks of the teams app (the beat schedule in settings runs them)."""

from celery import shared_task
from django.utils import timezone

from .gaps.organisation import organisation_overview, organisation_tree


@shared_task(ignore_result=True)
def organisation_analyses_warm():
    """Today's organisation tree (HR's home) and overview into the analysis cache, computed on a worker
    so that HR seldom waits seconds for them after a change; nothing is computed while they are cached."""
    on = timezone.localdate()
    organisation_tree(on=on)
    organisation_overview(on=on)
