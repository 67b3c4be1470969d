from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs: the Job row and its guarantees. It imports no other app of the project; the apps
    above it register their job kinds (``jobs.registry``) in their own ``ready()``."""

    name = "jobs"
    verbose_name = _("Background jobs")
