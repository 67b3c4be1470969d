"""Celery application, wired the standard Django way."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.local")

app = Celery("servicelead")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
