"""A real SMTP server (aiosmtpd) on a free port of 127.0.0.1, for the notification tests."""

import socket

import pytest

from tests.home.conftest import busy  # noqa: F401 (the busy organisation is shared with tests/home)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Messages the SMTP server received, as ``email.message.EmailMessage`` objects."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """Start aiosmtpd in its thread and point Django's SMTP backend at it; yields the inbox."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.SERVICELEAD_BASE_URL = "http://testserver"
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    settings.SERVICELEAD_BASE_URL = "http://testserver"
    return settings
