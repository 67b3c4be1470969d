"""Competency proposals (#15 item 4): an employee or lead proposes a competency with a justification; HR
accepts it into a category, merges it into an existing competency, or declines it with a reason. HR sees
open proposals on its to-do list, the proposer sees the decision on theirs (and is notified of it)."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import hooks
from .catalogue_labels import apply_labels, default_language
from .governance import active_competencies
from .models import Category, Competency, CompetencyProposal, Scale
from .roles import is_hr_or_admin
from .todos import Todo, TodoContext, TodoKind, short_date

NAME_MAX = CompetencyProposal._meta.get_field("name").max_length or 150  # noqa: SLF001
DECIDED_SHOWN_DAYS = 14


def existing_named(name: str) -> Competency | None:
    """The competency in use whose name is ``name`` (ignoring case), if any."""
    return active_competencies().filter(name__iexact=name.strip()).select_related("category").first()


def proposal_create(*, user: Any, name: str, justification: str, description: str = "") -> CompetencyProposal:
    """Record a proposal. ValidationError when the name is empty, too long or names a competency that
    exists (the message names it and its category), or the justification is missing."""
    name, justification = name.strip(), justification.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the competency you propose.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(limit)s characters.") % {"limit": NAME_MAX}]
    elif (existing := existing_named(name)) is not None:
        errors["name"] = [
            _("“%(name)s” is in the catalogue already (%(category)s): rate it on your self-assessment page.")
            % {"name": existing.name, "category": existing.category.name}
        ]
    if not justification:
        errors["justification"] = [_("Say why the catalogue needs it: HR decides on this.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return CompetencyProposal.objects.create(
            name=name, description=description.strip(), justification=justification, proposed_by=user
        )


def _open_for_decision(proposal: CompetencyProposal, actor: Any) -> CompetencyProposal:
    if not is_hr_or_admin(actor):
        raise PermissionDenied(_("Only HR decides on proposals."))
    proposal = CompetencyProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != CompetencyProposal.Status.OPEN:
        raise ValidationError(_("This proposal has been decided already."))
    return proposal


def _decided(proposal: CompetencyProposal, status: str, actor: Any, **fields: Any) -> CompetencyProposal:
    proposal.status = status
    proposal.decided_at = timezone.now()
    proposal.decided_by = actor
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_accept(
    *, proposal: CompetencyProposal, category: Category, scale: Scale, actor: Any
) -> Competency:
    """Add the proposed competency to ``category`` on ``scale``."""
    proposal = _open_for_decision(proposal, actor)
    if (existing := existing_named(proposal.name)) is not None and existing.category_id == category.pk:
        raise ValidationError(
            _("%(category)s has “%(name)s” already: merge the proposal into it.")
            % {"category": category.name, "name": existing.name}
        )
    competency = Competency(category=category, scale=scale)
    apply_labels(competency, {default_language(): proposal.name}, {default_language(): proposal.description})
    competency.full_clean()
    competency.save()
    _decided(proposal, CompetencyProposal.Status.ACCEPTED, actor, competency=competency)
    return competency


@transaction.atomic
def proposal_merge(*, proposal: CompetencyProposal, competency: Competency, actor: Any) -> CompetencyProposal:
    """Answer the proposal with a competency the catalogue has already."""
    proposal = _open_for_decision(proposal, actor)
    if competency.retired_at is not None:
        raise ValidationError(
            _("“%(name)s” is retired; choose a competency in use.") % {"name": competency.name}
        )
    return _decided(proposal, CompetencyProposal.Status.MERGED, actor, competency=competency)


@transaction.atomic
def proposal_decline(*, proposal: CompetencyProposal, reason: str, actor: Any) -> CompetencyProposal:
    """Decline with a reason the proposer reads."""
    proposal = _open_for_decision(proposal, actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the proposer a reason.")]})
    return _decided(proposal, CompetencyProposal.Status.DECLINED, actor, reason=reason.strip())


def open_proposals() -> QuerySet[CompetencyProposal]:
    return CompetencyProposal.objects.filter(status=CompetencyProposal.Status.OPEN).select_related(
        "proposed_by"
    )


def proposals_of(user: Any) -> QuerySet[CompetencyProposal]:
    return CompetencyProposal.objects.filter(proposed_by=user).select_related("competency")


# --- To-dos and notifications ----------------------------------------------------------------------------


def _open_todos(context: TodoContext) -> list[Todo]:
    rows = list(open_proposals().order_by("created_at", "id").values("id", "name", "created_at"))
    return [
        Todo(
            kind="proposal_open",
            key=f"proposal:{row['id']}",
            params={"name": row["name"], "proposed": timezone.localdate(row["created_at"]).isoformat()},
            url=reverse("catalogue:proposal_detail", args=[row["id"]]),
        )
        for row in rows
    ]


def _decided_todos(context: TodoContext) -> list[Todo]:
    since = timezone.now() - datetime.timedelta(days=DECIDED_SHOWN_DAYS)
    rows = (
        CompetencyProposal.objects.filter(proposed_by=context.user, decided_at__gte=since)
        .exclude(status=CompetencyProposal.Status.OPEN)
        .order_by("-decided_at")
        .values("id", "name", "status", "reason", "competency__name", "decided_at")
    )
    return [
        Todo(
            kind="proposal_decided",
            key=f"proposal-decided:{row['id']}",
            params={
                "name": row["name"],
                "status": row["status"],
                "reason": row["reason"],
                "competency": row["competency__name"] or "",
                "decided": timezone.localdate(row["decided_at"]).isoformat(),
            },
            url=reverse("catalogue:propose"),
        )
        for row in rows
    ]


def _open_text(params: Mapping[str, Any]) -> str:
    return _("Competency proposed on %(date)s: “%(name)s” — accept, merge or decline.") % {
        "name": params["name"],
        "date": short_date(params["proposed"]),
    }


def _decided_text(params: Mapping[str, Any]) -> str:
    values = {
        "name": params["name"],
        "competency": params.get("competency", ""),
        "reason": params.get("reason"),
    }
    if params["status"] == CompetencyProposal.Status.ACCEPTED:
        return _("Your proposal “%(name)s” was accepted: it is in the catalogue now.") % values
    if params["status"] == CompetencyProposal.Status.MERGED:
        return _("Your proposal “%(name)s” is covered by “%(competency)s”: rate that one.") % values
    return _("Your proposal “%(name)s” was declined: %(reason)s") % values


def register() -> None:
    hooks.register_todo_kind(
        TodoKind("proposal_open", "hr", gettext_lazy("Proposed competencies"), _open_text, 30)
    )
    hooks.register_todo_kind(
        TodoKind("proposal_decided", "employee", gettext_lazy("Decisions on my proposals"), _decided_text, 60)
    )
    hooks.register_todo_provider("hr", _open_todos)
    hooks.register_todo_provider("employee", _decided_todos)
