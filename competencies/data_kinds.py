"""Kinds of personal data, each with its purpose and how long it is kept (#17 item 4, README "Purpose
and retention").

A kind names a part of what the product stores about people, the purpose it is kept for and the setting
that holds its retention period. The daily retention job (``competencies.tasks.retention_enforce``) and
the half-hourly upload expiry enforce the periods; the works-agreement annex lists the kinds from here, so
what it says is what the jobs do.

- A period of 0 keeps the kind for ever; a negative one is refused at start (settings).
- ``SERVICELEAD_DATA_PURPOSES`` ({kind: text}) replaces a kind's default purpose with the agreement's
  own wording.
- Higher apps add their kinds in ``AppConfig.ready()`` through ``register`` (operations: absences and
  duty), as they do for the privacy registry."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Purge = Callable[[datetime.datetime], dict[str, int]]


@dataclass(frozen=True)
class DataKind:
    key: str
    label: Promise
    purpose: Promise
    # The setting that holds the retention period (in ``unit``); None: kept until the person is anonymised.
    setting: str | None
    # ``purge(cutoff) -> {what: count}`` removes what was written before ``cutoff``; None: another job does.
    purge: Purge | None = None
    unit: str = "days"
    enforced_by: str = "retention_enforce"

    def period(self) -> int | None:
        """The retention period in ``unit``; None when the kind is kept until anonymisation."""
        return None if self.setting is None else int(getattr(settings, self.setting))

    def purpose_text(self) -> str:
        own = getattr(settings, "SERVICELEAD_DATA_PURPOSES", {}).get(self.key)
        return str(own or self.purpose)


_kinds: dict[str, DataKind] = {}


def register(kind: DataKind) -> None:
    _kinds[kind.key] = kind


def kinds() -> list[DataKind]:
    """Every kind, the product's own first, in the order they were registered."""
    return list(_kinds.values())


def unknown_purposes() -> list[str]:
    """Keys of SERVICELEAD_DATA_PURPOSES that name no kind (system check servicelead.E011)."""
    return sorted(set(getattr(settings, "SERVICELEAD_DATA_PURPOSES", {})) - set(_kinds))


@checks.register()
def check_purposes(app_configs: object = None, **kwargs: object) -> list[checks.Error]:
    """``manage.py check`` and every start: a purpose given for a kind that does not exist (a typo would
    otherwise leave the product's wording in the annex without a word)."""
    unknown = unknown_purposes()
    if not unknown:
        return []
    message = (
        f"SERVICELEAD_DATA_PURPOSES names kinds of data that do not exist: {', '.join(unknown)}; "
        f"the kinds are {', '.join(kind.key for kind in kinds())}."
    )
    return [checks.Error(message, id="servicelead.E011")]


def enforce(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Apply every kind's retention period that the daily job enforces: {kind: counts}, with None for a
    kind kept for ever (period 0). Each kind's purge runs in its own transaction and records what it did."""
    now = now or timezone.now()
    done: dict[str, Any] = {}
    for kind in kinds():
        if kind.purge is None or kind.enforced_by != "retention_enforce":
            continue
        period = kind.period()
        if not period:
            done[kind.key] = None
            continue
        cutoff = now - datetime.timedelta(**{kind.unit: period})
        done[kind.key] = kind.purge(cutoff)
    return done


def _register_own() -> None:
    """The kinds of the competencies app itself (called from its AppConfig.ready())."""
    from . import retention

    register(
        DataKind(
            "levels",
            _("Levels, assessments, plans and their history (without notes)"),
            _(
                "Planning the teams' competencies and each person's qualification; the history shows how a "
                "level came about."
            ),
            setting=None,
        )
    )
    register(
        DataKind(
            "drafts",
            _("Self-assessment drafts"),
            _("The person's own work in progress; nobody else sees a draft."),
            setting="SERVICELEAD_DRAFT_RETENTION_DAYS",
            purge=retention.drafts_purge,
        )
    )
    register(
        DataKind(
            "notes",
            _("Personal notes (on assessments, in drafts, reasons in the audit, plan comments)"),
            _("Explaining a level or a plan in the conversation it was written for."),
            setting="SERVICELEAD_PERSONAL_NOTE_RETENTION_DAYS",
            purge=retention.personal_notes_purge_before,
        )
    )
    register(
        DataKind(
            "reads",
            _("Read audit (who read whose individual levels, when, for what)"),
            _("Showing each person who read their data, and checking that reading kept to its purpose."),
            setting="SERVICELEAD_READ_AUDIT_RETENTION_DAYS",
            purge=retention.reads_purge,
        )
    )
    register(
        DataKind(
            "notifications",
            _("Notifications (in the app and by e-mail)"),
            _("Telling people what is theirs to do."),
            setting="SERVICELEAD_NOTIFICATION_RETENTION_DAYS",
            purge=retention.notifications_purge,
        )
    )
    register(
        DataKind(
            "uploads",
            _("Uploaded import files"),
            _("Checking an import before it is written; the file is deleted once it is written or expires."),
            setting="SERVICELEAD_IMPORT_UPLOAD_RETENTION_HOURS",
            unit="hours",
            enforced_by="import_uploads_expire",
        )
    )
