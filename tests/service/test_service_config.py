"""Service configuration fails at start-up with one sentence naming the bad value."""

from __future__ import annotations

import pkgutil
from datetime import timedelta
from pathlib import Path

import pytest

import monitor.notifiers as notifiers
from monitor.config import Config, load_config
from monitor.errors import ConfigError
from monitor.notifiers import notifier_kinds
from monitor.service.daemon import scheduled_lists

LIST = """lists:
  - id: us-ofac-sdn
    source: {source}
    schedule: {schedule}
    notify: [{notify}]
"""


def _load(
    tmp_path: Path,
    notifiers: str = "",
    *,
    source: str = "https://example.org/sdn.csv",
    schedule: str = "{every: 30m}",
    notify: str = "",
) -> Config:
    path = tmp_path / "monitor.yml"
    text = LIST.format(source=source, schedule=schedule, notify=notify)
    path.write_text(text + (f"notifiers:\n{notifiers}" if notifiers else ""), encoding="utf-8")
    return load_config(path)


def test_notifier_kinds_are_the_plugins() -> None:
    plugins = {m.name for m in pkgutil.iter_modules(notifiers.__path__)} - {"base"}
    assert notifier_kinds() == sorted(plugins)


def test_an_unknown_notifier_kind_names_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match="unknown kind 'pager'; valid kinds: " + ", ".join(notifier_kinds())
    ):
        _load(tmp_path, "  - {id: oncall, kind: pager}\n")


def test_notifying_an_unknown_notifier_fails_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="notifies 'mial', which is not a configured notifier"):
        _load(tmp_path, "  - {id: mail, kind: file, directory: out}\n", notify="mial")


def test_an_unknown_setting_names_the_valid_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'hostname' is not a known setting; valid settings:"):
        _load(tmp_path, "  - {id: mail, kind: email, hostname: x, sender: a@b, to: [c@d]}\n")


def test_a_bad_setting_never_echoes_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "top-secret-value")
    notifier = (
        "  - {id: mail, kind: email, host: smtp, port: 99999, username: u,"
        " password: '${SMTP_PASSWORD}', sender: a@b, to: [c@d]}\n"
    )
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, notifier)
    assert "port" in str(raised.value)
    assert "top-secret-value" not in str(raised.value)


def test_schedules_take_cron_or_every_with_seconds(tmp_path: Path) -> None:
    assert _load(tmp_path, schedule="{every: 5s}").lists[0].schedule.every == timedelta(  # type: ignore[union-attr]
        seconds=5
    )
    cron = _load(tmp_path, schedule="{cron: '0 */2 * * *'}").lists[0].schedule
    assert cron is not None and cron.cron == "0 */2 * * *"
    with pytest.raises(ConfigError, match="is not a duration"):
        _load(tmp_path, schedule="{every: soon}")
    with pytest.raises(ConfigError, match="is not a cron expression"):
        _load(tmp_path, schedule="{cron: '0 */2 * *'}")
    with pytest.raises(ConfigError, match="not both or neither"):
        _load(tmp_path, schedule="{cron: '0 * * * *', every: 1h}")


def test_a_source_must_be_a_url_a_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a supported source"):
        _load(tmp_path, source="ftp://example.org/sdn.csv")


def test_the_daemon_refuses_a_configuration_with_nothing_to_schedule(tmp_path: Path) -> None:
    path = tmp_path / "monitor.yml"
    path.write_text("lists:\n  - id: us-ofac-sdn\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no list has a schedule"):
        scheduled_lists(load_config(path))
