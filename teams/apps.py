from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self):
        from competencies import hooks as competency_hooks
        from competencies import permissions as competency_permissions

        from . import selectors, services, signals
        from .gaps import cache
        from .review import register_competency_hooks

        # competencies cannot import teams; teams tells it who leads whom.
        competency_permissions.register_employee_reach(selectors.user_leads_employee)
        competency_permissions.register_employee_scope(selectors.led_employee_ids)
        # Team requirements on the self-assessment page, leads for expiry mails, memberships in exports.
        register_competency_hooks()
        # Cached gap analyses follow every change of their input (teams.gaps.cache).
        signals.connect()
        competency_hooks.register_levels_changed(cache.levels_changed)
        # The importer compares a file's team column with the person's teams.
        competency_hooks.register_team_names(selectors.employee_team_names)
        # Merging duplicate competencies moves team requirements too (competencies.governance).
        competency_hooks.register_competency_reference("teams.TeamRequirement", unique_with=("team",))
        # An employee's "who read my data" includes the team pages read while they were in the team.
        competency_hooks.register_membership_periods(selectors.employee_membership_periods)
        # Team leads from directory groups, when SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS maps them.
        from . import directory

        competency_hooks.register_directory_groups(directory.leads_from_groups)
        # Leads and heads, campaigns, reviews and gaps on the to-do lists (competencies.todos).
        from . import todos

        todos.register()
        # Recording that someone left ends their open memberships that day (competencies.services).
        competency_hooks.register_leave(
            refusals=services.membership_leave_refusals, record=services.memberships_end_on_leave
        )
