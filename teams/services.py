"""Functions that change the teams' state; one transaction each."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Membership


def membership_leave_refusals(*, employee_id: int, on: datetime.date) -> list[str]:
    """Why a leave on ``on`` cannot end the person's memberships: those starting after that day."""
    later = (
        Membership.objects.filter(employee_id=employee_id, start__gt=on)
        .select_related("team")
        .order_by("start", "id")
    )
    return [
        _(
            "The membership in %(team)s starts on %(start)s, after the leaving date; "
            "end or remove it before recording the leave."
        )
        % {"team": membership.team.name, "start": membership.start.isoformat()}
        for membership in later
    ]


def memberships_end_on_leave(*, employee_id: int, on: datetime.date) -> list[Membership]:
    """End the person's memberships still open on ``on`` (no end, or a later one) on that day."""
    with transaction.atomic():
        still_open = (
            Membership.objects.select_for_update()
            .filter(Q(end__isnull=True) | Q(end__gt=on), employee_id=employee_id, start__lte=on)
            .order_by("id")
        )
        ended = list(still_open)
        for membership in ended:
            membership.end = on
            # One save per membership (a person has a few): the signals mark the cached analyses changed.
            membership.save(update_fields=["end"])
    return ended
