"""Where the configuration is found, where the data goes without one, and that every
setting is checked when the configuration loads, in every command, naming the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import _load_commands, cli
from monitor.config import load_config, user_config_file, user_data_dir
from monitor.errors import ConfigError

USER_CONFIG = "timezone: Asia/Tokyo\n"


def _write(path: Path, zone: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"timezone: {zone}\n", encoding="utf-8")
    return path


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_the_user_config_dir_is_private_to_the_test() -> None:
    assert str(user_config_file()).startswith(os.environ["XDG_CONFIG_HOME"])
    assert str(user_data_dir()).startswith(os.environ["XDG_DATA_HOME"])


def test_discovery_order(empty_cwd: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_config(None).source_path is None
    _write(user_config_file(), "Asia/Tokyo")
    assert load_config(None).timezone == "Asia/Tokyo"
    assert load_config(None).found_by == "the user configuration directory"
    _write(empty_cwd / "config" / "monitor.yml", "Europe/Paris")
    assert load_config(None).timezone == "Europe/Paris"
    monkeypatch.setenv("WATCHLIST_MONITOR_CONFIG", str(_write(tmp_path / "env.yml", "Asia/Dubai")))
    assert load_config(None).timezone == "Asia/Dubai"
    assert load_config(None).found_by == "WATCHLIST_MONITOR_CONFIG"
    explicit = _write(tmp_path / "explicit.yml", "America/Chicago")
    assert load_config(explicit).timezone == "America/Chicago"
    assert load_config(explicit).found_by == "--config"


def test_without_a_checkout_the_data_goes_to_the_user_data_dir(empty_cwd: Path) -> None:
    config = load_config(None)
    assert config.database == f"sqlite:///{user_data_dir() / 'monitor.db'}"
    assert config.archive == user_data_dir() / "snapshots"
    assert user_data_dir().is_dir()
    assert not any(empty_cwd.iterdir())


def test_in_a_checkout_the_data_stays_in_the_working_folder(empty_cwd: Path) -> None:
    _write(empty_cwd / "config" / "monitor.yml", "UTC")
    config = load_config(None)
    assert config.database == "sqlite:///monitor.db"
    assert config.archive == Path("snapshots")
    assert config.places == "database and archive by default in the working folder (a checkout)"


def test_lists_and_status_say_where_the_data_is(empty_cwd: Path) -> None:
    _load_commands()
    runner = CliRunner()
    lists = runner.invoke(cli, ["lists"], catch_exceptions=False)
    assert lists.exit_code == 0, lists.output
    assert str(user_data_dir() / "monitor.db") in lists.output
    assert str(user_data_dir() / "snapshots") in lists.output
    status = runner.invoke(cli, ["status", "--format", "json"], catch_exceptions=False)
    places = json.loads(status.output)["places"]
    assert places["database"] == f"sqlite:///{user_data_dir() / 'monitor.db'}"
    assert places["archive"] == str(user_data_dir() / "snapshots")
    assert places["config"] is None
    assert places["defaults_in"].startswith("database and archive by default in the user data")
    assert "user data directory" in runner.invoke(cli, ["status"]).output


# Every command that reads the configuration, with arguments that would otherwise work.
COMMANDS = [
    ["lists"],
    ["status"],
    ["status", "--format", "json"],
    ["check"],
    ["daemon"],
    ["ingest", "sdn.csv", "--list", "us-ofac-sdn"],
    ["replay"],
    ["report", "--since", "2021-12-01"],
    ["feed", "--output", "feed.xml"],
    ["history", "SenseTime"],
    ["as-of", "2021-12-20"],
    ["deliveries", "retry"],
    ["quarantine", "list"],
    ["verify"],
    ["alerts"],
    ["db", "upgrade"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_bad_timezone_fails_at_load_in_every_command(
    args: list[str], empty_cwd: Path, tmp_path: Path
) -> None:
    config = tmp_path / "bad.yml"
    config.write_text("timezone: Berlin\n", encoding="utf-8")
    (empty_cwd / "sdn.csv").write_text("1,x\n", encoding="utf-8")
    _load_commands()
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    assert result.exit_code == 1, result.output
    assert f"error: {config}: timezone: 'Berlin' is not a known time zone" in result.output
    assert not (empty_cwd / "monitor.db").exists() and not user_data_dir().exists()


def test_a_bad_timezone_names_the_file_when_loaded_directly(tmp_path: Path) -> None:
    config = _write(tmp_path / "monitor.yml", "Berlin")
    with pytest.raises(ConfigError, match=f"^{config}: timezone: 'Berlin' is not a known"):
        load_config(config)


def test_report_periods_cut_at_midnight_in_the_configured_time_zone(tmp_path: Path) -> None:
    """The SDN version observed 2021-12-17T18:49Z is on 18 December in Tokyo."""
    from tests.conftest import Cli, shipped_versions

    folders = [str(f) for f in shipped_versions("us-ofac-sdn")]
    v1 = next(f for f in folders if f.endswith("2021-12-16T0142Z"))
    v2 = next(f for f in folders if f.endswith("2021-12-17T1849Z"))
    for zone, expected in (("UTC", "2021-12-17"), ("Asia/Tokyo", "2021-12-18")):
        folder = tmp_path / zone.replace("/", "-")
        folder.mkdir()
        config = folder / "monitor.yml"
        config.write_text(f"archive: {folder / 'archive'}\ntimezone: {zone}\n", encoding="utf-8")
        cli = Cli(f"sqlite:///{folder / 'monitor.db'}", config)
        assert cli("replay", v1, v2, "--list", "us-ofac-sdn").exit_code == 0
        found = {}
        for day in ("2021-12-17", "2021-12-18"):
            result = cli(
                "report", "--since", day, "--until", day, "--date", "observed", "--format", "json"
            )
            found[day] = json.loads(result.output)["summary"]["listed"]
        assert found[expected] == 1, (zone, found)
        assert sum(found.values()) == 1, (zone, found)
