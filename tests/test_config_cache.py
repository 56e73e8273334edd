"""Remembered validations (monitor.config_cache): a configuration is trusted without the
models only when everything its validation depended on is unchanged; errors stay the same."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor import config_cache
from monitor.cli import AppContext
from monitor.config import load_config
from monitor.config_cache import Checked, cache_dir, trusted
from monitor.config_file import gather
from monitor.errors import ConfigError
from tests.conftest import FIXTURES

PORTFOLIO = FIXTURES / "watchlists" / "portfolio.csv"  # real company names

CONFIG = """\
database: sqlite:///lists.db
timezone: ${ZONE}
lists:
  - id: us-ofac-sdn
    format: ofac-csv
    source:
      - https://www.treasury.gov/ofac/downloads/sdn.csv
      - https://www.treasury.gov/ofac/downloads/add.csv
watchlists:
  - id: portfolio
    entries: portfolio.csv
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a configuration and its watchlist file; a private cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ZONE", "Europe/Berlin")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "monitor.yml").write_text(CONFIG, encoding="utf-8")
    shutil.copy(PORTFOLIO, work / "portfolio.csv")
    return work


def _trusted(folder: Path, database: str | None = None) -> Checked | None:
    return trusted(gather(folder / "monitor.yml", database=database))


def test_a_valid_configuration_is_trusted_once_validated(folder: Path) -> None:
    assert _trusted(folder) is None
    config = load_config(folder / "monitor.yml")
    checked = _trusted(folder)
    assert checked == Checked(database="sqlite:///lists.db", where=config.where())
    app = AppContext(config_path=folder / "monitor.yml", database=None)
    assert app.checked == checked and app._config is None  # the models were not needed


def _edit_config(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (folder / "monitor.yml").read_text(encoding="utf-8")
    (folder / "monitor.yml").write_text(text.replace("format: ofac-csv", "format: auto"))


def _edit_entries(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with (folder / "portfolio.csv").open("a", encoding="utf-8") as out:
        out.write("Huawei Technologies,,CN,,\n")


def _change_variable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONE", "Asia/Tokyo")


def _move_elsewhere(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = folder.parent / "other"
    other.mkdir()
    shutil.copy(folder / "portfolio.csv", other / "portfolio.csv")
    monkeypatch.chdir(other)


@pytest.mark.parametrize(
    "change",
    [_edit_config, _edit_entries, _change_variable, _move_elsewhere],
    ids=lambda f: f.__name__,
)
def test_any_change_to_what_was_validated_means_validating_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[..., None]
) -> None:
    load_config(folder / "monitor.yml")
    assert _trusted(folder) is not None
    change(folder, monkeypatch)
    assert _trusted(folder) is None
    load_config(folder / "monitor.yml")
    assert _trusted(folder) is not None


def test_another_database_means_validating_again(folder: Path) -> None:
    load_config(folder / "monitor.yml")
    assert _trusted(folder, database="sqlite:///other.db") is None


def test_changed_code_means_validating_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    shutil.copytree(
        Path(config_cache.__file__).parent, package, ignore=shutil.ignore_patterns("*.pyc")
    )
    monkeypatch.setattr(config_cache, "PACKAGE", package)
    load_config(folder / "monitor.yml")
    assert _trusted(folder) is not None
    with (package / "config.py").open("a", encoding="utf-8") as out:
        out.write("\n# a validator changed\n")
    assert _trusted(folder) is None


def test_an_invalid_configuration_is_never_trusted_and_fails_the_same(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_config(folder / "monitor.yml")
    monkeypatch.setenv("ZONE", "Berlin")
    with pytest.raises(ConfigError) as direct:
        load_config(folder / "monitor.yml")
    app = AppContext(config_path=folder / "monitor.yml", database=None)
    with pytest.raises(ConfigError) as light:
        app.checked  # noqa: B018 (the property validates)
    assert str(light.value) == str(direct.value)
    assert "timezone: 'Berlin' is not a known time zone" in str(direct.value)
    assert len(list(cache_dir().glob("*.json"))) == 1  # only the valid one


def test_no_setting_or_secret_is_written_to_the_cache(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", "pg-secret-4711")
    monkeypatch.setenv("WEB_TOKEN", "web-token-0123456789abcdef")
    text = (
        (folder / "monitor.yml")
        .read_text(encoding="utf-8")
        .replace("sqlite:///lists.db", "postgresql://monitor:${DB_PASSWORD}@db.example/lists")
    )
    (folder / "monitor.yml").write_text(text + "web:\n  token: ${WEB_TOKEN}\n")
    load_config(folder / "monitor.yml")
    [entry] = cache_dir().glob("*.json")
    stored = entry.read_text(encoding="utf-8")
    assert "pg-secret-4711" not in stored and "web-token-0123456789abcdef" not in stored
    assert "ofac" not in stored  # settings are not stored, only the places shown
    checked = _trusted(folder)
    assert checked is not None
    assert checked.database == "postgresql://monitor:pg-secret-4711@db.example/lists"
    assert checked.where["database"] == "postgresql://monitor:***@db.example/lists"
