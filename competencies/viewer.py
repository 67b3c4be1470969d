"""What a request knows about its signed-in user, worked out at most once per request.

Role checks, permission rules, the navigation and the pages all ask the same questions about the user:
which groups they are in, which employee record is theirs, which teams they lead. ``viewer_of(user)`` is
the one place that keeps the answers, on one object per user object (Django builds a new user object for
every request, so nothing outlives the request). A page that read one of these facts anyway hands it over
with ``know_employee`` / ``know_led_team_ids`` / ``know_is_lead`` instead of letting the next reader query
again. The teams a user leads are a fact of the teams app: it computes them and stores them here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Employee

_ATTRIBUTE = "_servicelead_viewer"
_UNKNOWN: Any = object()


class Viewer:
    """The signed-in user's groups, employee record and led teams, each read on first use."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._groups: frozenset[str] | None = None
        self._employee: Employee | None = _UNKNOWN
        self._led_team_ids: frozenset[int] | None = None
        self._is_lead: bool | None = None

    @property
    def groups(self) -> frozenset[str]:
        """Names of the user's Django groups (empty for an anonymous user)."""
        if self._groups is None:
            self._groups = (
                frozenset(self.user.groups.values_list("name", flat=True))
                if self.user.is_authenticated
                else frozenset()
            )
        return self._groups

    @property
    def employee(self) -> Employee | None:
        """The user's own employee record, None when there is none."""
        if self._employee is _UNKNOWN:
            self._employee = getattr(self.user, "employee", None) if self.user.is_authenticated else None
        return self._employee

    def know_employee(self, employee: Employee | None) -> None:
        """Keep the user's own employee record (None: they have none), read by a page anyway; another
        person's record tells nothing about the user and is ignored."""
        if employee is None or employee.user_id == self.user.pk:
            self._employee = employee

    @property
    def led_team_ids(self) -> frozenset[int] | None:
        """Teams the user leads with their subtrees, once the teams app has worked them out (else None)."""
        return self._led_team_ids

    def know_led_team_ids(self, team_ids: Iterable[int]) -> frozenset[int]:
        self._led_team_ids = frozenset(team_ids)
        return self._led_team_ids

    @property
    def is_lead(self) -> bool:
        """Whether the user leads any team."""
        if self._is_lead is None:
            if self._led_team_ids is not None:
                self._is_lead = bool(self._led_team_ids)
            else:
                self._is_lead = bool(self.user.is_authenticated and self.user.led_teams.exists())
        return self._is_lead

    def know_is_lead(self, is_lead: bool) -> None:
        self._is_lead = is_lead


def viewer_of(user: Any) -> Viewer:
    """The request's ``Viewer`` for ``user``, created on first use."""
    viewer = getattr(user, _ATTRIBUTE, None)
    if viewer is None:
        viewer = Viewer(user)
        setattr(user, _ATTRIBUTE, viewer)
    return viewer
