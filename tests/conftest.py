"""Shared fixtures: real data locations, databases on SQLite and PostgreSQL, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
# The shipped demo's files, as committed: tests copy these, never whatever a user has
# since added under snapshots/ (an `ingest` of their own download archives there).
SHIPPED_FILES = tuple(
    Path(line) for line in (FIXTURES / "shipped-snapshots.txt").read_text(encoding="utf-8").split()
)


def copy_shipped(target: Path) -> Path:
    """The shipped demo archive copied to ``target`` (tests never write into the checkout)."""
    for relative in SHIPPED_FILES:
        destination = target / relative.relative_to("snapshots")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, destination)
    return target


def shipped_versions(list_id: str) -> list[Path]:
    """The shipped version folders of one list, oldest first."""
    folders = {ROOT / p.parent for p in SHIPPED_FILES if p.parts[1] == list_id}
    return sorted(folders)


@pytest.fixture(scope="session", autouse=True)
def _apart_from_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test runs in an empty folder with no configuration or database from outside.

    A user's config/monitor.yml, monitor.db or snapshots/ in the checkout, their
    configuration and data directories, or a WATCHLIST_MONITOR_DB in their shell, must
    not change what a test sees, and no test writes into the real home folder.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        for name in ("WATCHLIST_MONITOR_DB", "WATCHLIST_MONITOR_CONFIG"):
            patch.delenv(name, raising=False)
        home = tmp_path_factory.mktemp("home")
        _private_user_dirs(patch, home)
        patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
        yield


def _private_user_dirs(patch: pytest.MonkeyPatch, home: Path) -> None:
    """Where platformdirs finds the user's configuration and data on Linux (XDG). The
    cache directory (remembered configuration validations) is one per session, set by
    `_apart_from_the_checkout`, so the suite never writes into the real ~/.cache."""
    patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    patch.setenv("XDG_DATA_HOME", str(home / "data"))


@pytest.fixture(autouse=True)
def _own_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test its own user configuration and data directories: an archive written
    there by one test (no config, no checkout) is never seen by another."""
    with pytest.MonkeyPatch.context() as patch:
        _private_user_dirs(patch, tmp_path_factory.mktemp("home"))
        yield


def fresh_python(code: str) -> str:
    """What ``code`` prints when run by a new interpreter: what a module imports, or
    creates, is seen from a process that has imported nothing else."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout


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
    return copy_shipped(tmp_path / "archive")


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
