from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Service operations")

    def ready(self):
        from competencies import hooks

        from .privacy import PRIVACY_COVERAGE, personal_data

        # Duty entries name people: "download my data" and anonymisation cover them.
        for relation, coverage in PRIVACY_COVERAGE.items():
            hooks.register_privacy_coverage(relation, **coverage)
        hooks.register_personal_data(personal_data)
        # Absences and duty are deleted SERVICELEAD_DUTY_RETENTION_DAYS after they ended.
        from competencies import data_kinds

        from .privacy import DUTY_KIND

        data_kinds.register(DUTY_KIND)
        # The lead's to-dos list the first day short of people on duty; the team dashboard shows the strip.
        from teams import hooks as team_hooks

        from . import todos

        todos.register()
        # Imports run as jobs: a ticket export of a million rows takes about a minute.
        from . import import_jobs

        import_jobs.register()
        team_hooks.register_dashboard_panel(todos.dashboard_panel)
        # The forecast's need from installed systems, and the what-if's effect on duty.
        team_hooks.register_dashboard_panel(todos.systems_panel)
        team_hooks.register_what_if_panel(todos.what_if_duty)
