"""What is stored about a person, for them to download (JSON and xlsx), and anonymising a person who
has left: the levels stay as anonymous statistics, everything that names the person goes.

Both cover every field of every app that refers to a person (an employee or a login): ``COVERAGE``
declares this app's and Django's, teams and qualification declare theirs through
``hooks.register_privacy_coverage``, and tests/privacy fails for a field nobody declared."""

import datetime
import io
import json

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from rest_framework.authtoken.models import Token

from . import hooks
from .audit import audit_record
from .i18n import localized
from .models import (
    AccountSettings,
    Assessment,
    AuditEntry,
    CertificateNotice,
    Competency,
    CompetencyProposal,
    EvidenceFile,
    Interest,
    SelfAssessmentDraft,
)
from .roles import is_hr_or_admin
from .selectors import account_language
from .services import AssessmentInvalid
from .spreadsheets import safe_cell

ANONYMISED_NAME = "Anonymised #{pk}"
ANONYMISED_LOGIN = "anonymised-{pk}"

KEPT_FOR_OTHERS = gettext_lazy("kept: part of another person's record, attributed to the anonymised login")

# How "download my data" and anonymisation cover the fields of this app and of Django's apps that refer to
# a person; see hooks.register_privacy_coverage.
COVERAGE = {
    "competencies.Employee.user": {
        "sections": ("employee", "login"),
        "anonymised": gettext_lazy(
            "name, personnel number and e-mail replaced; the login renamed anonymised-<id>, its "
            "names and e-mail blanked, deactivated, password unusable, roles and API token removed"
        ),
    },
    "competencies.Interest.employee": {"sections": ("interests",), "anonymised": gettext_lazy("deleted")},
    "competencies.Assessment.employee": {
        "sections": ("assessments",),
        "anonymised": gettext_lazy("notes blanked; levels, sources and dates kept as anonymous statistics"),
    },
    "competencies.Assessment.assessed_by": {"sections": (), "anonymised": KEPT_FOR_OTHERS},
    "competencies.SelfAssessmentDraft.employee": {
        "sections": ("self_assessment_draft",),
        "anonymised": gettext_lazy("deleted"),
    },
    "competencies.EvidenceFile.employee": {
        "sections": ("evidence_files",),
        "anonymised": gettext_lazy("deleted, with the stored files"),
    },
    "competencies.EvidenceFile.uploaded_by": {"sections": (), "anonymised": KEPT_FOR_OTHERS},
    "competencies.CertificateNotice.employee": {
        "sections": ("certificate_notices",),
        "anonymised": gettext_lazy("deleted"),
    },
    "competencies.AuditEntry.employee": {
        "sections": ("history",),
        "anonymised": gettext_lazy("reasons and notes blanked; who did what when stays"),
    },
    "competencies.AuditEntry.actor": {
        "sections": (),
        "anonymised": gettext_lazy("the login name in the entry replaced by the anonymised login"),
    },
    "admin.LogEntry.user": {
        "sections": (),
        "anonymised": gettext_lazy(
            "the admin site's change log: kept, attributed to the anonymised login; entries about "
            "the person's records show the anonymised name"
        ),
    },
    "authtoken.Token.user": {"sections": ("login",), "anonymised": gettext_lazy("deleted")},
    "competencies.AccountSettings.user": {"sections": ("login",), "anonymised": gettext_lazy("deleted")},
    "competencies.CompetencyProposal.proposed_by": {
        "sections": ("competency_proposals",),
        "anonymised": gettext_lazy(
            "justification and description blanked; the proposed name and HR's decision stay, "
            "attributed to the anonymised login"
        ),
    },
    "competencies.CompetencyProposal.decided_by": {"sections": (), "anonymised": KEPT_FOR_OTHERS},
    "competencies.CompetencyMerge.created_by": {"sections": (), "anonymised": KEPT_FOR_OTHERS},
    "competencies.CompetencyMerge.decided_by": {"sections": (), "anonymised": KEPT_FOR_OTHERS},
}


def privacy_coverage():
    """Every declared field that refers to a person → {"sections", "anonymised"} (this app's, Django's and
    those the higher apps registered)."""
    return {**COVERAGE, **hooks.privacy_coverage()}


def personal_data(*, employee):
    """Everything stored about ``employee``, as sections of flat records (JSON-ready)."""
    user = employee.user
    data = {
        "employee": [
            {
                "personnel_no": employee.personnel_no,
                "name": employee.name,
                "email": employee.email,
                "login": user.get_username() if user else "",
                "role_profile": employee.role_profile.name if employee.role_profile else "",
                "active": employee.is_active,
                "left_on": employee.left_on,
            }
        ],
        "login": _login_rows(user),
        "assessments": [
            {
                "competency": row["competency__name"],
                "category": row["competency__category__name"],
                "level": row["level"],
                "source": row["source"],
                "assessed_on": row["assessed_on"],
                "valid_until": row["valid_until"],
                "assessed_by": row["assessed_by__username"] or "",
                "note": row["note"],
                "recorded_at": row["created_at"],
            }
            for row in Assessment.objects.filter(employee=employee)
            .order_by("assessed_on", "id")
            .values(
                "level",
                "source",
                "assessed_on",
                "valid_until",
                "assessed_by__username",
                "note",
                "created_at",
                competency__name=localized("competency__name"),
                competency__category__name=localized("competency__category__name"),
            )
        ],
        "interests": [
            {"competency": name, "target_level": target, "stated_at": created}
            for name, target, created in Interest.objects.filter(employee=employee)
            .order_by(localized("competency__name"))
            .values_list(localized("competency__name"), "target_level", "created_at")
        ],
        "self_assessment_draft": _draft_rows(employee),
        "evidence_files": [
            {
                "file_name": name,
                "content_type": content_type,
                "size_bytes": size,
                "uploaded_at": uploaded,
                "competency": competency,
            }
            for name, content_type, size, uploaded, competency in EvidenceFile.objects.filter(
                employee=employee
            )
            .order_by("uploaded_at")
            .values_list(
                "original_name",
                "content_type",
                "size",
                "uploaded_at",
                localized("assessment__competency__name"),
            )
        ],
        "certificate_notices": [
            {"competency": competency, "days_before": days, "sent_at": sent}
            for competency, days, sent in CertificateNotice.objects.filter(employee=employee)
            .order_by("sent_at", "id")
            .values_list(localized("assessment__competency__name"), "days_before", "sent_at")
        ],
        "history": [
            {
                "when": entry.created_at,
                "who": entry.actor_name,
                "action": entry.action,
                "what_was_read": entry.what,
                "competency": entry.competency.name if entry.competency else "",
                "before": json.dumps(entry.before, cls=DjangoJSONEncoder, ensure_ascii=False),
                "after": json.dumps(entry.after, cls=DjangoJSONEncoder, ensure_ascii=False),
                "reason": entry.reason,
            }
            for entry in AuditEntry.objects.filter(employee=employee)
            .select_related("competency")
            .order_by("created_at", "id")
        ],
        "competency_proposals": [
            {
                "name": row["name"],
                "description": row["description"],
                "justification": row["justification"],
                "proposed_at": row["created_at"],
                "status": row["status"],
                "reason": row["reason"],
            }
            for row in CompetencyProposal.objects.filter(proposed_by=user)
            .order_by("created_at", "id")
            .values("name", "description", "justification", "created_at", "status", "reason")
        ]
        if user is not None
        else [],
    }
    data.update(hooks.personal_data(employee))
    return data


def _login_rows(user):
    if user is None:
        return []
    token = Token.objects.filter(user=user).values_list("created", flat=True).first()
    return [
        {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "active": user.is_active,
            "joined": user.date_joined,
            "last_login": user.last_login,
            "roles": ", ".join(sorted(user.groups.values_list("name", flat=True))),
            # Only that a key exists: the key itself is a password.
            "api_token_created": token,
            "language": account_language(user=user),
        }
    ]


def _draft_rows(employee):
    draft = SelfAssessmentDraft.objects.filter(employee=employee).first()
    if draft is None:
        return []
    names = dict(
        Competency.objects.filter(pk__in=[int(pk) for pk in draft.rows] + list(draft.added)).values_list(
            "pk", "name"
        )
    )
    rows = [
        {
            "competency": names.get(int(pk), pk),
            "level": entry.get("level"),
            "note": entry.get("note", ""),
            "wants_to_grow": bool(entry.get("grow")),
            "target_level": entry.get("target"),
            "saved_at": draft.updated_at,
        }
        for pk, entry in draft.rows.items()
    ]
    return rows


def personal_data_json(data):
    """The export as UTF-8 JSON bytes."""
    document = {"exported_at": timezone.now(), **data}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def personal_data_xlsx(data):
    """The export as an xlsx workbook (one sheet per section), formula-like text neutralised."""
    workbook = Workbook(write_only=True)
    for section, rows in data.items():
        sheet = workbook.create_sheet(title=section[:31])
        columns = list(dict.fromkeys(key for row in rows for key in row)) or [section]
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # Spreadsheets have no time zones: local time, as the pages show it.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return safe_cell(value)


def personal_data_export(*, employee, user, fmt):
    """The person's own data as (bytes, content type, file name); recorded in the audit trail."""
    if employee.user_id != user.pk:
        raise PermissionDenied(_("Only the person can download their own data."))
    data = personal_data(employee=employee)
    audit_record(actor=user, action=AuditEntry.Action.EXPORTED, employee=employee, after={"format": fmt})
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        return (
            personal_data_xlsx(data),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"servicelead-my-data-{stamp}.xlsx",
        )
    return personal_data_json(data), "application/json", f"servicelead-my-data-{stamp}.json"


def is_anonymised(employee):
    return employee.user_id is None and employee.name == ANONYMISED_NAME.format(pk=employee.pk)


def employee_anonymise(*, employee, user):
    """Anonymise a person who has left: name → "Anonymised #id", personnel number → "ANON-id", e-mail,
    notes, interests, drafts, evidence files and expiry notices removed, the login renamed and emptied
    (``_anonymise_login``), and whatever the higher apps registered (``hooks.anonymise``). Assessments
    (levels, sources, dates) stay, so team statistics do not change. Recorded in the audit trail, without
    the removed values."""
    if not is_hr_or_admin(user):
        raise PermissionDenied(_("Only HR can anonymise a person."))
    if employee.is_active and employee.left_on is None:
        raise AssessmentInvalid(
            _("Only a person who has left can be anonymised; record the leaving date first.")
        )
    if is_anonymised(employee):
        raise AssessmentInvalid(_("This person has already been anonymised."))
    with transaction.atomic():
        files = list(EvidenceFile.objects.filter(employee=employee).values_list("file", flat=True))
        removed = {
            "login": employee.user_id is not None,
            "email": bool(employee.email),
            # The one sanctioned update of assessments: they are append-only, but a note may name the
            # person, and anonymising must not leave it behind. Levels, sources and dates stay.
            "assessment_notes": Assessment.objects.filter(employee=employee).exclude(note="").update(note=""),
            "interests": Interest.objects.filter(employee=employee).delete()[0],
            "drafts": SelfAssessmentDraft.objects.filter(employee=employee).delete()[0],
            "evidence_files": EvidenceFile.objects.filter(employee=employee).delete()[0],
            "certificate_notices": CertificateNotice.objects.filter(employee=employee).delete()[0],
        }
        if employee.user_id is not None:
            removed["proposal_texts"] = CompetencyProposal.objects.filter(
                proposed_by_id=employee.user_id
            ).update(justification="", description="")
        _blank_audit_texts(employee)
        # Higher apps first: they may still need the login (e.g. to remove it from the teams it led).
        hooks.anonymise(employee)
        if employee.user is not None:
            _anonymise_login(employee.user)
        _rename_in_admin_log(employee, ANONYMISED_NAME.format(pk=employee.pk))
        employee.name = ANONYMISED_NAME.format(pk=employee.pk)
        employee.personnel_no = f"ANON-{employee.pk}"
        employee.email = ""
        employee.user = None
        employee.is_active = False
        employee.save(update_fields=["name", "personnel_no", "email", "user", "is_active"])
        audit_record(
            actor=user,
            action=AuditEntry.Action.ANONYMISED,
            employee=employee,
            after={"name": employee.name, "removed": removed},
        )
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    return employee


def _anonymise_login(user):
    """Keep the login row, as the anonymous author of what the person did to others' records (assessments,
    comments, audit entries), but let it name no one and open nothing."""
    login = ANONYMISED_LOGIN.format(pk=user.pk)
    Token.objects.filter(user=user).delete()
    AccountSettings.objects.filter(user=user).delete()
    # Login throttling's records of sign-in attempts name the login, with the address and browser used.
    for record in (AccessAttempt, AccessFailureLog, AccessLog):
        record.objects.filter(username=user.get_username()).delete()
    AuditEntry.objects.filter(actor=user).update(actor_name=login)
    _rename_in_admin_log(user, login)
    user.groups.clear()
    user.user_permissions.clear()
    user.username = login
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()


def _rename_in_admin_log(obj, name):
    """The admin site's change log keeps each object's name as it was: replace it for ``obj``."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).update(object_repr=name)


def _blank_audit_texts(employee):
    """Remove free text (reasons, notes) from the person's audit entries; who did what stays."""
    entries = list(AuditEntry.objects.filter(employee=employee))
    for entry in entries:
        entry.reason = ""
        entry.before = {k: v for k, v in entry.before.items() if k != "note"}
        entry.after = {k: v for k, v in entry.after.items() if k != "note"}
    AuditEntry.objects.bulk_update(entries, ["reason", "before", "after"])
