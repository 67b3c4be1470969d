"""The audit trail: who did what to whose competency record, when, and what it was before and after.

Services write entries through ``audit_entry`` (in their own transaction); ``employee_history`` reads
them back for the history page that HR and admins see."""

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import hooks
from .i18n import localized
from .models import Assessment, AuditEntry, Employee, ScaleLevel


def audit_entry(
    *,
    actor,
    action,
    employee,
    competency=None,
    competency_id=None,
    assessment=None,
    before=None,
    after=None,
    reason="",
):
    """An unsaved AuditEntry; callers save it or pass many to ``audit_write``."""
    signed_in = actor is not None and actor.is_authenticated
    entry = AuditEntry(
        actor=actor if signed_in else None,
        actor_name=actor.get_username() if signed_in else "",
        action=action,
        employee=employee,
        competency=competency,
        assessment=assessment,
        before=before or {},
        after=after or {},
        reason=reason,
    )
    if competency_id is not None:
        entry.competency_id = competency_id
    return entry


def audit_write(entries):
    """Save the entries in one query."""
    return AuditEntry.objects.bulk_create(entries)


def audit_record(**kwargs):
    """Save one entry (keyword arguments as for ``audit_entry``)."""
    return audit_write([audit_entry(**kwargs)])[0]


def audit_record_view(*, actor, what, employee=None, team=None, details=None):
    """Record that ``actor`` read individual levels: one person's (``employee``) or a team's members'
    (``team``, kept by id and name in ``after``: one row per page, not one per member; ``details`` adds
    more, such as a job). One INSERT; nothing when people read their own record. Returns the entry or
    None.

    Recorded where a page shows a named person's levels as numbers: the profile, the review pages, the
    evidence files, plans, the team dashboard's heatmap, staffing hints and plan exports. Pages that
    show only aggregates or who holds a level (team, department and organisation pages) are not."""
    if actor is None or not actor.is_authenticated:
        return None
    if employee is not None and employee.user_id == actor.pk:
        return None
    entry = audit_entry(
        actor=actor,
        action=AuditEntry.Action.VIEWED,
        employee=employee,
        after={
            **({"team": {"id": team.pk, "name": team.name}} if team is not None else {}),
            **(details or {}),
        },
    )
    entry.what = what
    entry.save(force_insert=True)
    return entry


def audit_record_reads(*, actor, what, employee_ids, details=None):
    """Record that ``actor`` read the individual levels of the people ``employee_ids``: one ``viewed`` entry
    per person (none for the actor's own record), all in one INSERT. For answers that name many people at
    once, such as a page of the REST API's assessments. Returns the entries."""
    if actor is None or not actor.is_authenticated or not employee_ids:
        return []
    own = set(Employee.objects.filter(user=actor).values_list("pk", flat=True))
    entries = []
    for employee_id in sorted(set(employee_ids) - own):
        entry = audit_entry(actor=actor, action=AuditEntry.Action.VIEWED, employee=None, after=details)
        entry.employee_id = employee_id
        entry.what = what
        entries.append(entry)
    return audit_write(entries)


def employee_history(*, employee, limit=500):
    """The person's audit entries but the reads, newest first, with actor and competency, as records (one
    query)."""
    rows = (
        AuditEntry.objects.filter(employee=employee)
        .exclude(action=AuditEntry.Action.VIEWED)
        .select_related("competency")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        {
            "entry": entry,
            "action_label": entry.get_action_display(),
            "changes": _changes(entry.before, entry.after),
        }
        for entry in rows
    ]


def employee_reads(*, employee, limit=500):
    """Who read the person's individual levels on their pages, newest first, as records (one query)."""
    rows = AuditEntry.objects.filter(employee=employee, action=AuditEntry.Action.VIEWED).order_by(
        "-created_at", "-id"
    )[:limit]
    return [{"entry": entry, "what_label": entry.get_what_display()} for entry in rows]


READS_SHOWN = 500


def reads_about(*, employee, what=None, since=None, until=None, limit=READS_SHOWN):
    """Who read ``employee``'s individual data, newest first (at most ``limit``): reads of their own
    record, and reads of a team page while they were a member of that team. ``what`` (an
    ``AuditEntry.Read`` value), ``since``/``until`` (dates, inclusive) narrow it. Records of actor, what,
    team and when; two queries."""
    periods = hooks.membership_periods(employee_id=employee.pk)
    team_ids = sorted({team_id for team_id, _start, _end in periods})
    about = Q(employee=employee)
    if team_ids:
        about |= Q(employee__isnull=True, after__team__id__in=team_ids)
    entries = AuditEntry.objects.filter(about, action=AuditEntry.Action.VIEWED).select_related("actor")
    if what:
        entries = entries.filter(what=what)
    if since:
        entries = entries.filter(created_at__date__gte=since)
    if until:
        entries = entries.filter(created_at__date__lte=until)
    rows = []
    for entry in entries.order_by("-created_at", "-id")[: limit * 2]:
        team = (entry.after or {}).get("team") if entry.employee_id is None else None
        if team is not None:
            day = timezone.localtime(entry.created_at).date()
            if not any(
                team_id == team.get("id") and start <= day and (end is None or day <= end)
                for team_id, start, end in periods
            ):
                continue
        actor = entry.actor
        rows.append(
            {
                "when": entry.created_at,
                "actor": (actor.get_full_name() or actor.get_username()) if actor is not None else "—",
                "what": str(entry.get_what_display()),
                "team": team.get("name", "") if team else "",
            }
        )
        if len(rows) == limit:
            break
    return rows


def assessment_log(*, employee, limit=1000):
    """Every assessment of the person, newest first, with who recorded it: the append-only history that
    makes assessments recorded outside the pages (API, import, plans) attributable too. Each with the
    scale its level was given on and that level's label there (``level_label``), in the reader's
    language, however the competency's scale changed since (one query)."""
    label = (
        ScaleLevel.objects.filter(scale_id=OuterRef("scale_id"), value=OuterRef("level"))
        .annotate(text=localized("label"))
        .values("text")
    )
    return list(
        Assessment.objects.filter(employee=employee)
        .select_related("competency", "assessed_by", "scale")
        .annotate(level_label=Subquery(label[:1]))
        .order_by("-created_at", "-id")[:limit]
    )


CHANGE_LABELS = {
    "level": _("level"),
    "self": _("self-assessed"),
    "confirmed": _("confirmed"),
    "note": _("note"),
    "interested": _("development interest"),
    "target": _("target level"),
    "issued_on": _("issued on"),
    "valid_until": _("valid until"),
    "evidence": _("evidence file"),
    "format": _("format"),
    "levels": _("levels recorded"),
    "interests": _("interests changed"),
    "name": _("name"),
    "removed": _("removed"),
}


def _display(value):
    if value is None:
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, dict):
        return ", ".join(f"{CHANGE_LABELS.get(k, k)}: {_display(v)}" for k, v in value.items())
    return str(value)


def _changes(before, after):
    """(label, before, after) as text for every key in either state, in a stable order."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [
        (CHANGE_LABELS.get(key, key), _display(before.get(key)), _display(after.get(key))) for key in keys
    ]
