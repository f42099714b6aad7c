"""E-mail delivery: SMTP to a local server started by the test, or the log."""

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

from app.services.auth.mail import LoggingSender, SmtpSender, get_email_sender


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: object, session: Session, envelope: Envelope
    ) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    """A real SMTP server on a free local port, for one test."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, inbox
    controller.stop()


def test_smtp_delivers_the_message(smtp_server: tuple[Controller, Inbox]) -> None:
    controller, inbox = smtp_server
    sender = SmtpSender(
        "127.0.0.1", controller.port, "noreply@example.com", starttls=False
    )
    sender.send("ann@example.com", "Reset your password", "Open the link.\n")
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "noreply@example.com"
    assert envelope.rcpt_tos == ["ann@example.com"]
    assert isinstance(envelope.content, bytes)
    message = message_from_bytes(envelope.content)
    assert message["Subject"] == "Reset your password"
    assert "Open the link." in message.get_payload()


def test_the_settings_choose_the_sender(set_env: Callable[..., None]) -> None:
    assert isinstance(get_email_sender(), LoggingSender)
    set_env(smtp_host="mail.example.com", smtp_port=2525)
    sender = get_email_sender()
    assert isinstance(sender, SmtpSender)
    assert (sender.host, sender.port) == ("mail.example.com", 2525)


def test_development_logs_the_message(caplog: pytest.LogCaptureFixture) -> None:
    LoggingSender().send("ann@example.com", "Hello", "https://example.com/?token=abc")
    assert "to ann@example.com: Hello" in caplog.text
    assert "token=abc" in caplog.text
