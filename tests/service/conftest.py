"""Real servers on loopback for the service tests: a list publisher, SMTP, a web hook.

The publisher serves real versions of the OFAC SDN list from the shipped
archive and can misbehave the way government servers do (time out, reset
the connection, truncate the body, send nothing or an HTML error page).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import text

from monitor.config import load_config
from monitor.ingest.pipeline import IngestRequest, ingest
from monitor.store import Store, open_engine
from tests.conftest import SNAPSHOTS

SDN = SNAPSHOTS / "us-ofac-sdn"
V1 = "2021-12-16T0142Z"
V2 = "2021-12-17T1849Z"
ADDED_IN_V2 = "DARASSA, Ali"
SMTP_USER = "monitor"
SMTP_PASSWORD = "s3cret-Pa55word"
HOOK_TOKEN = "T0KEN-in-the-url"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two real SDN versions, decompressed (as the publisher serves them)."""
    folder = tmp_path_factory.mktemp("versions")
    out = {}
    for stamp in (V1, V2):
        target = folder / stamp / "sdn.csv"
        target.parent.mkdir()
        target.write_bytes(gzip.decompress((SDN / stamp / "sdn.csv.gz").read_bytes()))
        out[stamp] = target
    return out


# --- the list publisher -------------------------------------------------------------------


@dataclass
class Publisher:
    """What the HTTP server does next: serve ``content``, or the queued faults first."""

    content: bytes = b""
    # Several files by name (a multi-file source, e.g. OFAC's sdn.csv add.csv alt.csv ...):
    # a request for /downloads/<name> gets files[name] when set, else ``content``.
    files: dict[str, bytes] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)  # time.monotonic() of each request
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/downloads/sdn.csv"

    def serve(self, path: Path) -> None:
        self.content = path.read_bytes()

    def file_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/downloads/{name}"

    def body(self, path: str) -> bytes:
        return self.files.get(path.rsplit("/", 1)[-1], self.content)

    @property
    def etag(self) -> str:
        return etag_of(self.content)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


class _PublisherHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _PublisherServer

    def log_message(self, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        state = self.server.publisher
        state.requests.append({**dict(self.headers.items()), "path": self.path})
        state.arrivals.append(time.monotonic())
        fault = state.faults.pop(0) if state.faults else "ok"
        getattr(self, "_" + fault.split(":")[0])(state, fault)

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _ok(self, state: Publisher, _fault: str) -> None:
        body = state.body(self.path)
        etag = etag_of(body)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self._send(200, body, {"ETag": etag, "Content-Type": "text/csv"})

    def _status(self, _state: Publisher, fault: str) -> None:
        self._send(int(fault.split(":")[1]), b"Service Unavailable")

    def _busy(self, _state: Publisher, fault: str) -> None:
        """'busy:N': 503 with Retry-After: N seconds, as publishers say 'come back later'."""
        self._send(503, b"Service Unavailable", {"Retry-After": fault.split(":")[1]})

    def _html(self, _state: Publisher, _fault: str) -> None:
        page = b"<!DOCTYPE html><html><body><h1>Site maintenance</h1></body></html>"
        self._send(200, page, {"Content-Type": "text/html"})

    def _empty(self, _state: Publisher, _fault: str) -> None:
        self._send(200, b"", {"Content-Type": "text/csv"})

    def _truncated(self, state: Publisher, _fault: str) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(state.content)))
        self.end_headers()
        self.wfile.write(state.content[: len(state.content) // 2])
        self.close_connection = True

    def _reset(self, _state: Publisher, _fault: str) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _timeout(self, state: Publisher, _fault: str) -> None:
        state.release.wait(5)
        self.close_connection = True

    def _stall(self, state: Publisher, _fault: str) -> None:
        """Half the body, then nothing until the test releases it: a check in progress."""
        self.send_response(200)
        self.send_header("Content-Length", str(len(state.content)))
        self.end_headers()
        self.wfile.write(state.content[: len(state.content) // 2])
        self.wfile.flush()
        state.stalled.set()
        state.release.wait(20)
        self.close_connection = True


class _PublisherServer(ThreadingHTTPServer):
    daemon_threads = True
    publisher: Publisher


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    server = _PublisherServer(("127.0.0.1", 0), _PublisherHandler)
    server.publisher = Publisher(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.publisher
    server.publisher.release.set()
    server.shutdown()
    server.server_close()


# --- SMTP ------------------------------------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK"


def _authenticate(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok)


class SmtpServer:
    """A real SMTP server (aiosmtpd) that can be taken down and brought back on its port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = _Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=_authenticate,
            auth_require_tls=False,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[bytes]:
        return self.inbox.messages


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


# --- web hook --------------------------------------------------------------------------


@dataclass
class HookState:
    statuses: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    port: int = 0

    def url(self, style: str) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{style}/{HOOK_TOKEN}"


class _HookHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HookServer

    def log_message(self, *args: Any) -> None:
        return None

    def do_POST(self) -> None:
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status = state.statuses.pop(0) if state.statuses else 200
        if status == 200:
            state.received.append({"path": self.path, "json": json.loads(body)})
            state.keys.append(self.headers.get("Idempotency-Key", ""))
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


class _HookServer(ThreadingHTTPServer):
    daemon_threads = True
    state: HookState


@pytest.fixture
def hook() -> Iterator[HookState]:
    server = _HookServer(("127.0.0.1", 0), _HookHandler)
    server.state = HookState(port=server.server_address[1])
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server.state
    server.shutdown()
    server.server_close()


# --- configuration and databases -------------------------------------------------------


def service_config(
    folder: Path,
    source: str,
    *,
    notify: tuple[str, ...] = (),
    smtp_port: int | None = None,
    hook_url: str | None = None,
    hook_style: str = "generic",
    schedule: str = "{every: 1h}",
    fetch: str = "{timeout: 0.5s, retries: 1, retry_delay: 0.05s, settle: 0s}",
    extra: str = "",
) -> Path:
    """A configuration like a user's, with short timeouts; secrets as ${ENV} references."""
    notifiers = []
    if smtp_port is not None:
        notifiers.append(
            f"""  - id: mail
    kind: email
    host: 127.0.0.1
    port: {smtp_port}
    security: none
    username: ${{SMTP_USER}}
    password: ${{SMTP_PASSWORD}}
    sender: monitor@example.org
    to: [analyst@example.org]"""
        )
    notifiers.append(
        f"""  - id: files
    kind: file
    directory: {folder / "reports"}
    formats: [html, markdown, json]"""
    )
    if hook_url is not None:
        notifiers.append(
            f"""  - id: hook
    kind: webhook
    url: ${{HOOK_URL}}
    style: {hook_style}"""
        )
    text = f"""archive: {folder / "archive"}
timezone: UTC
delivery: {{retry_delay: 0.1s, max_delay: 1s, interval: 1s}}
{extra}
lists:
  - id: us-ofac-sdn
    title: OFAC SDN list
    format: ofac-csv
    source: {source}
    schedule: {schedule}
    fetch: {fetch}
    expect: {{min_records: 5000, max_records: 40000}}
    notify: [{", ".join(notify)}]
notifiers:
{chr(10).join(notifiers)}
"""
    path = folder / "monitor.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def secrets_in_env(monkeypatch: pytest.MonkeyPatch, hook: HookState) -> None:
    monkeypatch.setenv("SMTP_USER", SMTP_USER)
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("HOOK_URL", hook.url("generic"))


def seed_baseline(db_url: str, archive: Path, version: Path) -> None:
    """The first version as the list's baseline, as a replay of the archive would leave it."""
    config = load_config(None, database=db_url).model_copy(update={"archive": archive})
    store = Store(open_engine(db_url))
    list_config = config.list_config("us-ofac-sdn")
    request = IngestRequest(
        list_config=list_config,
        paths=[version],
        input_format="ofac-csv",
        observed_at=datetime(2021, 12, 16, 1, 42, tzinfo=UTC),
    )
    ingest(store, config, request, now=datetime.now(UTC))
    if store.backend == "sqlite":
        with store.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    store.engine.dispose()


@pytest.fixture(scope="session")
def baseline_sqlite(tmp_path_factory: pytest.TempPathFactory, versions: dict[str, Path]) -> Path:
    """A SQLite database holding the V1 baseline, built once and copied by each test."""
    folder = tmp_path_factory.mktemp("baseline")
    seed_baseline(f"sqlite:///{folder / 'monitor.db'}", folder / "archive", versions[V1])
    return folder / "monitor.db"


@pytest.fixture
def seeded_sqlite(tmp_path: Path, baseline_sqlite: Path) -> str:
    shutil.copyfile(baseline_sqlite, tmp_path / "monitor.db")
    return f"sqlite:///{tmp_path / 'monitor.db'}"
