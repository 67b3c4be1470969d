"""Celery tasks of campaigns: thin wrappers around one service (run daily by the beat schedule)."""

from celery import shared_task

from . import services


@shared_task(name="teams.review.tasks.campaign_reminders")
def campaign_reminders():
    return services.campaign_reminders_send()
