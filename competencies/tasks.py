"""Celery tasks: thin wrappers that call one service (the beat schedule in settings runs them daily)."""

from celery import shared_task

from . import data_kinds, notifications, retention, services
from .imports import jobs as import_jobs


@shared_task
def certificate_expiry_warnings():
    return services.certificates_warn_expiring()


@shared_task
def self_assessment_drafts_expire():
    return services.self_assessment_drafts_expire()


@shared_task
def personal_notes_purge():
    return retention.personal_notes_purge()


@shared_task
def retention_enforce():
    """Every kind of personal data past its retention period (competencies.data_kinds), daily."""
    return data_kinds.enforce()


@shared_task
def import_uploads_expire():
    return import_jobs.uploads_expire()


@shared_task
def notifications_collect():
    """New to-do items become notifications; the immediate ones are mailed once they are committed."""
    created = notifications.notifications_collect()
    return {"created": created, "mails": notifications.notifications_send()}


@shared_task
def notifications_send():
    """Mail what is due (immediate ones, the daily digest) and what a mail server that was down kept."""
    return notifications.notifications_send()
