from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = _("Qualification")

    def ready(self):
        from teams import hooks

        from . import export_jobs, generation_jobs, selectors, signals
        from .profile import register_profile_hooks

        # Plan generation and plan export run as background jobs.
        generation_jobs.register()
        export_jobs.register()
        # The coverage forecast counts agreed plan items as reached by their due date; saving a plan or
        # an item drops the cached forecasts of the person's teams.
        hooks.register_projected_levels(selectors.projected_levels)
        signals.connect()
        # The employee's profile shows the current plan and badges; data export and anonymisation
        # cover plans and comments.
        register_profile_hooks()
        # Plans to accept, items due and drafts to propose on the to-do lists (competencies.todos).
        from . import todos

        todos.register()
        # Merging duplicate competencies moves measure links and plan items (competencies.governance).
        from competencies import hooks as competency_hooks

        competency_hooks.register_competency_reference(
            "qualification.MeasureCompetency", unique_with=("measure",)
        )
        competency_hooks.register_competency_reference("qualification.PlanItem", unique_with=("plan",))
