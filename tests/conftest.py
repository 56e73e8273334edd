"""Shared fixtures: real data locations, databases on SQLite and PostgreSQL, the CLI."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from monitor.cli import _load_commands, cli
from monitor.store.database import normalise_url

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SNAPSHOTS = ROOT / "snapshots"
REALDATA = ROOT.parent / "shared" / "realdata"
PG_ENV = "WATCHLIST_MONITOR_TEST_PG"


def realdata(*parts: str) -> Path:
    """A path in the large real data set, or a skip that says it is absent."""
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} absent: the shared real data set (../shared/realdata) is not here")
    return path


def _postgres_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        raise RuntimeError(f"{PG_ENV} must be set in CI (.ci/run starts PostgreSQL)")
    return None


@contextmanager
def private_pg_schema() -> Iterator[str]:
    """A URL to a private, empty schema on the test PostgreSQL, dropped afterwards.

    Skipped with the reason when PostgreSQL is not configured, and an error in CI.
    """
    base = _postgres_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (CI does)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema on the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'monitor.db'}"
        return
    with private_pg_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'monitor.db'}"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder with an archive folder, as a user would have."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "snapshots").mkdir()
    return tmp_path


@pytest.fixture
def shipped_archive(tmp_path: Path) -> Path:
    """A copy of the shipped demo archive (tests must not write into the repository)."""
    target = tmp_path / "archive"
    shutil.copytree(SNAPSHOTS, target)
    return target


class Cli:
    """Runs the real CLI in-process with a given database and configuration."""

    def __init__(self, db: str, config: Path | None = None) -> None:
        _load_commands()
        self.db = db
        self.config = config
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        options = ["--db", self.db]
        if self.config is not None:
            options += ["--config", str(self.config)]
        return self.runner.invoke(cli, [*options, *args], catch_exceptions=False)


def write_config(folder: Path, archive: Path, lists: str = "") -> Path:
    path = folder / "monitor.yml"
    path.write_text(f"archive: {archive}\nlists:\n{lists or '  []'}\n", encoding="utf-8")
    return path
