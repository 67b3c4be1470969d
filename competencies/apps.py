from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "competencies"
    verbose_name = _("Competencies")

    def ready(self) -> None:
        from jobs import registry

        from .imports import jobs as import_jobs
        from .roles import is_hr_or_admin

        # HR and admins see and cancel everyone's jobs; large imports run as jobs.
        registry.job_supervisor_register(is_hr_or_admin)
        import_jobs.register()
        # What needs each user now: this app's to-do kinds (certificates, rejected imports).
        from . import notifications, privacy_threshold, todos  # noqa: F401 (registers its check)

        todos.register()
        notifications.register()
        from . import proposals

        proposals.register()
        # What a merge of duplicate competencies moves (competencies.governance); teams and qualification
        # declare theirs.
        from . import data_kinds, hooks

        # The kinds of personal data with their purpose and retention (the annex and the retention job).
        data_kinds._register_own()
        hooks.register_competency_reference("competencies.Assessment")
        hooks.register_competency_reference("competencies.RoleRequirement", unique_with=("role_profile",))
        hooks.register_competency_reference("competencies.Interest", unique_with=("employee",))
