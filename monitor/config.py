"""Configuration: YAML validated once at start-up into frozen objects.

A bad file fails before anything runs, with one sentence naming the file, the
key, the bad value and what would be valid. Secrets are written as
``${ENV_VAR}`` references, expanded when the file is read
(:mod:`monitor.config_file`), never logged. A valid configuration is
remembered (:mod:`monitor.config_cache`) for the commands that need only its
places.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from monitor.config_file import (
    DEFAULT_ARCHIVE,
    DEFAULT_DATABASE,
    Gathered,
    create_home,
    gather,
)
from monitor.config_file import (  # where they were before the file-reading half moved
    user_config_file as user_config_file,
)
from monitor.config_file import (
    user_data_dir as user_data_dir,
)
from monitor.cron import cron_trigger
from monitor.errors import ConfigError
from monitor.files import DEFAULT_MAX_FILE_SIZE
from monitor.formats import AUTO, format_kinds, get_format
from monitor.notifiers import NotifierSettings, notifier_settings
from monitor.watchlists.config import Watchlists, check_channels

LIST_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)", re.IGNORECASE)
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1 << 10, "kib": 1 << 10, "mb": 1 << 20, "mib": 1 << 20}
_SIZE_UNITS |= {"gb": 1 << 30, "gib": 1 << 30}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Expect(Frozen):
    """The envelope a healthy snapshot of a list fits in (see the safety rails)."""

    min_records: int = Field(default=1, ge=1)
    max_records: int | None = Field(default=None, ge=1)
    max_removed_share: float = Field(default=0.10, ge=0, le=1)
    max_added_share: float | None = Field(default=None, ge=0)
    # A version that modifies more than this share of the list is held for review.
    max_modified_share: float = Field(default=0.5, ge=0, le=1)
    # ... or that strips a whole field (aliases, addresses...) from more than this share
    # of the entries that had it.
    max_field_loss_share: float = Field(default=0.2, ge=0, le=1)


def parse_duration(value: Any) -> Any:
    """'30m', '5s', '1h30m', '500ms' or a number of seconds, as a timedelta.

    Users write durations the way they say them; anything else is left to
    pydantic, which also accepts ISO 8601 ('PT30M').
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    parts = _DURATION_PART.findall(text)
    if not parts or _DURATION_PART.sub("", text).strip():
        if text.upper().startswith("P"):
            return text
        raise ValueError("is not a duration; write e.g. 5s, 30m, 2h, 1d or 1h30m")
    return timedelta(seconds=sum(float(n) * _DURATION_UNITS[u.lower()] for n, u in parts))


def parse_size(value: Any) -> Any:
    """A byte count, or '200MB' / '1GiB' (binary units either way)."""
    if not isinstance(value, str):
        return value
    match = _SIZE.match(value.strip())
    if match is None:
        raise ValueError("is not a size; write e.g. 50MB, 1GB or a number of bytes")
    return int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()]


class Schedule(Frozen):
    """When the daemon checks a list: a cron expression or a fixed interval, not both."""

    cron: str | None = None
    every: timedelta | None = None

    @field_validator("every", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("every")
    @classmethod
    def _at_least_a_second(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value < timedelta(seconds=1):
            raise ValueError("must be at least 1s")
        return value

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                cron_trigger(value, timezone="UTC")
            except ValueError as exc:
                raise ValueError(
                    f"is not a cron expression ({exc}); write five fields, e.g. '0 */2 * * *'"
                ) from None
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        if (self.cron is None) == (self.every is None):
            raise ValueError("give either cron ('0 */2 * * *') or every (30m), not both or neither")
        return self


class FetchSettings(Frozen):
    """How a list's source is fetched: government servers are slow and flaky."""

    timeout: timedelta = timedelta(seconds=60)
    retries: int = Field(default=3, ge=0, le=10)
    retry_delay: timedelta = timedelta(seconds=5)
    max_size: int = Field(default=512 << 20, ge=1)
    settle: timedelta = timedelta(seconds=5)
    # After this many failed checks in a row the list's channels are told (0: never).
    alert_after: int = Field(default=3, ge=0, le=1000)

    @field_validator("timeout", "retry_delay", "settle", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("max_size", mode="before")
    @classmethod
    def _size(cls, value: Any) -> Any:
        return parse_size(value)


def source_kind(source: str) -> str:
    """'http' for an http(s) URL, else 'path' (a file replaced in place, or a drop folder)."""
    return "http" if urlsplit(source).scheme in ("http", "https") else "path"


def source_file_name(source: str) -> str:
    """The file name at the end of a source URL or path (what the archive calls the file)."""
    path = urlsplit(source).path if source_kind(source) == "http" else source
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _supported_source(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        return value.strip()
    if "://" in value or not value.strip():
        raise ValueError(
            "is not a supported source; use an http(s) URL, a file replaced in place, "
            "or a drop folder where new versions appear"
        )
    return value.strip()


class ListConfig(Frozen):
    id: str
    title: str = ""
    format: str = AUTO
    # One URL or path, or several that together form one version (OFAC sdn.csv add.csv ...).
    source: str | tuple[str, ...] | None = None
    schedule: Schedule | None = None
    fetch: FetchSettings = FetchSettings()
    expect: Expect = Expect()
    notify: tuple[str, ...] = ()
    detect_rekeys: bool = True
    mapping: dict[str, Any] | None = None
    # The largest one file of a version may be once decompressed (gzip, a ZIP's member);
    # None: the configuration's max_file_size.
    max_file_size: int | None = Field(default=None, ge=1)

    @field_validator("max_file_size", mode="before")
    @classmethod
    def _file_size(cls, value: Any) -> Any:
        return parse_size(value)

    @model_validator(mode="after")
    def _mapping_fits_format(self) -> ListConfig:
        """A generic format's mapping is validated now, not at the first download."""
        if self.format == AUTO:
            if self.mapping is not None:
                raise ValueError(
                    f"list {self.id!r}: a mapping needs format generic-csv or generic-json"
                )
            return self
        if self.mapping is None and not self.format.startswith("generic-"):
            return self  # nothing to check, and no parser to import at start-up
        try:
            get_format(self.format).configure(self.mapping)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return self

    @property
    def sources(self) -> tuple[str, ...]:
        """The source as a tuple of URLs or paths (empty when there is none)."""
        if self.source is None:
            return ()
        return (self.source,) if isinstance(self.source, str) else self.source

    @model_validator(mode="before")
    @classmethod
    def _source_list(cls, data: Any) -> Any:
        """Several files form one version; a bad list is one sentence naming list and file.

        Checked before pydantic's own validation, which would otherwise answer a
        list with one message per member of the union it tried.
        """
        if not isinstance(data, dict) or not isinstance(data.get("source"), list | tuple):
            return data
        items, where = data["source"], f"list {data.get('id')!r}"
        if not items:
            raise ValueError(f"{where}: source is an empty list; give a URL, a path, or several")
        checked = []
        for item in items:
            if not isinstance(item, str):
                raise ValueError(
                    f"{where}: source {item!r} is not a URL or a path; a source list holds the "
                    "URLs or paths of the files that form one version"
                )
            try:
                checked.append(_supported_source(item))
            except ValueError as exc:
                raise ValueError(f"{where}: source {item!r} {exc}") from None
        kinds = {source_kind(item) for item in checked}
        if len(kinds) > 1:
            raise ValueError(
                f"{where}: source mixes URLs and local paths ({', '.join(checked)}); the files "
                "of one version come from one place: all http(s) URLs or all local files"
            )
        names = [source_file_name(item).lower() for item in checked]
        for item, name in zip(checked, names, strict=True):
            if names.count(name) > 1:
                raise ValueError(
                    f"{where}: source {item!r} has the same file name as another file of the "
                    "list; the files of one version are archived side by side, so their names "
                    "must differ"
                )
            if not name:
                raise ValueError(
                    f"{where}: source {item!r} names no file; each file of a multi-file "
                    "source must end with its file name (e.g. .../sdn.csv)"
                )
        return {**data, "source": checked[0] if len(checked) == 1 else tuple(checked)}

    @field_validator("source", mode="before")
    @classmethod
    def _supported_source(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _supported_source(value)
        return value

    @model_validator(mode="after")
    def _expect_can_be_met(self) -> ListConfig:
        """An envelope no version fits would reject every version of the list."""
        low, high = self.expect.min_records, self.expect.max_records
        if high is not None and low > high:
            raise ValueError(
                f"list {self.id!r}: expect.min_records ({low}) is above expect.max_records "
                f"({high}), so every version would be rejected; lower min_records or raise "
                "max_records"
            )
        return self

    @model_validator(mode="after")
    def _schedule_needs_source(self) -> ListConfig:
        if self.schedule is not None and self.source is None:
            raise ValueError(f"list {self.id!r} has a schedule but no source to fetch")
        return self

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
    """One delivery channel: the id lists refer to, its kind, and that kind's settings.

    The settings are written flat next to ``id`` and ``kind`` in the YAML and
    validated by the plugin of that kind, so a typo fails at start-up.
    """

    id: str
    kind: str
    settings: NotifierSettings

    @model_validator(mode="before")
    @classmethod
    def _settings_of_kind(cls, data: Any) -> Any:
        if not isinstance(data, dict) or isinstance(data.get("settings"), NotifierSettings):
            return data
        rest = {k: v for k, v in data.items() if k not in ("id", "kind")}
        kind, channel = data.get("kind"), data.get("id")
        if not isinstance(channel, str) or not LIST_ID_RE.match(channel):
            raise ValueError(
                f"notifier id {channel!r} is not valid: use e.g. 'mail' or 'team-chat'"
            )
        return {"id": channel, "kind": kind, "settings": notifier_settings(kind, channel, rest)}


class DeliverySettings(Frozen):
    """How failed deliveries are retried: backoff from retry_delay, doubling up to max_delay."""

    retry_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    interval: timedelta = timedelta(minutes=1)

    @field_validator("retry_delay", "max_delay", "interval", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value)


class DaemonSettings(Frozen):
    """Scheduler settings: a run missed by more than misfire_grace is skipped, not run late."""

    misfire_grace: timedelta = timedelta(minutes=10)
    check_at_start: bool = True
    workers: int = Field(default=4, ge=1, le=32)

    @field_validator("misfire_grace", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value)


class WebSettings(Frozen):
    """The web app (``serve``): with a token set, every page and the API ask for it, and
    approving or rejecting a held version always needs it."""

    token: SecretStr | None = None

    @field_validator("token", mode="before")
    @classmethod
    def _long_enough(cls, value: Any) -> Any:
        # ConfigError, not ValueError: a validation error would quote the (secret) value.
        if value is not None and (not isinstance(value, str) or len(value) < 16):
            raise ConfigError(
                "web.token must be text of 16 characters or more "
                "(e.g. the output of 'openssl rand -hex 16', as ${WEB_TOKEN})"
            )
        return value

    def secret(self) -> str | None:
        return self.token.get_secret_value() if self.token else None


EntryRef = tuple[str, str]  # (list id, key): one entry of one list


def parse_entry_ref(value: Any) -> EntryRef:
    """'us-csl:CMIC:33114' -> ('us-csl', 'CMIC:33114'): list ids hold no ':', keys may."""
    text = str(value).strip()
    list_id, sep, key = text.partition(":")
    if not sep or not list_id or not key.strip():
        raise ValueError(
            f"{text!r} is not an entry: write <list id>:<key>, e.g. us-ofac-cons:33114"
        )
    return (list_id, key.strip())


class SubjectSettings(Frozen):
    """Corrections to how entries are linked into subjects (one real-world party across
    lists). Each item is a pair of entries, ``[us-csl:CMIC:33114, us-ofac-cons:33114]``:
    ``never_link`` keeps the two apart whatever the evidence, ``always_link`` puts them
    together. The linking reads them each time it runs, so a replay keeps the correction."""

    never_link: tuple[tuple[EntryRef, EntryRef], ...] = ()
    always_link: tuple[tuple[EntryRef, EntryRef], ...] = ()

    @field_validator("never_link", "always_link", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        pairs = []
        for item in value or ():
            if isinstance(item, str) or len(item) != 2:
                raise ValueError(f"{item!r} is not a pair of entries [<list>:<key>, <list>:<key>]")
            pairs.append((parse_entry_ref(item[0]), parse_entry_ref(item[1])))
        return tuple(pairs)

    def never(self, a: EntryRef, b: EntryRef) -> bool:
        return (a, b) in self._never or (b, a) in self._never

    @property
    def _never(self) -> frozenset[tuple[EntryRef, EntryRef]]:
        return frozenset(self.never_link)


class Config(Frozen):
    database: str = DEFAULT_DATABASE
    archive: Path = DEFAULT_ARCHIVE
    timezone: str = "UTC"
    templates: Path | None = None
    lists: tuple[ListConfig, ...] = ()
    notifiers: tuple[NotifierConfig, ...] = Field(default=(), validate_default=True)
    delivery: DeliverySettings = DeliverySettings()
    daemon: DaemonSettings = DaemonSettings()
    web: WebSettings = WebSettings()
    subjects: SubjectSettings = SubjectSettings()
    watchlists: Watchlists = ()
    # Read new versions unit by unit, parsing only the entries whose raw bytes changed
    # (monitor.ingest.units); WATCHLIST_MONITOR_FINGERPRINTS=0 overrides it.
    fingerprints: bool = True
    # The largest one file of a version may be once decompressed, for every list that
    # sets no lists[].max_file_size: a guard against decompression bombs.
    max_file_size: int = Field(default=DEFAULT_MAX_FILE_SIZE, ge=1)
    source_path: Path | None = None
    # Where the configuration came from and why the data lives where it does, for
    # `lists` and `status` (set by load_config, not written in the file).
    found_by: str = ""
    places: str = ""

    @field_validator("max_file_size", mode="before")
    @classmethod
    def _file_size(cls, value: Any) -> Any:
        return parse_size(value)

    def file_size_limit(self, list_config: ListConfig) -> int:
        """The decompressed size one file of this list's versions may have."""
        return list_config.max_file_size or self.max_file_size

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """Checked at load, so every command (not only the daemon) refuses a bad zone."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "is not a known time zone; write an IANA name, e.g. UTC, Europe/Berlin, "
                "America/New_York"
            ) from None
        return value

    def where(self) -> dict[str, str | None]:
        """Where this configuration came from and where the data lives (password hidden)."""
        from sqlalchemy.engine import make_url

        try:
            database = make_url(self.database).render_as_string(hide_password=True)
        except Exception:
            database = "<unparseable database URL>"
        return {
            "config": str(self.source_path) if self.source_path else None,
            "config_found_by": self.found_by or None,
            "database": database,
            "archive": str(self.archive),
            "defaults_in": self.places or None,
        }

    def notifier(self, channel: str) -> NotifierConfig | None:
        return next((n for n in self.notifiers if n.id == channel), None)

    @field_validator("watchlists")
    @classmethod
    def _watchlist_channels(cls, value: Watchlists, info: ValidationInfo) -> Watchlists:
        check_channels(value, [n.id for n in info.data.get("notifiers", ())])
        return value

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

    @field_validator("notifiers")
    @classmethod
    def _known_channels(
        cls, value: tuple[NotifierConfig, ...], info: ValidationInfo
    ) -> tuple[NotifierConfig, ...]:
        """Every id a list notifies must be a configured notifier, and ids are unique."""
        ids = [n.id for n in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"notifier ids must be unique; repeated: {', '.join(duplicates)}")
        for item in info.data.get("lists", ()):
            for channel in item.notify:
                if channel not in ids:
                    known = ", ".join(ids) or "none"
                    raise ValueError(
                        f"list {item.id!r} notifies {channel!r}, which is not a configured "
                        f"notifier; configured notifiers: {known}"
                    )
        return value


def validate_list_id(value: str) -> str:
    """List ids become folder names in the archive: nothing that could escape it."""
    if not LIST_ID_RE.match(value) or ".." in value:
        raise ConfigError(
            f"list id {value!r} is not valid: use lower-case letters, digits, '.', '_' or '-' "
            "(e.g. us-ofac-sdn)"
        )
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
    """Read and validate the configuration (see monitor.config_file.gather for where it is
    looked for and how the database and archive are defaulted)."""
    return validate(gather(path, database=database))


def validate(gathered: Gathered) -> Config:
    """The gathered settings validated into a Config; the first error names the file.

    A valid configuration is remembered (monitor.config_cache) so that commands
    which only need its places can trust it next time without the models.
    """
    try:
        config = Config.model_validate(gathered.data)
    except ValidationError as exc:
        raise ConfigError(f"{gathered.shown}: {_describe(dict(exc.errors()[0]))}") from None
    except ConfigError as exc:
        raise ConfigError(f"{gathered.shown}: {exc}") from None
    create_home(gathered)
    from monitor.config_cache import remember

    remember(gathered, config)
    return config
