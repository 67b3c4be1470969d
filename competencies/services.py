"""State-changing services for the catalogue and people: keyword-only arguments, one transaction each."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import hooks, notifications, selectors
from .audit import audit_entry, audit_record, audit_write
from .i18n import languages
from .models import (
    AccountSettings,
    Assessment,
    AuditEntry,
    Category,
    CertificateNotice,
    Competency,
    Employee,
    EvidenceFile,
    Interest,
    RoleProfile,
    RoleRequirement,
    Scale,
    ScaleLevel,
    SelfAssessmentDraft,
)
from .permissions import AnyUser
from .scales import level_check, scale_levels


class AssessmentInvalid(ValidationError, ValueError):
    """An assessment that cannot be recorded; the message says why (by field where one is to blame)."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def employee_save(*, employee: Employee | None = None, fields: Mapping[str, Any] | None = None) -> Employee:
    """Create or change a person (``fields``: the plain fields to set, or the changes already made on
    ``employee``); a new leaving date ends their open memberships on that day.

    In the same transaction every app registered with ``hooks.register_leave`` ends what it holds open
    (teams: memberships without an end or ending later get ``end = left_on``). A membership that starts
    after the leaving date cannot be ended then (its end would lie before its start), so the leave is
    refused with a ValidationError on ``left_on`` naming it: end or remove that membership first."""
    employee = employee or Employee()
    fields_assign(employee, fields or {}, EMPLOYEE_FIELDS)
    with transaction.atomic():
        previous = None
        if employee.pk is not None:
            previous = (
                Employee.objects.select_for_update()
                .filter(pk=employee.pk)
                .values_list("left_on", flat=True)
                .first()
            )
        left_on = employee.left_on if employee.left_on != previous else None
        if left_on is not None and employee.pk is not None:
            problems = hooks.leave_refusals(employee_id=employee.pk, on=left_on)
            if problems:
                raise ValidationError({"left_on": problems})
        employee.save()
        if left_on is not None:
            hooks.leave_record(employee_id=employee.pk, on=left_on)
    return employee


def assessment_record(
    *,
    employee: Employee,
    competency: Competency,
    level: int,
    source: str,
    assessed_on: datetime.date,
    assessed_by: User | None,
    valid_until: datetime.date | None = None,
    note: str = "",
) -> Assessment:
    """Append one assessment after checking its level against the competency's scale.

    A certificate of a competency with a validity gets ``valid_until`` from it when none is given."""
    if source not in Assessment.Source.values:
        raise AssessmentInvalid({"source": [_("Unknown assessment source %(source)r.") % {"source": source}]})
    if assessed_on > timezone.localdate():
        raise AssessmentInvalid({"assessed_on": [_("An assessment cannot be dated in the future.")]})
    try:
        level_check(competency=competency, level=level, field="level")
    except ValidationError as error:
        raise AssessmentInvalid(error) from None
    if valid_until is None and source == Assessment.Source.CERTIFICATE and competency.validity_months:
        valid_until = assessed_on + relativedelta(months=competency.validity_months)
    if valid_until is not None and valid_until < assessed_on:
        raise AssessmentInvalid({"valid_until": [_("“Valid until” cannot be before the assessment date.")]})
    with transaction.atomic():
        return Assessment.objects.create(
            employee=employee,
            competency=competency,
            level=level,
            scale_id=competency.scale_id,
            source=source,
            assessed_on=assessed_on,
            assessed_by=assessed_by,
            valid_until=valid_until,
            note=note,
        )


# --- The catalogue: scales, categories, competencies, role profiles ----------------------------------------
#
# ``fields`` holds the plain fields to set (a partial change names only some); rows written with their
# parent (a scale's levels, a profile's requirements) replace the parent's rows when given and are
# kept when ``None``. Rules break as ValidationError naming the field ("requirements.0.target_level").

SCALE_FIELDS = ("name", "description")
CATEGORY_FIELDS = ("name", "family", "description", "position")
COMPETENCY_FIELDS = ("category", "name", "description", "scale", "requires_certificate", "validity_months")
ROLE_PROFILE_FIELDS = ("name", "description")


def fields_assign(instance: Model, fields: Mapping[str, Any], names: Iterable[str]) -> None:
    """Set the plain fields ``names`` that ``fields`` holds on ``instance`` (a partial change names only
    some); the API's and the pages' create-or-change services of every app share it."""
    for name in names:
        if name in fields:
            setattr(instance, name, fields[name])
        # A catalogue text's languages (``name_de``, ``name_en``), written after ``name``, which is the
        # request's language: an explicit translation wins.
        for language in languages():
            if f"{name}_{language}" in fields:
                setattr(instance, f"{name}_{language}", fields[f"{name}_{language}"])


def _is_referenced(instance: Model) -> bool:
    """True when any row refers to ``instance``, asked relation by relation without naming the apps."""
    for relation in instance._meta.related_objects:
        related = relation.related_model
        assert not isinstance(related, str)  # noqa: S101 - resolved once the app registry is ready
        if related._default_manager.filter(**{relation.field.name: instance}).exists():
            return True
    return False


def scale_levels_check(*, scale: Scale | None, levels: Sequence[Mapping[str, Any]]) -> None:
    """ValidationError unless ``levels`` are numbered 0..N and, for a scale competencies use, keep the
    values it has (it can be relabelled, not lengthened or shortened)."""
    values = sorted(level["value"] for level in levels)
    if not values or values != list(range(len(values))):
        raise ValidationError({"levels": [_("Levels must be numbered 0, 1, 2, … without gaps or repeats.")]})
    if scale is not None and scale.pk is not None and scale.competencies.exists():
        if values != sorted(scale.levels.values_list("value", flat=True)):
            raise ValidationError(
                {
                    "levels": [
                        _(
                            "Competencies use this scale: its levels can be relabelled, but not added or "
                            "removed."
                        )
                    ]
                }
            )


def scale_save(
    *, scale: Scale | None = None, fields: Mapping[str, Any], levels: Sequence[Mapping[str, Any]] | None
) -> Scale:
    """Create or change a scale; ``levels`` (dicts of value, label, descriptor) replace its levels."""
    if levels is not None:
        scale_levels_check(scale=scale, levels=levels)
    elif scale is None:
        raise ValidationError({"levels": [_("This field is required.")]})
    with transaction.atomic():
        scale = scale or Scale()
        fields_assign(scale, fields, SCALE_FIELDS)
        scale.save()
        if levels is not None:
            scale.levels.all().delete()
            ScaleLevel.objects.bulk_create(ScaleLevel(scale=scale, **level) for level in levels)
    return scale


def category_save(*, category: Category | None = None, fields: Mapping[str, Any]) -> Category:
    """Create or change a competency category."""
    with transaction.atomic():
        category = category or Category()
        fields_assign(category, fields, CATEGORY_FIELDS)
        category.save()
    return category


def competency_save(*, competency: Competency | None = None, fields: Mapping[str, Any]) -> Competency:
    """Create or change a competency. Only one that requires a certificate has a validity; one in use
    keeps its scale."""
    requires_certificate = fields.get(
        "requires_certificate", competency.requires_certificate if competency else False
    )
    validity = fields.get("validity_months", competency.validity_months if competency else None)
    if validity is not None and not requires_certificate:
        raise ValidationError(
            {"validity_months": [_("Only a competency that requires a certificate has a validity.")]}
        )
    scale = fields.get("scale")
    if competency is not None and scale is not None and scale.pk != competency.scale_id:
        if _is_referenced(competency):
            raise ValidationError({"scale": [_("This competency is in use; its scale cannot change.")]})
    with transaction.atomic():
        competency = competency or Competency()
        fields_assign(competency, fields, COMPETENCY_FIELDS)
        competency.save()
    return competency


def role_requirements_check(*, requirements: Sequence[Mapping[str, Any]]) -> None:
    """ValidationError unless each competency appears once with a target level on its scale (>= 1)."""
    competencies = [requirement["competency"] for requirement in requirements]
    if len({competency.pk for competency in competencies}) != len(competencies):
        raise ValidationError({"requirements": [_("Each competency may appear only once.")]})
    levels = scale_levels(competency_ids=[competency.pk for competency in competencies])
    for index, requirement in enumerate(requirements):
        competency = requirement["competency"]
        level_check(
            competency=competency,
            level=requirement["target_level"],
            minimum=1,
            levels=levels[competency.pk],
            field=f"requirements.{index}.target_level",
        )


def role_profile_save(
    *,
    profile: RoleProfile | None = None,
    fields: Mapping[str, Any],
    requirements: Sequence[Mapping[str, Any]] | None,
) -> RoleProfile:
    """Create or change a role profile; ``requirements`` (dicts of competency, target_level) replace its
    requirements."""
    if requirements is not None:
        role_requirements_check(requirements=requirements)
    with transaction.atomic():
        profile = profile or RoleProfile()
        fields_assign(profile, fields, ROLE_PROFILE_FIELDS)
        profile.save()
        if requirements is not None:
            profile.requirements.all().delete()
            RoleRequirement.objects.bulk_create(
                RoleRequirement(role_profile=profile, **requirement) for requirement in requirements
            )
    return profile


def catalogue_entry_delete(*, entry: Scale | Category | Competency | RoleProfile) -> None:
    """Delete a scale, category, competency or role profile; ProtectedError while other records still
    refer to it."""
    with transaction.atomic():
        entry.delete()


EMPLOYEE_FIELDS = ("personnel_no", "name", "email", "user", "role_profile", "is_active", "left_on")


# --- Self-assessment, leader confirmation, certificates ------------------------------------------------


class SelfAssessmentStale(AssessmentInvalid):
    """The form was rendered before the latest self-assessment was recorded and would change it again."""


class ReviewInvalid(AssessmentInvalid):
    """A leader's decision that cannot be recorded; the message says why."""


class EvidenceInvalid(AssessmentInvalid):
    """An evidence file that is too large or of a type that is not accepted."""


def _level_check(competency: Competency, level: int, levels: Sequence[int] | None) -> None:
    try:
        level_check(competency=competency, level=level, levels=levels)
    except ValidationError as error:
        raise AssessmentInvalid(error) from None


def _lock(employee: Employee) -> Employee:
    # Serialises concurrent writes for one person (a double-clicked submit, two leads at once).
    return Employee.objects.select_for_update().get(pk=employee.pk)


def self_assessment_draft_save(
    *,
    employee: Employee,
    user: AnyUser,
    entries: Mapping[int | str, Mapping[str, Any]],
    added: Iterable[int | str] = (),
) -> SelfAssessmentDraft:
    """Keep the person's unsubmitted self-assessment (``entries``: competency id → dict of level, note,
    grow, target) and the competencies they added, replacing the previous draft."""
    if employee.user_id != user.pk:
        raise PermissionDenied(_("Only the person can save their own self-assessment."))
    rows = {
        str(competency_id): {
            "level": entry.get("level"),
            "note": entry.get("note", ""),
            "grow": bool(entry.get("grow")),
            "target": entry.get("target"),
        }
        for competency_id, entry in entries.items()
    }
    with transaction.atomic():
        draft, _created = SelfAssessmentDraft.objects.update_or_create(
            employee=employee, defaults={"rows": rows, "added": sorted({int(pk) for pk in added})}
        )
    return draft


def self_assessment_submit(
    *,
    employee: Employee,
    user: User,
    entries: Mapping[int, Mapping[str, Any]],
    version: int | str | None,
    on: datetime.date | None = None,
) -> dict[str, Any]:
    """Record the person's self-assessment: a ``self`` assessment for each level (or note) that differs
    from their latest one, their development interests, an audit entry per change; clears the draft.

    ``entries``: competency id → {"level": int or None, "note", "grow", "target", "target_kept"
    (optional: the stored target, unchanged)}; ``version``: the id of
    the latest self-assessment when the form was rendered. A form submitted again after it was recorded
    (double click, back button) records nothing twice: without changes it reports ``already_submitted``,
    with changes it raises SelfAssessmentStale. Returns counts of what was recorded."""
    if employee.user_id != user.pk:
        raise PermissionDenied(_("A self-assessment can only be recorded for one's own record."))
    on = on or timezone.localdate()
    # A retired competency (competencies.governance) is rated no more.
    competencies = (
        Competency.objects.filter(retired_at__isnull=True).only("pk", "name", "scale").in_bulk(list(entries))
    )
    names = {pk: competency.name for pk, competency in competencies.items()}
    unknown = sorted(set(entries) - set(names))
    if unknown:
        raise AssessmentInvalid(
            _("Unknown competency %(ids)s: it cannot be rated.") % {"ids": ", ".join(map(str, unknown))}
        )
    allowed = scale_levels(competency_ids=entries)
    for competency_id, entry in entries.items():
        if entry.get("level") is not None:
            _level_check(competencies[competency_id], entry["level"], allowed[competency_id])
        target = entry.get("target") if entry.get("grow") else None
        if target is not None:
            _level_check(competencies[competency_id], target, allowed[competency_id])
            # A kept aim (``target_kept``: the stored one, left as it was) may be reached by the rating.
            reached = (
                not entry.get("target_kept") and entry.get("level") is not None and target <= entry["level"]
            )
            if target < 1 or reached:
                raise AssessmentInvalid(
                    _("The target for %(competency)s must lie above the level you chose.")
                    % {"competency": names[competency_id]}
                )
    with transaction.atomic():
        _lock(employee)
        latest, current_version = selectors.latest_self_assessments(employee=employee)
        interests = {i.competency_id: i for i in Interest.objects.filter(employee=employee)}
        new_rows, audit_rows = [], []
        for competency_id, entry in entries.items():
            level, note = entry.get("level"), (entry.get("note") or "").strip()
            previous = latest.get(competency_id)
            if level is None:
                continue
            if previous is not None and previous[0] == level and (not note or note == previous[1]):
                continue
            new_rows.append(
                Assessment(
                    employee=employee,
                    competency_id=competency_id,
                    level=level,
                    scale_id=competencies[competency_id].scale_id,
                    source=Assessment.Source.SELF,
                    assessed_on=on,
                    assessed_by=user,
                    note=note,
                )
            )
        interest_changes = _interest_changes(employee, entries, interests)
        if int(version or 0) != current_version:
            if new_rows or any(interest_changes):
                raise SelfAssessmentStale(
                    _(
                        "Your self-assessment was recorded in the meantime (in another window or by a "
                        "second click). Nothing was recorded now; please check the current values and "
                        "submit again."
                    )
                )
            return {"recorded": 0, "interests": 0, "already_submitted": True}
        created = Assessment.objects.bulk_create(new_rows)
        if created:
            hooks.levels_changed(employee_ids=[employee.pk])
        for assessment in created:
            previous = latest.get(assessment.competency_id)
            audit_rows.append(
                audit_entry(
                    actor=user,
                    action=AuditEntry.Action.SELF_ASSESSED,
                    employee=employee,
                    competency_id=assessment.competency_id,
                    assessment=assessment,
                    before={"level": previous[0] if previous else None},
                    after={"level": assessment.level, "note": assessment.note},
                )
            )
        audit_rows.extend(_interest_apply(employee, user, *interest_changes))
        audit_rows.append(
            audit_entry(
                actor=user,
                action=AuditEntry.Action.SELF_SUBMITTED,
                employee=employee,
                after={"levels": len(created), "interests": sum(len(c) for c in interest_changes)},
            )
        )
        audit_write(audit_rows)
        SelfAssessmentDraft.objects.filter(employee=employee).delete()
    return {
        "recorded": len(created),
        "interests": sum(len(c) for c in interest_changes),
        "already_submitted": False,
    }


def _interest_changes(
    employee: Employee, entries: Mapping[int, Mapping[str, Any]], interests: Mapping[int, Interest]
) -> tuple[list[Interest], list[tuple[Interest, int | None]], list[Interest]]:
    """(new, changed, removed) development interests the entries ask for."""
    new, changed, removed = [], [], []
    for competency_id, entry in entries.items():
        existing = interests.get(competency_id)
        target = entry.get("target") if entry.get("grow") else None
        if entry.get("grow") and existing is None:
            new.append(Interest(employee=employee, competency_id=competency_id, target_level=target))
        elif entry.get("grow") and existing.target_level != target:  # type: ignore[union-attr]  # grow without an interest took the branch above
            changed.append((existing, target))
        elif not entry.get("grow") and existing is not None:
            removed.append(existing)
    return new, changed, removed  # type: ignore[return-value]  # as above: no None among the changed interests


def _interest_apply(
    employee: Employee,
    user: User,
    new: list[Interest],
    changed: list[tuple[Interest, int | None]],
    removed: list[Interest],
) -> list[AuditEntry]:
    """Write the interest changes (at most three queries) and return their audit entries."""
    entries = []
    Interest.objects.bulk_create(new)
    for interest in new:
        entries.append(
            audit_entry(
                actor=user,
                action=AuditEntry.Action.INTEREST,
                employee=employee,
                competency_id=interest.competency_id,
                before={"interested": False},
                after={"interested": True, "target": interest.target_level},
            )
        )
    for interest, target in changed:
        entries.append(
            audit_entry(
                actor=user,
                action=AuditEntry.Action.INTEREST,
                employee=employee,
                competency_id=interest.competency_id,
                before={"interested": True, "target": interest.target_level},
                after={"interested": True, "target": target},
            )
        )
        interest.target_level = target
    Interest.objects.bulk_update([interest for interest, _target in changed], ["target_level"])
    if removed:
        Interest.objects.filter(pk__in=[interest.pk for interest in removed]).delete()
    for interest in removed:
        entries.append(
            audit_entry(
                actor=user,
                action=AuditEntry.Action.INTEREST,
                employee=employee,
                competency_id=interest.competency_id,
                before={"interested": True, "target": interest.target_level},
                after={"interested": False},
            )
        )
    return entries


REVIEW_CONFIRM = "confirm"
REVIEW_ADJUST = "adjust"
REVIEW_DISCUSS = "discuss"
REVIEW_ACTIONS = (REVIEW_CONFIRM, REVIEW_ADJUST, REVIEW_DISCUSS)


def require_may_confirm(user: AnyUser, employee: Employee) -> None:
    """PermissionDenied unless ``user`` leads the person (or is HR/admin) and is not the person."""
    if employee.user_id is not None and employee.user_id == user.pk:
        raise PermissionDenied(_("You cannot confirm your own assessments; ask your team lead or HR."))
    if not user.has_perm("competencies.confirm_assessment", employee):
        raise PermissionDenied(_("Only the person's team lead, HR or an administrator may confirm levels."))


def assessments_review(
    *,
    employee: Employee,
    user: User,
    decisions: Sequence[Mapping[str, Any]],
    on: datetime.date | None = None,
) -> dict[str, int]:
    """Record a lead's decisions on the person's levels: confirm the self level, adjust it (a level and
    a reason), or mark it for discussion. Confirming and adjusting record a ``manager`` assessment by
    ``user``; every decision writes an audit entry with the levels before and after.

    ``decisions``: dicts with competency_id, action, level (adjust), reason, seen (id of the pair's
    latest assessment when the page was rendered). A decision already recorded (the same form sent
    twice) is skipped; one overtaken by a newer assessment raises ReviewInvalid. All or nothing."""
    require_may_confirm(user, employee)
    on = on or timezone.localdate()
    decisions = [d for d in decisions if d.get("action")]
    if not decisions:
        return {"confirmed": 0, "adjusted": 0, "discussion": 0, "skipped": 0}
    ids = [d["competency_id"] for d in decisions]
    if len(set(ids)) != len(ids):
        raise ReviewInvalid(_("Each competency can only be decided once per form."))
    competencies = Competency.objects.only("pk", "name", "scale").in_bulk(ids)
    names = {pk: competency.name for pk, competency in competencies.items()}
    allowed = scale_levels(competency_ids=ids)
    for decision in decisions:
        name = names.get(decision["competency_id"])
        if name is None:
            raise ReviewInvalid(_("Unknown competency."))
        if decision["action"] not in REVIEW_ACTIONS:
            raise ReviewInvalid(_("Unknown decision %(action)r.") % {"action": decision["action"]})
        if decision["action"] == REVIEW_ADJUST:
            if decision.get("level") is None:
                raise ReviewInvalid(_("Choose the level for %(competency)s.") % {"competency": name})
            if not (decision.get("reason") or "").strip():
                raise ReviewInvalid(
                    _("Give a reason for adjusting %(competency)s; the person will see it.")
                    % {"competency": name}
                )
            _level_check(
                competencies[decision["competency_id"]], decision["level"], allowed[decision["competency_id"]]
            )
    counts = {"confirmed": 0, "adjusted": 0, "discussion": 0, "skipped": 0}
    with transaction.atomic():
        _lock(employee)
        history = defaultdict(list)
        for row in (
            Assessment.objects.filter(employee=employee, competency_id__in=ids)
            .order_by("id")
            .values("id", "competency_id", "level", "source", "assessed_by_id")
        ):
            history[row["competency_id"]].append(row)
        effective = {
            row.competency_id: row
            for row in selectors.effective_levels(
                on=on, employee_ids=[employee.pk], competency_ids=ids
            ).itertuples()
        }
        new_rows, audit_rows = [], []
        for decision in decisions:
            competency_id, action = decision["competency_id"], decision["action"]
            rows = history.get(competency_id, [])
            latest = rows[-1] if rows else None
            selfs = [row for row in rows if row["source"] == Assessment.Source.SELF]
            self_level = selfs[-1]["level"] if selfs else None
            current = effective.get(competency_id)
            confirmed = int(current.level) if current is not None and current.confirmed else None
            level = self_level if action == REVIEW_CONFIRM else decision.get("level")
            seen = int(decision.get("seen") or 0)
            if latest is not None and latest["id"] != seen:
                repeated = (
                    action != REVIEW_DISCUSS
                    and latest["source"] == Assessment.Source.MANAGER
                    and latest["assessed_by_id"] == user.pk
                    and latest["level"] == level
                )
                if repeated:
                    counts["skipped"] += 1
                    continue
                raise ReviewInvalid(
                    _(
                        "%(competency)s was assessed again since you opened the page. Nothing was "
                        "recorded; please look at the new level and decide again."
                    )
                    % {"competency": names[competency_id]}
                )
            if action == REVIEW_CONFIRM and self_level is None:
                raise ReviewInvalid(
                    _("There is no self-assessment of %(competency)s to confirm; adjust it instead.")
                    % {"competency": names[competency_id]}
                )
            reason = (decision.get("reason") or "").strip()
            before = {"self": self_level, "confirmed": confirmed}
            if action == REVIEW_DISCUSS:
                counts["discussion"] += 1
                audit_rows.append(
                    audit_entry(
                        actor=user,
                        action=AuditEntry.Action.DISCUSSION,
                        employee=employee,
                        competency_id=competency_id,
                        before=before,
                        reason=reason,
                    )
                )
                continue
            counts["confirmed" if action == REVIEW_CONFIRM else "adjusted"] += 1
            new_rows.append(
                (
                    Assessment(  # type: ignore[misc]  # a confirmed self level or an adjusted level, both checked above
                        employee=employee,
                        competency_id=competency_id,
                        level=level,
                        scale_id=competencies[competency_id].scale_id,
                        source=Assessment.Source.MANAGER,
                        assessed_on=on,
                        assessed_by=user,
                        note=reason,
                    ),
                    before,
                    action,
                )
            )
        created = Assessment.objects.bulk_create([row for row, _before, _action in new_rows])
        if created:
            hooks.levels_changed(employee_ids=[employee.pk])
        for assessment, (_row, before, action) in zip(created, new_rows, strict=True):
            audit_rows.append(
                audit_entry(
                    actor=user,
                    action=AuditEntry.Action.CONFIRMED
                    if action == REVIEW_CONFIRM
                    else AuditEntry.Action.ADJUSTED,
                    employee=employee,
                    competency_id=assessment.competency_id,
                    assessment=assessment,
                    before=before,
                    after={"level": assessment.level},
                    reason=assessment.note,
                )
            )
        audit_write(audit_rows)
    return counts


def evidence_check(upload: UploadedFile) -> str:
    """The content type of an acceptable evidence file; EvidenceInvalid for a file that is too large or
    neither PDF, PNG nor JPEG (judged by name and by content, never by what the browser claims)."""
    limit = settings.SERVICELEAD_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise EvidenceInvalid(
            _("The file is %(size)s; evidence files may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}  # type: ignore[arg-type]  # an upload always has a size
        )
    if upload.size == 0:
        raise EvidenceInvalid(_("The file is empty."))
    suffix = Path(upload.name or "").suffix.lower().lstrip(".")
    content_type = settings.SERVICELEAD_EVIDENCE_TYPES.get(suffix)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if content_type is None or not head.startswith(EVIDENCE_SIGNATURES[content_type]):
        raise EvidenceInvalid(
            _("Only %(types)s files are accepted as evidence.")
            % {"types": ", ".join(sorted({s.upper() for s in settings.SERVICELEAD_EVIDENCE_TYPES}))}
        )
    return content_type


EVIDENCE_SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}


def certificate_record(
    *,
    employee: Employee,
    competency: Competency,
    level: int,
    issued_on: datetime.date,
    recorded_by: User,
    valid_until: datetime.date | None = None,
    evidence: UploadedFile | None = None,
    note: str = "",
) -> Assessment:
    """Record a certificate: a ``certificate`` assessment dated ``issued_on``, valid until the end of
    the competency's validity (or ``valid_until``), with an optional evidence file and an audit entry.
    Nothing is written, and no file is kept, when anything fails."""
    require_may_confirm(recorded_by, employee)
    content_type = evidence_check(evidence) if evidence is not None else None
    stored = None
    try:
        with transaction.atomic():
            assessment = assessment_record(
                employee=employee,
                competency=competency,
                level=level,
                source=Assessment.Source.CERTIFICATE,
                assessed_on=issued_on,
                assessed_by=recorded_by,
                valid_until=valid_until,
                note=note,
            )
            if evidence is not None:
                record = EvidenceFile(  # type: ignore[misc]  # evidence given: content type and size are known
                    employee=employee,
                    assessment=assessment,
                    original_name=Path(evidence.name).name[:255],  # type: ignore[arg-type]  # an upload always has a name
                    content_type=content_type,
                    size=evidence.size,
                    uploaded_by=recorded_by,
                )
                record.file.save(evidence.name, evidence, save=False)
                stored = record.file.name
                record.save()
            audit_record(
                actor=recorded_by,
                action=AuditEntry.Action.CERTIFICATE,
                employee=employee,
                competency=competency,
                assessment=assessment,
                after={
                    "level": level,
                    "issued_on": issued_on.isoformat(),
                    "valid_until": assessment.valid_until.isoformat() if assessment.valid_until else None,
                    "evidence": bool(stored),
                },
                reason=note,
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return assessment


def certificates_warn_expiring(*, on: datetime.date | None = None) -> int:
    """Warn the person and their leads about certificates that expire within one of the lead times in
    SERVICELEAD_CERTIFICATE_WARNING_DAYS (60 and 30 days). Each lead time is noted once per certificate; a
    missed day is caught up with one warning. Whoever has a login is warned through the notification
    system (competencies.notifications: one notification per certificate, in their language and e-mail
    mode, never a second mail); a person without a login, whom notifications cannot reach, gets a plain
    e-mail. Returns the number of certificates warned about."""
    on = on or timezone.localdate()
    lead_times = sorted(settings.SERVICELEAD_CERTIFICATE_WARNING_DAYS, reverse=True)
    due = selectors.certificates_expiring(
        employee_ids=Employee.objects.filter(is_active=True).values("pk"), on=on, within_days=lead_times[0]
    )
    if not due:
        return 0
    sent = set(
        CertificateNotice.objects.filter(assessment_id__in=[c["assessment_id"] for c in due]).values_list(
            "assessment_id", "days_before"
        )
    )
    employees = Employee.objects.select_related("user").in_bulk({c["employee"]["id"] for c in due})
    warned = 0
    logins: dict[int, Any] = {}
    for certificate in due:
        new = [
            days
            for days in lead_times
            if certificate["days_left"] <= days and (certificate["assessment_id"], days) not in sent
        ]
        if not new:
            continue
        employee = employees[certificate["employee"]["id"]]
        users = [user for user in hooks.leads_of(employee) if user.is_active]
        if employee.user is not None and employee.user.is_active:
            users.append(employee.user)
        logins.update((user.pk, user) for user in users)
        plain = [employee.email] if employee.email and employee.user is None else []
        with transaction.atomic():
            CertificateNotice.objects.bulk_create(
                CertificateNotice(
                    employee=employee, assessment_id=certificate["assessment_id"], days_before=days
                )
                for days in new
            )
            if plain:
                _send_expiry_mail(certificate, plain)
        warned += 1
    if logins:
        notifications.notifications_collect(on=on, users=[logins[pk] for pk in sorted(logins)])
    return warned


def _send_expiry_mail(certificate: Mapping[str, Any], recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": certificate["employee"]["name"],
            "competency": certificate["competency"]["name"],
            "date": date_format(certificate["valid_until"], "DATE_FORMAT"),
            "days": certificate["days_left"],
        }
        subject = _("Certificate expires in %(days)s days: %(competency)s (%(name)s)") % context
        body = (
            _(
                "The certificate of %(name)s for “%(competency)s” is valid until %(date)s, that is for "
                "%(days)s more days.\n\nPlease plan the re-certification in time; once it has expired, "
                "the level no longer counts as confirmed."
            )
            % context
        )
    send_mail(subject, body, None, recipients)


def self_assessment_drafts_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete drafts untouched for SERVICELEAD_DRAFT_RETENTION_DAYS (data minimisation: unsubmitted notes
    are not kept for ever). Returns how many were deleted."""
    from . import retention

    days = settings.SERVICELEAD_DRAFT_RETENTION_DAYS
    if days <= 0:  # kept for ever
        return 0
    now = now or timezone.now()
    return retention.drafts_purge(now - datetime.timedelta(days=days))["drafts"]


def account_language_set(*, user: User, language: str) -> None:
    """Keep ``language`` (a code of settings.LANGUAGES; empty: the browser's) as the login's choice."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(_("Unknown language %(language)r.") % {"language": language})
    AccountSettings.objects.update_or_create(user=user, defaults={"language": language})
