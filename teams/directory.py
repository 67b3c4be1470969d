"""Team leads from directory groups (README "Sign-in through the directory"): with
``SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS`` ({directory group: team name}) set, every sign-in through LDAP or
OpenID Connect makes the person lead of each mapped team whose group they are in, and no longer lead of
a mapped team whose group they left. Teams the setting does not name keep the leads assigned in the
product. Registered with ``competencies.hooks.register_directory_groups``."""

import logging

from django.conf import settings

from .models import Team

logger = logging.getLogger("servicelead.directory")


def leads_from_groups(*, user, group_names: set[str]) -> None:
    mapping = getattr(settings, "SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS", {}) or {}
    if not mapping:
        return
    teams = {team.name.casefold(): team for team in Team.objects.filter(name__in=list(mapping.values()))}
    for group, team_name in mapping.items():
        team = teams.get(str(team_name).casefold())
        if team is None:
            logger.warning(
                "SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS maps the group %s to %r, which is no team",
                group,
                team_name,
            )
            continue
        leads = team.leads.filter(pk=user.pk).exists()
        if group.lower() in group_names and not leads:
            team.leads.add(user)
            logger.info("%s leads %s (directory group %s)", user.get_username(), team.name, group)
        elif group.lower() not in group_names and leads:
            team.leads.remove(user)
            logger.info(
                "%s no longer leads %s (left directory group %s)", user.get_username(), team.name, group
            )
