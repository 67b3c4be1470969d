"""Notifications: the to-do items (competencies.todos) as events that reach people, in the app (a bell with
the unread count and a page) and by e-mail (immediately, in a daily digest, or not at all, per kind).

Guarantees:
- one ``Notification`` row per person and event (``key``); rows are never deleted but with the person;
- collecting and sending run in Celery beat tasks, never in a request: a page never waits on SMTP;
- a mail that could not be sent (the server is down) leaves its rows unsent; the next run sends them;
- mails are written in the language of the person's notification preference, with absolute links
  (SERVICELEAD_BASE_URL) and a signed link that turns the kind off (used twice: "already off")."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import hooks
from .models import AccountSettings, Employee, Notification, NotificationPreference
from .todos import todo_context, todos_for

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "servicelead.notifications.off"
Mode = NotificationPreference.Mode


# --- Selectors -------------------------------------------------------------------------------------------


def preference_of(user: Any) -> NotificationPreference:
    """The login's preference, or an unsaved default (the account's language, else the site's)."""
    found = NotificationPreference.objects.filter(user=user).first()
    if found is not None:
        return found
    language = AccountSettings.objects.filter(user=user).values_list("language", flat=True).first()
    return NotificationPreference(user=user, language=language or settings.LANGUAGE_CODE, modes={})


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_page(*, user: Any, limit: int = 100) -> list[Notification]:
    """The login's latest notifications, newest first."""
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit])


def text_of(notification: Notification) -> str:
    """How the notification reads in the active language (from its kind; a kind no longer registered
    reads as its key)."""
    kind = hooks.todo_kinds().get(notification.kind)
    return kind.text(notification.params) if kind is not None else notification.key


def kinds() -> list[Any]:
    return list(hooks.todo_kinds().values())


# --- Services --------------------------------------------------------------------------------------------


def notification_preference_set(*, user: Any, language: str, modes: dict[str, str]) -> NotificationPreference:
    """Keep the login's e-mail language and mode per kind."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(_("Unknown language %(language)r.") % {"language": language})
    known = hooks.todo_kinds()
    clean = {kind: mode for kind, mode in modes.items() if kind in known and mode in Mode.values}
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"language": language, "modes": clean}
    )
    return preference


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the login's notifications ``ids`` (None: all) read; returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def unsubscribe_token(*, user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[Any, str] | None:
    """(user, kind) of a signed "turn off" link, or None when it is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("k") not in hooks.todo_kinds():
        return None
    return user, data["k"]


def notification_kind_off(*, user: Any, kind: str) -> bool:
    """Turn e-mails of ``kind`` off for ``user``; False when they were off already (nothing changed)."""
    with transaction.atomic():
        preference = preference_of(user)
        if preference.pk is not None:
            preference = NotificationPreference.objects.select_for_update().get(pk=preference.pk)
        if preference.mode(kind) == Mode.OFF:
            return False
        preference.modes = {**preference.modes, kind: Mode.OFF}
        preference.save()
        # What was waiting for the digest is not sent either.
        Notification.objects.filter(recipient=user, kind=kind, emailed_at__isnull=True).update(
            delivery=Mode.OFF
        )
    return True


def _recipients() -> list[Any]:
    """Logins that may have to-dos: active ones with an active employee record, leads, HR and admins."""
    from .roles import ADMIN_GROUP, HR_GROUP

    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(employee__is_active=True)
            | Q(led_teams__isnull=False)
            | Q(groups__name__in=[HR_GROUP, ADMIN_GROUP])
            | Q(is_superuser=True)
        )
    )
    return list(users.distinct().order_by("pk"))


def notifications_collect(*, on: datetime.date | None = None, users: Sequence[Any] | None = None) -> int:
    """Create a notification for every to-do item a person has not been notified of yet (by key), with
    the e-mail mode they chose for its kind (the beat task sends the immediate ones right after). Returns
    how many notifications were created."""
    on = on or timezone.localdate()
    preferences = {p.user_id: p for p in NotificationPreference.objects.all()}
    created = 0
    for user in users if users is not None else _recipients():
        preference = preferences.get(user.pk) or NotificationPreference(user=user, modes={})
        items = [
            item for role_items in todos_for(todo_context(user=user, on=on)).values() for item in role_items
        ]
        if not items:
            continue
        known = set(
            Notification.objects.filter(recipient=user, key__in=[item.key for item in items]).values_list(
                "key", flat=True
            )
        )
        new = [
            Notification(
                recipient=user,
                kind=item.kind,
                key=item.key,
                params=item.params,
                url=item.url,
                delivery=preference.mode(item.kind),
            )
            for item in items
            if item.key not in known
        ]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    return created


def _digest_cutoff(now: datetime.datetime) -> datetime.datetime:
    """The latest digest time (SERVICELEAD_NOTIFICATION_DIGEST_HOUR, local time) at or before ``now``:
    daily notifications created before it are due."""
    local = timezone.localtime(now)
    cutoff = local.replace(
        hour=settings.SERVICELEAD_NOTIFICATION_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    if cutoff > local:
        cutoff -= datetime.timedelta(days=1)
    return cutoff


def notifications_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail what is due: immediate notifications, and daily ones created before the last digest time,
    one mail per person. A mail that fails (the server is down, refused) leaves its rows unsent for the
    next run. Returns the number of mails sent."""
    now = now or timezone.now()
    due = (
        Notification.objects.filter(emailed_at__isnull=True)
        .filter(Q(delivery=Mode.IMMEDIATE) | Q(delivery=Mode.DAILY, created_at__lt=_digest_cutoff(now)))
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in due:
        by_user[notification.recipient_id].append(notification)
    if not by_user:
        return 0
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=list(by_user))}
    employee_mail = dict(
        Employee.objects.filter(user_id__in=list(by_user)).exclude(email="").values_list("user_id", "email")
    )
    sent = 0
    connection = get_connection(fail_silently=False)
    for user_id, rows in by_user.items():
        user = rows[0].recipient
        address = user.email or employee_mail.get(user_id)
        ids = [row.pk for row in rows]
        if not address:
            # Nobody to write to: the notifications stay in the app only.
            Notification.objects.filter(pk__in=ids).update(delivery=Mode.OFF)
            continue
        preference = preferences.get(user_id) or preference_of(user)
        message = _message(user, address, preference, rows, connection)
        try:
            message.send()
        except Exception:  # SMTP down or refusing: kept unsent, tried again by the next run.
            logger.warning(
                "notification mail to user %s failed; kept for the next run", user_id, exc_info=True
            )
            Notification.objects.filter(pk__in=ids).update(attempts=min(row.attempts + 1 for row in rows))
            continue
        Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
        sent += 1
    return sent


def absolute(path: str) -> str:
    return settings.SERVICELEAD_BASE_URL.rstrip("/") + path


def _message(
    user: Any, address: str, preference: NotificationPreference, rows: list[Notification], connection: Any
) -> EmailMultiAlternatives:
    with translation.override(preference.language or settings.LANGUAGE_CODE):
        entries = [
            {
                "text": text_of(row),
                # Through the notification: following the mail's link marks it read under the bell too.
                "url": absolute(reverse("notifications:open", args=[row.pk])),
                "off_url": absolute(
                    reverse("notifications:off", args=[unsubscribe_token(user=user, kind=row.kind)])
                ),
                "kind": str(hooks.todo_kinds()[row.kind].label)
                if row.kind in hooks.todo_kinds()
                else row.kind,
            }
            for row in rows
        ]
        if len(entries) == 1:
            subject = _("servicelead: %(text)s") % {"text": entries[0]["text"]}
        else:
            subject = ngettext(
                "servicelead: %(count)s thing needs you",
                "servicelead: %(count)s things need you",
                len(entries),
            ) % {"count": len(entries)}
        context = {
            "name": user.get_full_name() or user.get_username(),
            "entries": entries,
            "home_url": absolute(reverse("home")),
            "settings_url": absolute(reverse("notifications:settings")),
            "notifications_url": absolute(reverse("notifications:list")),
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
        language = translation.get_language()
    message = EmailMultiAlternatives(
        subject, text, None, [address], connection=connection, headers={"Content-Language": language}
    )
    message.attach_alternative(html, "text/html")
    return message


# --- Personal data ---------------------------------------------------------------------------------------


def _personal_data(employee: Employee) -> dict[str, list[dict[str, Any]]]:
    user = employee.user
    if user is None:
        return {}
    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "notification_settings": []
        if preference is None
        else [
            {
                "language": preference.language,
                **{f"email_{k}": v for k, v in sorted(preference.modes.items())},
            }
        ],
        "notifications": [
            {
                "kind": row["kind"],
                "event": row["key"],
                "details": row["params"],
                "link": row["url"],
                "created_at": row["created_at"],
                "read_at": row["read_at"],
                "emailed_at": row["emailed_at"],
            }
            for row in Notification.objects.filter(recipient=user)
            .order_by("created_at", "id")
            .values("kind", "key", "params", "url", "created_at", "read_at", "emailed_at")
        ],
    }


def _anonymise(employee: Employee) -> None:
    if employee.user_id is not None:
        Notification.objects.filter(recipient_id=employee.user_id).delete()
        NotificationPreference.objects.filter(user_id=employee.user_id).delete()


def register() -> None:
    """Privacy declarations and the data export of notifications (called from CompetenciesConfig.ready)."""
    hooks.register_personal_data(_personal_data)
    hooks.register_anonymiser(_anonymise)
    hooks.register_privacy_coverage(
        "competencies.Notification.recipient", sections=("notifications",), anonymised="deleted"
    )
    hooks.register_privacy_coverage(
        "competencies.NotificationPreference.user", sections=("notification_settings",), anonymised="deleted"
    )
