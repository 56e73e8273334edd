"""Finding and reading the configuration file, before any validation.

Kept apart from :mod:`monitor.config` (the pydantic models) so that a command
whose configuration validated before with the same inputs (see
:mod:`monitor.config_cache`) reads the file without importing the models.
What is gathered here is exactly what the models validate: the file's
settings with ``${ENV_VAR}`` references expanded, and the database URL,
archive and provenance fields decided from the command line, environment
and working folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from monitor.errors import ConfigError

DEFAULT_CONFIG = Path("config/monitor.yml")
DEFAULT_DATABASE = "sqlite:///monitor.db"
DEFAULT_ARCHIVE = Path("snapshots")
DB_ENV = "WATCHLIST_MONITOR_DB"
CONFIG_ENV = "WATCHLIST_MONITOR_CONFIG"
APP_NAME = "watchlist-monitor"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Gathered:
    """The settings to validate, and where they came from.

    ``data`` is the mapping :class:`monitor.config.Config` validates; ``home``
    is the user data directory to create once the settings are valid, when
    the database or archive defaulted into it.
    """

    data: dict[str, Any]
    chosen: Path | None
    home: Path | None

    @property
    def shown(self) -> str:
        """How errors name the configuration: its file, else 'configuration'."""
        return str(self.chosen or "configuration")


def gather(path: Path | None, *, database: str | None = None) -> Gathered:
    """Read the configuration (see find_config for where it is looked for) and add defaults.

    The database URL precedence is --db, then WATCHLIST_MONITOR_DB, then the file, then
    the default; the default database and archive are ``monitor.db`` and ``snapshots/`` in
    the working folder when it is a checkout (or holds them already), else in the user's
    data directory, so an installed tool does not scatter files wherever it is run.
    """
    chosen, found_by = find_config(path)
    data: dict[str, Any] = {}
    if chosen is not None:
        data = read_yaml(chosen)
    defaults_here = _in_a_checkout()
    home = Path(".") if defaults_here else user_data_dir()
    default_db = DEFAULT_DATABASE if defaults_here else f"sqlite:///{home / 'monitor.db'}"
    url = database or os.environ.get(DB_ENV) or data.get("database") or default_db
    defaulted = ["database"] if url == default_db else []
    data["database"] = url
    if "archive" not in data:
        data["archive"] = DEFAULT_ARCHIVE if defaults_here else home / "snapshots"
        defaulted.append("archive")
    data["source_path"] = chosen
    data["found_by"] = found_by
    data["places"] = ""
    if defaulted:
        where = (
            "the working folder (a checkout)"
            if defaults_here
            else f"the user data directory {home}"
        )
        data["places"] = f"{' and '.join(defaulted)} by default in {where}"
    return Gathered(
        data=data, chosen=chosen, home=home if defaulted and not defaults_here else None
    )


def create_home(gathered: Gathered) -> None:
    """Create the user data directory the defaults point into (the first run of an installed
    tool); called once the settings are known to be valid."""
    if gathered.home is None:
        return
    try:
        gathered.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the data directory {gathered.home} ({exc.strerror}); set "
            "'database' and 'archive' in the configuration"
        ) from None


def expand_env(value: Any, where: str) -> Any:
    """Replace ${VAR} references with the environment's values, recursively."""
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(f"{where}: environment variable {name} is not set")
            return os.environ[name]

        return _ENV_REF.sub(substitute, value)
    if isinstance(value, list):
        return [expand_env(v, where) for v in value]
    if isinstance(value, dict):
        return {k: expand_env(v, where) for k, v in value.items()}
    return value


def find_config(path: Path | None) -> tuple[Path | None, str]:
    """The configuration file and how it was found: --config, then WATCHLIST_MONITOR_CONFIG,
    then ./config/monitor.yml, then monitor.yml in the user's configuration directory."""
    if path is not None:
        return path, "--config"
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]), CONFIG_ENV
    if DEFAULT_CONFIG.exists():
        return DEFAULT_CONFIG, "./config/monitor.yml"
    user = user_config_file()
    if user.exists():
        return user, "the user configuration directory"
    return None, "none found"


def user_config_file() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "monitor.yml"


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def _in_a_checkout() -> bool:
    """The working folder holds a checkout's or an earlier run's data: keep using it."""
    return DEFAULT_CONFIG.exists() or Path("monitor.db").exists() or DEFAULT_ARCHIVE.is_dir()


def read_yaml(path: Path) -> dict[str, Any]:
    """The file's settings with ${VAR} references expanded; errors name the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise ConfigError(
            f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of settings")
    return expand_env(data, str(path))  # type: ignore[no-any-return]
