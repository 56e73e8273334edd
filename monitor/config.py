"""Configuration: YAML validated once at start-up into frozen objects.

A bad file fails before anything runs, with one sentence naming the file, the
key, the bad value and what would be valid. Secrets are written as
``${ENV_VAR}`` references and expanded here, never logged.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.errors import ConfigError
from monitor.formats import AUTO, format_kinds

DEFAULT_CONFIG = Path("config/monitor.yml")
DEFAULT_DATABASE = "sqlite:///monitor.db"
DB_ENV = "WATCHLIST_MONITOR_DB"
LIST_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Expect(Frozen):
    """The envelope a healthy snapshot of a list fits in (see the safety rails)."""

    min_records: int = Field(default=1, ge=1)
    max_records: int | None = Field(default=None, ge=1)
    max_removed_share: float = Field(default=0.10, ge=0, le=1)
    max_added_share: float | None = Field(default=None, ge=0)


class Schedule(Frozen):
    cron: str | None = None
    every: str | None = None


class ListConfig(Frozen):
    id: str
    title: str = ""
    format: str = AUTO
    source: str | None = None
    schedule: Schedule | None = None
    expect: Expect = Expect()
    notify: tuple[str, ...] = ()
    detect_rekeys: bool = True

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return validate_list_id(value)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        valid = [AUTO, *format_kinds()]
        if value not in valid:
            raise ValueError(f"is not a known format; valid formats: {', '.join(valid)}")
        return value


class NotifierConfig(Frozen):
    model_config = ConfigDict(frozen=True, extra="allow")
    id: str
    kind: str


class Config(Frozen):
    database: str = DEFAULT_DATABASE
    archive: Path = Path("snapshots")
    timezone: str = "UTC"
    templates: Path | None = None
    lists: tuple[ListConfig, ...] = ()
    notifiers: tuple[NotifierConfig, ...] = ()
    watchlists: tuple[dict[str, Any], ...] = ()
    source_path: Path | None = None

    def list_config(self, list_id: str) -> ListConfig:
        """The configured list, or a default one: an unknown list is created on the fly."""
        for item in self.lists:
            if item.id == list_id:
                return item
        return ListConfig(id=validate_list_id(list_id))

    @field_validator("lists")
    @classmethod
    def _unique_ids(cls, value: tuple[ListConfig, ...]) -> tuple[ListConfig, ...]:
        ids = [item.id for item in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"list ids must be unique; repeated: {', '.join(duplicates)}")
        return value


def validate_list_id(value: str) -> str:
    """List ids become folder names in the archive: nothing that could escape it."""
    if not LIST_ID_RE.match(value) or ".." in value:
        raise ConfigError(
            f"list id {value!r} is not valid: use lower-case letters, digits, '.', '_' or '-' "
            "(e.g. us-ofac-sdn)"
        )
    return value


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


def _describe(error: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"key {location!r} is not a known setting"
    value = error.get("input")
    shown = f" {value!r}" if isinstance(value, str | int | float) else ""
    return f"{location}:{shown} {message}"


def load_config(path: Path | None, *, database: str | None = None) -> Config:
    """Read and validate the configuration; the database URL precedence is
    --db, then WATCHLIST_MONITOR_DB, then the file, then sqlite:///monitor.db."""
    chosen = path if path is not None else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    data: dict[str, Any] = {}
    if chosen is not None:
        data = _read_yaml(chosen)
    url = database or os.environ.get(DB_ENV) or data.get("database") or DEFAULT_DATABASE
    data["database"] = url
    data["source_path"] = chosen
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{chosen or 'configuration'}: {_describe(exc.errors()[0])}") from None
    except ConfigError as exc:
        raise ConfigError(f"{chosen or 'configuration'}: {exc}") from None


def _read_yaml(path: Path) -> dict[str, Any]:
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
