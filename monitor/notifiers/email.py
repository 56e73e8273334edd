"""Email the report: plain text with an HTML alternative, over SMTP with STARTTLS, SSL or none."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Literal

from pydantic import Field, FilePath, SecretStr, field_validator, model_validator

from monitor.errors import DeliveryError
from monitor.notifiers.base import Message, Notifier, NotifierSettings

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class EmailSettings(NotifierSettings):
    """host, port, security, username/password (as ${ENV} references), sender, to, ca_file."""

    host: str
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: str
    to: tuple[str, ...] = Field(min_length=1)
    timeout: float = Field(default=30, gt=0)
    # A CA bundle (PEM) to trust for a mail server with a private certificate authority;
    # the system's trust store otherwise. The server's name is verified either way.
    ca_file: FilePath | None = None
    subject_prefix: str = "[watchlist-monitor] "

    @field_validator("sender", "to")
    @classmethod
    def _addresses(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        for address in (value,) if isinstance(value, str) else value:
            if "@" not in address or any(c in address for c in "\r\n"):
                raise ValueError(f"{address!r} is not an email address")
        return value

    @model_validator(mode="after")
    def _login_pair(self) -> EmailSettings:
        if (self.username is None) != (self.password is None):
            raise ValueError("give both username and password, or neither")
        return self


class EmailNotifier(Notifier):
    """Send each report as an email (text and HTML) through an SMTP server."""

    kind = "email"
    settings_model = EmailSettings

    @property
    def options(self) -> EmailSettings:
        assert isinstance(self.settings, EmailSettings)
        return self.settings

    @property
    def formats(self) -> tuple[str, ...]:
        return ("text", "html")

    def secrets(self) -> tuple[str, ...]:
        password = self.options.password
        return tuple(
            s for s in (self.options.username, password and password.get_secret_value()) if s
        )

    def compose(self, message: Message) -> EmailMessage:
        """The email: a stable Message-ID per delivery, so a resend can be recognised."""
        options = self.options
        email = EmailMessage()
        email["Subject"] = options.subject_prefix + message.subject
        email["From"] = options.sender
        email["To"] = ", ".join(options.to)
        email["Date"] = format_datetime(message.created_at)
        domain = options.sender.rsplit("@", 1)[1]
        email["Message-ID"] = f"<{message.key}@{domain}>"
        email.set_content(message.parts["text"])
        email.add_alternative(message.parts["html"], subtype="html")
        return email

    def send(self, message: Message) -> None:
        try:
            self._send(self.compose(message))
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(self.scrub(f"SMTP {self.options.host}: {_describe(exc)}")) from None

    def _send(self, email: EmailMessage) -> None:
        options = self.options
        port = options.port or DEFAULT_PORTS[options.security]
        context = ssl.create_default_context(
            cafile=str(options.ca_file) if options.ca_file else None
        )
        smtp: smtplib.SMTP
        if options.security == "ssl":
            smtp = smtplib.SMTP_SSL(options.host, port, timeout=options.timeout, context=context)
        else:
            smtp = smtplib.SMTP(options.host, port, timeout=options.timeout)
        with smtp:
            if options.security == "starttls":
                smtp.starttls(context=context)
            if options.username and options.password:
                _check_login_offered(smtp, options.security)
                smtp.login(options.username, options.password.get_secret_value())
            smtp.send_message(email)


def _check_login_offered(smtp: smtplib.SMTP, security: str) -> None:
    """A server that offers a login only over TLS gets a sentence that says what to set."""
    smtp.ehlo_or_helo_if_needed()
    if security == "none" and not smtp.has_extn("auth") and smtp.has_extn("starttls"):
        raise smtplib.SMTPNotSupportedError(
            "the server takes a login only over TLS (it offers STARTTLS): set security: starttls"
        )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        raw = exc.smtp_error
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        return f"server answered {exc.smtp_code} {text}".strip()
    return f"{type(exc).__name__}: {exc}"
