"""Catalogue governance (#15): retire a competency, merge a duplicate into the competency that stays (and
undo or confirm the merge), find duplicate candidates by name.

Merging moves every row that refers to the duplicate — assessments, role and team requirements,
interests, measure links, plan items: each app declares its references with
``hooks.register_competency_reference`` — to the kept competency, in one transaction, recording what moved
in a ``CompetencyMerge`` so that the merge can be undone until HR confirms it. Where the kept competency
has the row already (the same team's requirement, the same person's interest, …) the kept one's row
stays and the duplicate's is removed and kept serialised in the merge, to be restored by an undo."""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process, utils

from . import hooks
from .audit import audit_record
from .models import AuditEntry, Competency, CompetencyMerge, SelfAssessmentDraft

DUPLICATE_SCORE = 85  # rapidfuzz WRatio from which a name counts as a possible duplicate


def active_competencies():
    """Competencies that may be rated or required now (not retired)."""
    return Competency.objects.filter(retired_at__isnull=True)


@transaction.atomic
def competency_retire(*, competency: Competency, actor=None) -> Competency:
    """Hide ``competency`` from new ratings and requirements; its assessments and analyses stay."""
    competency = Competency.objects.select_for_update().get(pk=competency.pk)
    if competency.retired_at is None:
        competency.retired_at = timezone.now()
        competency.save(update_fields=["retired_at"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.RETIRED,
            employee=None,
            competency=competency,
            after={"name": competency.name},
        )
    return competency


@transaction.atomic
def competency_reinstate(*, competency: Competency, actor=None) -> Competency:
    """Offer a retired competency again (not one merged into another: undo the merge for that)."""
    competency = Competency.objects.select_for_update().get(pk=competency.pk)
    if competency.merged_into_id is not None:
        raise ValidationError(_("This competency was merged into another; undo the merge to bring it back."))
    competency.retired_at = None
    competency.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REINSTATED,
        employee=None,
        competency=competency,
        after={"name": competency.name},
    )
    return competency


def _model(label):
    return apps.get_model(label)


def merge_refusals(*, source: Competency, target: Competency) -> list[str]:
    """Why ``source`` cannot be merged into ``target`` (empty: it can)."""
    problems = []
    if source.pk == target.pk:
        problems.append(_("A competency cannot be merged into itself; choose the competency to keep."))
    if target.retired_at is not None:
        problems.append(
            _("“%(name)s” is retired; merge into a competency that is in use.") % {"name": target.name}
        )
    if source.retired_at is not None:
        problems.append(_("“%(name)s” is retired already.") % {"name": source.name})
    if source.scale_id != target.scale_id:
        problems.append(
            _("“%(source)s” and “%(target)s” are rated on different scales; levels would change meaning.")
            % {"source": source.name, "target": target.name}
        )
    return problems


@transaction.atomic
def competency_merge(*, source: Competency, target: Competency, actor=None) -> CompetencyMerge:
    """Move everything that refers to ``source`` to ``target`` and retire ``source``; reversible with
    ``merge_undo`` until ``merge_confirm``. Raises ValidationError with the reasons when refused."""
    source = Competency.objects.select_for_update().get(pk=source.pk)
    target = Competency.objects.select_for_update().get(pk=target.pk)
    problems = merge_refusals(source=source, target=target)
    if problems:
        raise ValidationError(problems)
    moved: dict[str, list[int]] = {}
    removed: dict[str, str] = {}
    employee_ids: set[int] = set()
    for (label, field), unique_with in sorted(hooks.competency_references().items()):
        model = _model(label)
        rows = model.objects.filter(**{f"{field}_id": source.pk})
        clashing: list[int] = []
        if unique_with:
            kept = set(model.objects.filter(**{f"{field}_id": target.pk}).values_list(*unique_with))
            for pk, *key in rows.values_list("pk", *unique_with):
                if tuple(key) in kept:
                    clashing.append(pk)
        if clashing:
            doomed = model.objects.filter(pk__in=clashing)
            removed[f"{label}.{field}"] = serializers.serialize("json", doomed)
            doomed.delete()
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            moved[f"{label}.{field}"] = ids
            model.objects.filter(pk__in=ids).update(**{f"{field}_id": target.pk})
        if "employee" in {f.name for f in model._meta.get_fields()}:
            employee_ids.update(
                model.objects.filter(pk__in=ids).values_list("employee_id", flat=True).distinct()
            )
    _move_drafts(source.pk, target.pk)
    source.retired_at = timezone.now()
    source.merged_into = target
    source.save(update_fields=["retired_at", "merged_into"])
    merge = CompetencyMerge.objects.create(
        source=source,
        target=target,
        moved=moved,
        removed=removed,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.MERGED,
        employee=None,
        competency=source,
        before={"competency": source.pk, "name": source.name},
        after={
            "competency": target.pk,
            "name": target.name,
            "merge": merge.pk,
            "moved": merge_summary(merge),
        },
    )
    transaction.on_commit(lambda: hooks.levels_changed(employee_ids=None))
    return merge


def _move_drafts(source_id: int, target_id: int) -> None:
    """Unsubmitted self-assessments name competencies by id: a draft row of the duplicate becomes one of
    the kept competency unless the draft has one of that already."""
    source_key, target_key = str(source_id), str(target_id)
    for draft in SelfAssessmentDraft.objects.filter(rows__has_key=source_key).iterator():
        rows = dict(draft.rows)
        row = rows.pop(source_key)
        rows.setdefault(target_key, row)
        draft.rows = rows
        draft.save(update_fields=["rows"])
    for draft in SelfAssessmentDraft.objects.exclude(added=[]).iterator():
        if source_id in draft.added:
            draft.added = sorted({target_id if pk == source_id else pk for pk in draft.added})
            draft.save(update_fields=["added"])


def _pending(merge: CompetencyMerge) -> CompetencyMerge:
    merge = CompetencyMerge.objects.select_for_update().select_related("source", "target").get(pk=merge.pk)
    if merge.status != CompetencyMerge.Status.PENDING:
        raise ValidationError(_("This merge is %(status)s already.") % {"status": merge.get_status_display()})
    return merge


@transaction.atomic
def merge_undo(*, merge: CompetencyMerge, actor=None) -> CompetencyMerge:
    """Put back what ``competency_merge`` moved or removed and offer the duplicate again."""
    merge = _pending(merge)
    for key, ids in merge.moved.items():
        label, field = key.rsplit(".", 1)
        _model(label).objects.filter(pk__in=ids).update(**{f"{field}_id": merge.source_id})
    for serialised in merge.removed.values():
        for obj in serializers.deserialize("json", serialised):
            obj.save()
    source = merge.source
    source.retired_at = None
    source.merged_into = None
    source.save(update_fields=["retired_at", "merged_into"])
    return _decide(merge, CompetencyMerge.Status.UNDONE, actor)


@transaction.atomic
def merge_confirm(*, merge: CompetencyMerge, actor=None) -> CompetencyMerge:
    """Make the merge final: it can no longer be undone."""
    return _decide(_pending(merge), CompetencyMerge.Status.CONFIRMED, actor)


def _decide(merge, status, actor):
    merge.status = status
    merge.decided_at = timezone.now()
    merge.decided_by = actor if actor is not None and actor.is_authenticated else None
    merge.save(update_fields=["status", "decided_at", "decided_by"])
    action = (
        AuditEntry.Action.MERGE_UNDONE
        if status == CompetencyMerge.Status.UNDONE
        else AuditEntry.Action.MERGE_CONFIRMED
    )
    audit_record(
        actor=actor,
        action=action,
        employee=None,
        competency=merge.source,
        after={"competency": merge.target_id, "merge": merge.pk},
    )
    if status == CompetencyMerge.Status.UNDONE:
        transaction.on_commit(lambda: hooks.levels_changed(employee_ids=None))
    return merge


def merge_summary(merge: CompetencyMerge) -> dict[str, int]:
    """Rows moved and removed by model verbose name (plural), for the merge page."""
    summary: dict[str, int] = {}
    for key, ids in merge.moved.items():
        name = str(_model(key.rsplit(".", 1)[0])._meta.verbose_name_plural)  # noqa: SLF001
        summary[name] = summary.get(name, 0) + len(ids)
    return summary


def duplicate_candidates(
    names: Iterable[str], *, exclude: Iterable[int] = (), limit: int = 5
) -> list[dict[str, Any]]:
    """Competencies in use whose name resembles any of ``names`` (a name per language), best first:
    ``[{"competency": Competency, "score": int, "exact": bool}]``."""
    wanted = [n.strip() for n in names if n and n.strip()]
    if not wanted:
        return []
    choices = dict(active_competencies().exclude(pk__in=list(exclude)).values_list("pk", "name"))
    best: dict[int, float] = {}
    exact: set[int] = set()
    for name in wanted:
        folded = name.casefold()
        for choice, score, pk in process.extract(
            name,
            choices,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=DUPLICATE_SCORE,
            limit=limit,
        ):
            best[pk] = max(best.get(pk, 0), score)
            if choice.casefold() == folded:
                exact.add(pk)
    ranked = sorted(best, key=lambda pk: (pk not in exact, -best[pk]))[:limit]
    found = Competency.objects.select_related("category").in_bulk(ranked)
    return [{"competency": found[pk], "score": round(best[pk]), "exact": pk in exact} for pk in ranked]


def merge_removed_summary(merge: CompetencyMerge) -> dict[str, int]:
    """Rows of the duplicate removed because the kept competency had them, by model verbose name."""
    summary: dict[str, int] = {}
    for key, serialised in merge.removed.items():
        name = str(_model(key.rsplit(".", 1)[0])._meta.verbose_name_plural)  # noqa: SLF001
        summary[name] = summary.get(name, 0) + len(list(serializers.deserialize("json", serialised)))
    return summary


def usage(competency: Competency) -> dict[str, int]:
    """How many rows of each referring model name ``competency`` (what a merge would move)."""
    found: dict[str, int] = {}
    for (label, field), _unique in sorted(hooks.competency_references().items()):
        model = _model(label)
        count = model.objects.filter(**{f"{field}_id": competency.pk}).count()
        if count:
            found[str(model._meta.verbose_name_plural)] = count  # noqa: SLF001
    return found


def catalogue_competencies(*, query: str = "", category=None, status: str = "active"):
    """The catalogue list: competencies matching ``query`` (name or description), of ``category``, in
    use ("active"), retired ("retired") or both ("all"), in catalogue order."""
    found = Competency.objects.select_related("category", "scale", "merged_into")
    if status == "active":
        found = found.filter(retired_at__isnull=True)
    elif status == "retired":
        found = found.filter(retired_at__isnull=False)
    if category is not None:
        found = found.filter(category=category)
    for word in query.split()[:8]:
        found = found.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return found.order_by("category__position", "category__name", "name", "pk")


def search_active(query: str, *, limit: int = 20) -> list[Competency]:
    """Competencies in use whose name contains every word of ``query``: names starting with it first."""
    words = query.split()[:8]
    if not words:
        return []
    found = active_competencies().select_related("category")
    for word in words:
        found = found.filter(name__icontains=word)
    rows = list(found.order_by("name", "pk")[: limit * 3])
    start = query.casefold()
    rows.sort(key=lambda c: (not c.name.casefold().startswith(start), c.name.casefold()))
    return rows[:limit]
