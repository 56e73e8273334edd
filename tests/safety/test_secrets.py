"""Secrets never appear in logs, errors, status, reports, deliveries or the database.

One configuration holds every kind of secret the tool knows: a database URL
with a password, a list source URL with user, password and an API key, an
SMTP password and a webhook URL with a token (both as ${ENV} references).
The real commands run against a real HTTP server and closed ports on
loopback (so deliveries fail and their errors are stored), with debug
logging on; then every output and every text in every table is searched.
"""

from __future__ import annotations

import http.server
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from monitor.store import open_engine
from monitor.store import schema as t
from monitor.store.database import normalise_url
from tests.conftest import PG_ENV, Cli, realdata
from tests.safety.helpers import plain_bytes

SECRETS = {
    "db": "DbPassw0rdSecret",
    "source_user": "SourceUserPw",
    "source_key": "ApiKeySecret123",
    "smtp": "SmtpPassw0rdSecret",
    "hook_path": "HookPathTokenSecret",
    "hook_query": "HookQueryTokenSecret",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A real HTTP server on loopback serving one folder (it ignores the credentials)."""
    folder = tmp_path / "www"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], folder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def database_with_password(tmp_path: Path) -> Iterator[str]:
    """The test PostgreSQL with a password in its URL (trust auth ignores it), else SQLite."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    user, rest = base.split("://", 1)[1].split("@", 1)
    schema = f"secrets_{os.getpid()}_{free_port()}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in rest else "?"
    yield (
        f"postgresql://{user.split(':')[0]}:{SECRETS['db']}@{rest}"
        f"{separator}options=-csearch_path%3D{schema}"
    )
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


def write_config(tmp_path: Path, port: int) -> Path:
    closed = free_port()
    source = (
        f"http://reader:{SECRETS['source_user']}@127.0.0.1:{port}/cons_prim.csv"
        f"?apikey={SECRETS['source_key']}"
    )
    config = tmp_path / "monitor.yml"
    config.write_text(
        f"archive: {tmp_path / 'archive'}\n"
        "lists:\n"
        f"  - id: us-ofac-cons\n    source: {source}\n    notify: [mail, hook]\n"
        "notifiers:\n"
        f"  - id: mail\n    kind: email\n    host: 127.0.0.1\n    port: {closed}\n"
        "    security: none\n    username: mailer\n    password: ${WM_TEST_SMTP_PASSWORD}\n"
        "    sender: monitor@example.org\n    to: [desk@example.org]\n    timeout: 2\n"
        "  - id: hook\n    kind: webhook\n    url: ${WM_TEST_HOOK_URL}\n",
        encoding="utf-8",
    )
    return config


def everything_in_the_database(url: str) -> str:
    engine = open_engine(url)
    texts = []
    with engine.connect() as connection:
        for table in t.metadata.sorted_tables:
            texts += [repr(tuple(row)) for row in connection.execute(select(table))]
    engine.dispose()
    return "\n".join(texts)


def test_no_secret_reaches_any_output_or_the_database(
    tmp_path: Path,
    served: tuple[int, Path],
    monkeypatch: pytest.MonkeyPatch,
    database_with_password: str,
) -> None:
    port, www = served
    closed = free_port()
    monkeypatch.setenv("WM_TEST_SMTP_PASSWORD", SECRETS["smtp"])
    monkeypatch.setenv(
        "WM_TEST_HOOK_URL",
        f"http://127.0.0.1:{closed}/hooks/{SECRETS['hook_path']}?token={SECRETS['hook_query']}",
    )
    real = plain_bytes(realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv"))
    (www / "cons_prim.csv").write_bytes(real)
    url = database_with_password
    cli = Cli(url, write_config(tmp_path, port))
    seen: list[str] = []

    def run(*args: str) -> None:
        result = cli("-vv", *args)
        seen.append(f"$ {' '.join(args)}\n{result.stdout}\n{result.stderr}")

    run("check", "us-ofac-cons")
    shorter = real.rstrip(b"\x1a").rstrip(b"\n").rsplit(b"\n", 3)[0] + b"\n\x1a"
    (www / "cons_prim.csv").write_bytes(shorter)
    later = (www / "cons_prim.csv").stat().st_mtime + 60  # a new Last-Modified for the server
    os.utime(www / "cons_prim.csv", (later, later))
    run("check", "us-ofac-cons")
    run("deliveries", "retry")
    for command in (
        ["status"],
        ["status", "--format", "json"],
        ["deliveries"],
        ["lists", "--format", "json"],
        ["report", "--format", "html"],
        ["report", "--format", "json"],
        ["quarantine", "list", "--format", "json"],
        ["verify"],
    ):
        run(*command)
    stored = everything_in_the_database(url)
    assert "us-ofac-cons" in seen[1] and "3 delisted" in seen[1], seen[1]
    assert "mail" in stored and "hook" in stored, "no delivery was recorded"
    assert stored.count("refused") >= 2, "the failed deliveries' errors were not stored"
    for name, secret in SECRETS.items():
        if name == "db" and url.startswith("sqlite"):
            continue
        for output in seen:
            assert secret not in output, f"{name} secret in the output of {output[:60]!r}"
        assert secret not in stored, f"{name} secret stored in the database"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql://monitor:{SECRETS['db']}@127.0.0.1:1/none", id="unreachable"),
        pytest.param(
            f"mysql+nosuchdriver://monitor:{SECRETS['db']}@127.0.0.1/none",
            id="unknown-driver",
        ),
    ],
)
def test_an_unusable_database_url_is_reported_without_its_password(url: str) -> None:
    result = Cli(url)("-vv", "lists")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert SECRETS["db"] not in result.output, result.output
