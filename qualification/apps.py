from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = _("Qualification")

    def ready(self):
        from teams import hooks

        # The *_jobs modules register their job handlers when imported.
        from . import export_jobs, generation_jobs, import_jobs, selectors, signals  # noqa: F401
        from .profile import register_profile_hooks

        # The coverage forecast counts agreed plan items as reached by their due date; saving a plan or
        # an item drops the cached forecasts of the person's teams.
        hooks.register_projected_levels(selectors.projected_levels)
        signals.connect()
        # The employee's profile shows the current plan and badges; data export and anonymisation
        # cover plans and comments.
        register_profile_hooks()
