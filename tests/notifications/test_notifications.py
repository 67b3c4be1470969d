"""Notifications in the app and their e-mail modes (#14 item 2); the SMTP round trip is in test_smtp.py."""

import datetime

from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from competencies.models import Notification, NotificationPreference
from competencies.notifications import (
    notification_preference_set,
    notifications_collect,
    notifications_send,
    preference_of,
)
from competencies.privacy import personal_data


def test_each_event_becomes_one_notification_per_person(busy):
    user = busy.users["employee"]
    assert notifications_collect(users=[user]) == 5
    assert notifications_collect(users=[user]) == 0
    assert Notification.objects.filter(recipient=user).count() == 5


def test_the_bell_counts_unread_and_the_page_marks_read(client_for, busy):
    user = busy.users["employee"]
    notifications_collect(users=[user])
    client = client_for("employee")
    assert 'data-testid="unread-count">5' in client.get(reverse("home")).content.decode()
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Autumn round" in page
    first = Notification.objects.filter(recipient=user).first()
    client.post(reverse("notifications:mark_read"), {"id": first.pk})
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 4
    client.post(reverse("notifications:mark_read"), {"id": "all"})
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert (
        'data-testid="unread-count"' not in client.get(reverse("notifications:nav_counts")).content.decode()
    )


def test_a_person_cannot_mark_someone_elses_notifications(client_for, busy):
    notifications_collect(users=[busy.users["employee"]])
    other = Notification.objects.filter(recipient=busy.users["employee"]).first()
    client_for("lead_b").post(reverse("notifications:mark_read"), {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None


def test_daily_notifications_wait_for_the_digest_and_go_out_as_one_mail(busy):
    user = busy.users["employee"]
    notifications_collect(users=[user])  # no preference yet: the default, the daily digest
    assert notifications_send() == 0
    tomorrow = timezone.now() + datetime.timedelta(days=1, hours=1)
    assert notifications_send(now=tomorrow) == 1
    [message] = mail.outbox
    assert "5 things need you" in message.subject
    assert notifications_send(now=tomorrow) == 0


def test_settings_page_keeps_the_mode_per_kind_and_the_language(client_for, busy):
    user = busy.users["employee"]
    client = client_for("employee")
    assert client.get(reverse("notifications:settings")).status_code == 200
    data = {"language": "de", "kind_campaign": "off", "kind_item_due": "immediate"}
    data |= {f"kind_{name}": "daily" for name in ("plan_proposed", "certificate_own")}
    from competencies.notifications import kinds

    for kind in kinds():
        data.setdefault(f"kind_{kind.name}", "daily")
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    preference = preference_of(user)
    assert preference.language == "de"
    assert preference.mode("campaign") == "off" and preference.mode("item_due") == "immediate"
    notifications_collect(users=[user])
    assert Notification.objects.get(recipient=user, kind="campaign").delivery == "off"


def test_off_and_immediate_modes_are_honoured_when_sending(busy):
    user = busy.users["employee"]
    notification_preference_set(
        user=user, language="en", modes={"campaign": "immediate", "item_due": "off", "certificate_own": "off"}
    )
    notifications_collect(users=[user])
    assert notifications_send() == 1
    assert "Autumn round" in mail.outbox[0].subject
    assert notifications_send(now=timezone.now() + datetime.timedelta(days=2)) == 1  # the daily plan_proposed
    assert Notification.objects.filter(recipient=user, delivery="off", emailed_at__isnull=True).count() == 3


def test_the_language_defaults_to_the_account_language_else_the_site_language(busy):
    from competencies.services import account_language_set

    user = busy.users["employee"]
    assert preference_of(user).language == settings.LANGUAGE_CODE
    account_language_set(user=user, language="de")
    assert preference_of(user).language == "de"


def test_download_my_data_holds_notifications_and_their_settings(busy):
    user = busy.users["employee"]
    notification_preference_set(user=user, language="de", modes={"campaign": "off"})
    notifications_collect(users=[user])
    data = personal_data(employee=busy.employee)
    assert len(data["notifications"]) == 5
    assert data["notification_settings"] == [{"language": "de", "email_campaign": "off"}]


def test_anonymising_deletes_notifications(busy):
    from competencies.hooks import anonymise

    user = busy.users["employee"]
    notification_preference_set(user=user, language="de", modes={})
    notifications_collect(users=[user])
    anonymise(busy.employee)
    assert not Notification.objects.filter(recipient=user).exists()
    assert not NotificationPreference.objects.filter(user=user).exists()


def test_beat_collects_often_sends_the_daily_digest_and_retries():
    from servicelead.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"competencies.tasks.notifications_collect", "competencies.tasks.notifications_send"} <= tasks
    app.loader.import_default_modules()
    assert "competencies.tasks.notifications_collect" in app.tasks


def test_the_command_collects_and_sends(busy):
    from io import StringIO

    from django.core.management import call_command

    notification_preference_set(user=busy.users["employee"], language="en", modes={"campaign": "immediate"})
    out = StringIO()
    call_command("notifications_send", stdout=out)
    assert "e-mails sent" in out.getvalue()
    assert len(mail.outbox) >= 1
    assert Notification.objects.filter(recipient=busy.users["employee"]).count() == 5


def test_opening_a_notification_marks_it_read_and_leads_to_its_page(client_for, busy):
    user = busy.users["employee"]
    notifications_collect(users=[user])
    notification = Notification.objects.filter(recipient=user).first()
    client = client_for("employee")
    assert (
        reverse("notifications:open", args=[notification.pk])
        in client.get(reverse("notifications:list")).content.decode()
    )
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client_for("lead_a").get(reverse("notifications:open", args=[notification.pk])).status_code == 404
