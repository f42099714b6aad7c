"""Sending e-mail: over SMTP when SMTP_HOST is set, else into the log (development)."""

import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

from app.core.config import get_settings

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10


class EmailSender(Protocol):
    """Anything that can deliver a plain-text e-mail."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Deliver one message (raise when it cannot)."""


class SmtpSender:
    """Sends through an SMTP server, with STARTTLS and login when configured."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password: str = "",
        starttls: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls

    def send(self, to: str, subject: str, body: str) -> None:
        """Deliver one message over SMTP."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


class LoggingSender:
    """Writes the message to the log instead of sending it: for development only."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Log the message, links included."""
        logger.warning(
            "e-mail not sent (SMTP_HOST is not set): to %s: %s\n%s", to, subject, body
        )


def get_email_sender() -> EmailSender:
    """The sender the settings ask for."""
    settings = get_settings()
    if not settings.smtp_host:
        return LoggingSender()
    return SmtpSender(
        settings.smtp_host,
        settings.smtp_port,
        settings.mail_from,
        settings.smtp_username,
        settings.smtp_password,
        settings.smtp_starttls,
    )
