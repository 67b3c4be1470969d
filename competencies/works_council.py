"""Works-council mode (issue #17, README "Works-council mode"): one switch,
``SERVICELEAD_WORKS_COUNCIL_MODE``, turns on every part; each part can also be set on its own
(``SERVICELEAD_WC_<PART>``: true or false; unset follows the switch). Pages and selectors ask
``enabled(part)`` and never read the settings themselves.

Parts:

- ``no_ranking``: lists of people are ordered by name, never by a score — the calibration page's pairs by
  person, and its per-person tendency becomes one figure for the team;
- ``purpose_lines``: each page that shows individual levels states its purpose in one line.

Always on, whatever the switch: the privacy threshold (``SERVICELEAD_MIN_GROUP_SIZE``), the read audit
that each person sees on "Who read my data", self-ratings private until submitted, and the annex
(``manage.py works_agreement_annex``)."""

from django.conf import settings
from django.utils.translation import gettext_lazy

PARTS = ("no_ranking", "purpose_lines")


def mode() -> bool:
    return bool(getattr(settings, "SERVICELEAD_WORKS_COUNCIL_MODE", False))


def enabled(part: str) -> bool:
    """Whether ``part`` (one of PARTS) is on: its own setting if given, else the switch."""
    if part not in PARTS:
        raise ValueError(f"Unknown works-council part {part!r}: one of {', '.join(PARTS)}.")
    own = getattr(settings, f"SERVICELEAD_WC_{part.upper()}", None)
    return mode() if own is None else bool(own)


# The purpose of each page that shows individual levels, one line (shown in works-council mode).
PURPOSES = {
    "competencies:employee_detail": gettext_lazy(
        "Purpose: the person's levels, history and development, for their own planning and their "
        "qualification talk."
    ),
    "competencies:employee_history": gettext_lazy(
        "Purpose: how a level came about, so that it can be checked and corrected."
    ),
    "teams:dashboard": gettext_lazy(
        "Purpose: which competencies the team lacks and how qualification can close the gaps — not an "
        "assessment of anyone's performance."
    ),
    "teams:matrix": gettext_lazy(
        "Purpose: planning the team's competencies and qualification; not a ranking of its members."
    ),
    "teams:review_queue": gettext_lazy("Purpose: confirming or discussing self-assessments."),
    "teams:review_member": gettext_lazy("Purpose: confirming or discussing a person's self-assessment."),
    "teams:review_calibration": gettext_lazy(
        "Purpose: topics for the next conversation where self-view and confirmed level differ; not a verdict."
    ),
    "teams:staffing_hints": gettext_lazy("Purpose: finding help for a gap of the team."),
    "teams:team_detail": gettext_lazy(
        "Purpose: the team's members, requirements and coverage, for planning — not a ranking of its members."
    ),
    "teams:what_if": gettext_lazy(
        "Purpose: trying out a change to the team before making it; nothing is saved, nobody is assessed."
    ),
    "teams:campaign_detail": gettext_lazy(
        "Purpose: following a self-assessment round — who has taken part, not how well."
    ),
    "qualification:plan_detail": gettext_lazy("Purpose: agreeing and following the person's qualification."),
    "qualification:team_plans": gettext_lazy(
        "Purpose: agreeing and following the team's qualification plans."
    ),
    "qualification:team_progress": gettext_lazy(
        "Purpose: seeing whether the planned qualification happens, to help where it stalls."
    ),
    "operations:team_systems": gettext_lazy(
        "Purpose: which installed systems the team can serve, to plan qualification and cover."
    ),
    "operations:team_duty": gettext_lazy(
        "Purpose: days on which too few people on duty hold a needed competency; not an attendance check."
    ),
    "operations:team_duty_strip": gettext_lazy(
        "Purpose: days on which too few people on duty hold a needed competency; not an attendance check."
    ),
    "qualification:team_interests": gettext_lazy(
        "Purpose: honouring what people want to learn when plans are made."
    ),
}


def page_purpose(view_name: str | None) -> str | None:
    """The purpose line of the page ``view_name`` if purpose lines are on, else None."""
    if not view_name or not enabled("purpose_lines"):
        return None
    purpose = PURPOSES.get(view_name)
    return None if purpose is None else str(purpose)
