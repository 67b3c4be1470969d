"""Notifications end to end against a real SMTP server (aiosmtpd, started by the test; #14 item 2)."""

import datetime
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from competencies.models import Notification, NotificationPreference
from competencies.notifications import notifications_collect, notifications_send

IMMEDIATE = NotificationPreference.Mode.IMMEDIATE


def _prefer(user, language, mode=IMMEDIATE):
    from competencies.notifications import kinds

    NotificationPreference.objects.create(
        user=user, language=language, modes={kind.name: mode for kind in kinds()}
    )


def _links(message):
    return re.findall(r"http://testserver\S+", message.get_body(preferencelist=("plain",)).get_content())


def test_a_german_user_gets_a_german_mail_with_working_links(busy, smtp_server):
    user = busy.users["employee"]
    user.email = "erika@example.com"
    user.save()
    _prefer(user, "de")

    assert notifications_collect(users=[user]) == 5
    assert notifications_send() == 1

    [message] = smtp_server.messages
    assert message["To"] == "erika@example.com"
    assert message["Content-Language"] == "de"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'lang="de"' in html
    # Dates in the German format (the catalogue's strings follow once locale/de is filled).
    due = (timezone.localdate() + datetime.timedelta(days=45)).strftime("%d.%m.%Y")
    assert due in text
    links = _links(message)
    pages = [link for link in links if "/notifications/off/" not in link]
    offs = [link for link in links if "/notifications/off/" in link]
    assert pages and offs
    client = Client()
    client.force_login(user)
    for link in pages:
        assert client.get(link.removeprefix("http://testserver"), follow=True).status_code == 200, link
    assert Notification.objects.filter(recipient=user, emailed_at__isnull=False).count() == 5
    # Following the mail's links marked the notifications read.
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_the_turn_off_link_works_twice_without_signing_in(busy, smtp_server):
    user = busy.users["employee"]
    _prefer(user, "en")
    notifications_collect(users=[user])
    notifications_send()
    off = next(link for link in _links(smtp_server.messages[0]) if "/notifications/off/" in link)
    path = off.removeprefix("http://testserver")
    anonymous = Client()
    assert "Turn off" in anonymous.get(path).content.decode()
    first = anonymous.post(path)
    assert first.status_code == 200 and "E-mails turned off" in first.content.decode()
    second = anonymous.post(path)
    assert second.status_code == 200 and "Already off" in second.content.decode()
    assert anonymous.get(path).status_code == 200


def test_a_mail_server_that_is_down_keeps_the_notification_for_the_next_run(busy, smtp_down, settings):
    user = busy.users["employee"]
    _prefer(user, "en")
    notifications_collect(users=[user])
    assert notifications_send() == 0
    assert not Notification.objects.filter(recipient=user, emailed_at__isnull=False).exists()
    assert set(Notification.objects.filter(recipient=user).values_list("attempts", flat=True)) == {1}

    # The server is back: the next run (the beat task) sends what was kept.
    from aiosmtpd.controller import Controller

    from .conftest import Inbox

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        assert notifications_send() == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert not Notification.objects.filter(recipient=user, emailed_at__isnull=True).exists()


def test_pages_never_wait_on_smtp(client_for, busy, smtp_down):
    user = busy.users["employee"]
    _prefer(user, "en")
    notifications_collect(users=[user])
    client = client_for("employee")
    for name in ("home", "notifications:list", "notifications:settings", "notifications:nav_counts"):
        assert client.get(reverse(name)).status_code == 200
    assert not Notification.objects.filter(recipient=user, attempts__gt=0).exists()
