"""Email over real TLS (STARTTLS and implicit TLS) with login, against aiosmtpd on loopback.

The server's certificate is made here with the openssl command, like a
company mail server with a private certificate authority: the notifier trusts
it through ``ca_file`` and refuses it without, and the password never shows
in an error.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from monitor.notifiers import DeliveryError, Message, build_notifier
from monitor.notifiers.email import EmailSettings
from tests.service.conftest import SMTP_PASSWORD, SMTP_USER, _authenticate, free_port

MESSAGE = Message(
    delivery_id=7,
    list_id="us-ofac-sdn",
    subject="us-ofac-sdn: 1 entry added",
    name="us-ofac-sdn-2021-12-17",
    parts={"text": "DARASSA, Ali was listed.", "html": "<p>DARASSA, Ali was listed.</p>"},
    created_at=datetime(2021, 12, 17, 19, 0, tzinfo=UTC),
)


class _TlsInbox:
    """Keeps each message with whether it came over TLS and from a logged-in client."""

    def __init__(self) -> None:
        self.received: list[tuple[bool, bool, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        secure = server.transport.get_extra_info("ssl_object") is not None
        self.received.append((secure, bool(session.authenticated), envelope.content))
        return "250 OK"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "server.pem", folder / "server.key"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
    subject = ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run([*command.split(), *subject], check=True, capture_output=True)
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


@pytest.fixture(params=["starttls", "ssl"])
def server(
    request: pytest.FixtureRequest, certificate: tuple[Path, Path]
) -> Iterator[tuple[str, int, _TlsInbox]]:
    """A mail server that only takes logins and mail over TLS, in the given mode."""
    inbox = _TlsInbox()
    port = free_port()
    tls = _server_context(certificate)
    if request.param == "starttls":
        mode: dict[str, Any] = {"tls_context": tls, "require_starttls": True}
    else:  # TLS from the first byte; aiosmtpd's auth_require_tls only knows STARTTLS
        mode = {"ssl_context": tls, "auth_require_tls": False}
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=_authenticate, **mode
    )
    controller.start()
    yield request.param, port, inbox
    controller.stop()


def _notifier(security: str, port: int, ca_file: Path | None) -> Any:
    settings = EmailSettings(
        host="127.0.0.1",
        port=port,
        security=security,  # type: ignore[arg-type]
        username=SMTP_USER,
        password=SMTP_PASSWORD,  # type: ignore[arg-type]
        sender="monitor@example.org",
        to=("analyst@example.org",),
        timeout=5,
        ca_file=ca_file,
    )
    return build_notifier("email", "mail", settings)


def test_mail_goes_over_tls_with_login_when_the_ca_is_trusted(
    server: tuple[str, int, _TlsInbox], certificate: tuple[Path, Path]
) -> None:
    security, port, inbox = server
    _notifier(security, port, certificate[0]).send(MESSAGE)
    assert len(inbox.received) == 1
    secure, logged_in, content = inbox.received[0]
    assert secure and logged_in
    assert b"DARASSA, Ali was listed." in content


def test_an_untrusted_certificate_is_refused_and_the_password_never_shows(
    server: tuple[str, int, _TlsInbox],
) -> None:
    security, port, inbox = server
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED") as caught:
        _notifier(security, port, None).send(MESSAGE)
    assert SMTP_PASSWORD not in str(caught.value)
    assert inbox.received == []


def test_a_login_over_plain_text_to_a_starttls_server_says_what_to_set(
    certificate: tuple[Path, Path],
) -> None:
    inbox = _TlsInbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        tls_context=_server_context(certificate),
        require_starttls=True,
    )
    controller.start()
    try:
        with pytest.raises(DeliveryError, match="set security: starttls") as caught:
            _notifier("none", port, None).send(MESSAGE)
    finally:
        controller.stop()
    assert SMTP_PASSWORD not in str(caught.value)
    assert inbox.received == []
