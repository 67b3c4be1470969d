"""Writes of leader confirmation and campaigns: one transaction each, keyword-only arguments."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from competencies import notifications
from competencies.models import Employee
from competencies.roles import is_hr_or_admin
from competencies.services import ReviewInvalid, assessments_review

from ..models import Campaign, Team
from ..selectors import led_team_ids, memberships_active
from . import selectors


class CampaignInvalid(ValueError):
    """A campaign that cannot be opened; the message says why."""


def team_review_apply(
    *,
    team: Team,
    user: User,
    decisions: Mapping[int, Sequence[Mapping[str, Any]]],
    on: datetime.date | None = None,
) -> dict[str, int]:
    """Record a lead's decisions for several members of ``team`` at once, all or nothing.

    ``decisions``: employee id → list of decisions as ``assessments_review`` takes them. Every person
    must be an active member of the team; each person's decisions are checked against who may confirm
    them. Returns the summed counts."""
    on = on or timezone.localdate()
    members = {
        membership.employee_id: membership.employee
        for membership in memberships_active(on=on)
        .filter(team=team, employee_id__in=list(decisions))
        .select_related("employee")
    }
    strangers = set(decisions) - set(members)
    if strangers:
        raise ReviewInvalid(_("Only members of %(team)s can be decided on this page.") % {"team": team.name})
    totals = {"confirmed": 0, "adjusted": 0, "discussion": 0, "skipped": 0}
    with transaction.atomic():
        for employee_id, employee_decisions in decisions.items():
            counts = assessments_review(
                employee=members[employee_id], user=user, decisions=employee_decisions, on=on
            )
            for key, value in counts.items():
                totals[key] += value
    return totals


def campaign_open(
    *,
    name: str,
    teams: Iterable[Team],
    opens_on: datetime.date,
    deadline: datetime.date,
    message: str = "",
    user: User,
) -> Campaign:
    """Open an assessment campaign for ``teams``; a lead may open one only for teams they lead."""
    teams = list(teams)
    if not teams:
        raise CampaignInvalid(_("Choose at least one team."))
    if not is_hr_or_admin(user):
        scope = led_team_ids(user)
        if any(team.pk not in scope for team in teams):
            raise PermissionDenied(_("You can open a campaign only for teams you lead."))
    if deadline < opens_on:
        raise CampaignInvalid(_("The deadline cannot lie before the opening day."))
    if deadline < timezone.localdate():
        raise CampaignInvalid(_("The deadline has already passed."))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name, opens_on=opens_on, deadline=deadline, message=message, created_by=user
        )
        campaign.teams.set(teams)
    return campaign


def campaign_reminders_send(*, on: datetime.date | None = None) -> int:
    """Remind members of open campaigns who have not submitted, on each lead time before the deadline
    (SERVICELEAD_CAMPAIGN_REMINDER_DAYS) once; a missed day is caught up with one reminder. Members with a
    login are reminded through the notification system (their "campaign" to-do, once, in their language
    and e-mail mode: never a second mail); members without one, whom notifications cannot reach, get a
    plain e-mail. Returns the number of people reminded."""
    on = on or timezone.localdate()
    lead_times = sorted(settings.SERVICELEAD_CAMPAIGN_REMINDER_DAYS, reverse=True)
    sent = 0
    logins: dict[int, Any] = {}
    for campaign_id in Campaign.objects.filter(opens_on__lte=on, deadline__gte=on).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
            days_left = (campaign.deadline - on).days
            due = [days for days in lead_times if days_left <= days and days not in campaign.reminders_sent]
            if not due:
                continue
            recipients = selectors.campaign_pending_recipients(campaign=campaign, on=on)
            campaign.reminders_sent = sorted({*campaign.reminders_sent, *due}, reverse=True)
            campaign.save(update_fields=["reminders_sent"])
            plain = [employee for employee in recipients if employee.user is None]
            logins.update(
                (employee.user.pk, employee.user)
                for employee in recipients
                if employee.user is not None and employee.user.is_active
            )
            if plain:
                send_mass_mail([_reminder(campaign, employee, days_left) for employee in plain])
            sent += len(recipients)
    if logins:
        notifications.notifications_collect(on=on, users=[logins[pk] for pk in sorted(logins)])
    return sent


def _reminder(campaign: Campaign, employee: Employee, days_left: int) -> tuple[str, str, None, list[str]]:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": employee.name,
            "campaign": campaign.name,
            "date": date_format(campaign.deadline, "DATE_FORMAT"),
            "days": days_left,
        }
        subject = _("Reminder: self-assessment “%(campaign)s” due on %(date)s") % context
        body = (
            _(
                "Hello %(name)s,\n\nthe assessment campaign “%(campaign)s” ends on %(date)s (in %(days)s "
                "days). Please rate yourself in servicelead (My profile → Assess myself) and submit.\n"
            )
            % context
        )
        if campaign.message:
            body += "\n" + campaign.message + "\n"
    return (subject, body, None, [employee.email])
