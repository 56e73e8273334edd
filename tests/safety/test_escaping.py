"""Values from the data are escaped in every HTML, feed and email output, never run as templates.

A real list version gets one extra entry whose name and alias are markup and
Jinja code; the real `check` command ingests it and delivers the report to a
file channel (every format) and to a real SMTP server on loopback, and the
`report` and `history` commands render it again.
"""

from __future__ import annotations

import email
import json
import socket
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import Cli, realdata
from tests.safety.helpers import plain_bytes

NAME = "<script>alert('x')</script> {{ 7*7 }} {% if true %}TPL{% endif %} ACME"
ALIAS = "<img src=x onerror=alert(1)>"
EVIL_ROW = (
    f'99999,"{NAME}",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'{ALIAS}\'."\n'
).encode()
RAW_MARKUP = ("<script", "<img")


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def delivered(tmp_path: Path, smtp: tuple[int, Inbox]) -> tuple[Cli, Path, Inbox]:
    """Two checks of a real list: the baseline, then a version with the hostile entry."""
    port, inbox = smtp
    real = plain_bytes(realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv"))
    source = tmp_path / "src" / "cons_prim.csv"
    source.parent.mkdir()
    source.write_bytes(real)
    config = tmp_path / "monitor.yml"
    config.write_text(
        f"archive: {tmp_path / 'archive'}\n"
        "lists:\n"
        f"  - id: us-ofac-cons\n    source: {source}\n    notify: [files, mail]\n"
        "notifiers:\n"
        f"  - id: files\n    kind: file\n    directory: {tmp_path / 'out'}\n"
        "    formats: [html, markdown, text, atom, json]\n"
        f"  - id: mail\n    kind: email\n    host: 127.0.0.1\n    port: {port}\n"
        "    security: none\n    sender: monitor@example.org\n    to: [desk@example.org]\n",
        encoding="utf-8",
    )
    cli = Cli(f"sqlite:///{tmp_path / 'm.db'}", config)
    assert cli("check", "us-ofac-cons").exit_code == 0
    source.write_bytes(real.rstrip(b"\x1a").rstrip(b"\n") + b"\n" + EVIL_ROW + b"\x1a")
    result = cli("check", "us-ofac-cons")
    assert result.exit_code == 0, result.output
    assert "1 listed" in result.stdout
    return cli, tmp_path / "out", inbox


def output(folder: Path, suffix: str) -> str:
    (path,) = folder.glob(f"*.{suffix}")
    return path.read_text(encoding="utf-8")


def assert_escaped_markup(text: str) -> None:
    for markup in RAW_MARKUP:
        assert markup not in text
    assert "&lt;script&gt;" in text
    assert_not_a_template(text)


def assert_not_a_template(text: str) -> None:
    """The Jinja code in the name is shown as it is, never evaluated."""
    assert "{{ 7*7 }}" in text or "{{ 7\\*7 }}" in text
    assert "{% if true %}TPL{% endif %}" in text
    assert " 49 " not in text


def test_html_feed_and_markdown_files_escape_the_data(
    delivered: tuple[Cli, Path, Inbox],
) -> None:
    _, out, _ = delivered
    assert_escaped_markup(output(out, "html"))
    assert_escaped_markup(output(out, "xml"))
    markdown = output(out, "md")
    assert "<script>" not in markdown and "<img " not in markdown
    assert_not_a_template(markdown)
    assert_not_a_template(output(out, "txt"))
    report = json.loads(output(out, "json"))
    assert NAME in json.dumps(report, ensure_ascii=False)


def test_the_email_escapes_the_data(delivered: tuple[Cli, Path, Inbox]) -> None:
    _, _, inbox = delivered
    (raw,) = inbox.messages
    message = email.message_from_bytes(raw)
    parts = {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}
    html = _text(parts["text/html"])
    assert_escaped_markup(html)
    assert_not_a_template(_text(parts["text/plain"]))
    assert set(message.keys()) <= {
        "Subject",
        "From",
        "To",
        "Date",
        "Message-ID",
        "MIME-Version",
        "Content-Type",
        "X-Peer",
        "X-MailFrom",
        "X-RcptTo",
    }


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


@pytest.mark.parametrize(
    "command", [["report", "--format", "html"], ["history", "ACME", "--format", "html"]]
)
def test_report_and_history_pages_escape_the_data(
    delivered: tuple[Cli, Path, Inbox], command: list[str]
) -> None:
    cli, _, _ = delivered
    result = cli(*command)
    assert result.exit_code == 0, result.output
    assert_escaped_markup(result.stdout)
