"""Watchlist configuration: the user's own names, identifiers and filters, validated at start-up.

A watchlist is written in the main configuration (``watchlists:``) with its
entries inline, as plain ``terms``, or in a CSV/YAML file the user maintains.
Everything is checked before anything runs, so a typo or an entry that could
never match (a lone "Technology") is one clear sentence, not a silent gap.

This module imports nothing from :mod:`monitor.config`, so that module can use
:data:`Watchlists` as the type of ``Config.watchlists`` without a cycle.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.cron import cron_trigger
from monitor.errors import ConfigError
from monitor.kinds import EVENT_KINDS
from monitor.watchlists.entry import Frozen, WatchEntry, describe_entry_error
from monitor.watchlists.entry_files import read_entries

WATCHLIST_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


class WatchFilters(Frozen):
    """Which events a watchlist looks at; an empty filter lets everything through."""

    lists: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for kind in value:
            if kind not in EVENT_KINDS:
                raise ValueError(f"{kind!r} is not an event kind; valid: {', '.join(EVENT_KINDS)}")
        return value

    @field_validator("lists")
    @classmethod
    def _list_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for list_id in value:
            if not WATCHLIST_ID_RE.match(list_id):
                raise ValueError(f"{list_id!r} is not a list id (e.g. us-ofac-cons)")
        return value


class Digest(Frozen):
    """A periodic summary of a watchlist's alerts, in addition to the immediate ones."""

    cron: str

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        try:
            cron_trigger(value, timezone="UTC")
        except ValueError as exc:
            raise ValueError(
                f"is not a cron expression ({exc}); write five fields, e.g. '0 8 * * 1'"
            ) from None
        return value


class WatchlistConfig(Frozen):
    """One watchlist: its entries (file, inline or terms), filters, threshold and channels."""

    id: str
    entries: Path | tuple[WatchEntry, ...] | None = None
    terms: tuple[WatchEntry, ...] = ()
    filters: WatchFilters = WatchFilters()
    threshold: float = Field(default=0.9, gt=0, le=1)
    notify: tuple[str, ...] = ()
    digest: Digest | None = None

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not WATCHLIST_ID_RE.match(value):
            raise ValueError("is not a valid watchlist id: use lower-case letters, digits, . _ -")
        return value

    @field_validator("entries", mode="before")
    @classmethod
    def _file_or_inline(cls, value: Any) -> Any:
        """A file name, or entries written inline (validated here for a readable message)."""
        if isinstance(value, str):
            return Path(value)
        if isinstance(value, list | tuple):
            return tuple(_inline_entry(item, n) for n, item in enumerate(value, start=1))
        if value is None or isinstance(value, Path):
            return value
        raise ValueError("write a file name (.csv, .yml) or a list of entries")

    @field_validator("terms", mode="before")
    @classmethod
    def _terms_are_names(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple({"name": v} if isinstance(v, str) else v for v in value)
        return value

    @model_validator(mode="after")
    def _entries_load(self) -> WatchlistConfig:
        """Read the entries file now, so a bad row fails at start-up; ids must be unique."""
        entries = self.watch_entries()
        if not entries:
            raise ValueError(f"watchlist {self.id!r} has no entries: give entries or terms")
        repeated = sorted(k for k, n in Counter(e.key for e in entries).items() if n > 1)
        if repeated:
            raise ValueError(
                f"watchlist {self.id!r}: watch entries must be unique (give an id column to "
                f"tell two apart); repeated: {', '.join(repeated[:10])}"
            )
        return self

    def watch_entries(self) -> tuple[WatchEntry, ...]:
        """Terms, inline entries and the entries file, read afresh (the user edits the file)."""
        if isinstance(self.entries, Path):
            listed = read_entries(self.entries)
        else:
            listed = self.entries or ()
        return (*self.terms, *listed)


def _inline_entry(item: Any, position: int) -> WatchEntry:
    if isinstance(item, WatchEntry):
        return item
    try:
        return WatchEntry.model_validate({"name": item} if isinstance(item, str) else item)
    except ValidationError as exc:
        raise ValueError(f"entry {position}: {describe_entry_error(exc)}") from None


def _unique_ids(value: tuple[WatchlistConfig, ...]) -> tuple[WatchlistConfig, ...]:
    ids = [w.id for w in value]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"watchlist ids must be unique; repeated: {', '.join(repeated)}")
    return value


Watchlists = Annotated[tuple[WatchlistConfig, ...], AfterValidator(_unique_ids)]
"""The type of ``Config.watchlists``: validated watchlists with unique ids."""


def load_watchlists(items: Iterable[WatchlistConfig | Mapping[str, Any]]) -> list[WatchlistConfig]:
    """Validate raw mappings (or pass through validated watchlists), failing with one sentence."""
    loaded: list[WatchlistConfig] = []
    for position, item in enumerate(items):
        if isinstance(item, WatchlistConfig):
            loaded.append(item)
            continue
        try:
            loaded.append(WatchlistConfig.model_validate(item))
        except ValidationError as exc:
            raise ConfigError(_describe(exc, f"watchlists.{position}")) from None
    try:
        return list(_unique_ids(tuple(loaded)))
    except ValueError as exc:
        raise ConfigError(f"watchlists: {exc}") from None


def check_channels(watchlists: Sequence[WatchlistConfig], channels: Sequence[str]) -> None:
    """Every channel a watchlist notifies must be a configured notifier (for Config)."""
    for watchlist in watchlists:
        for channel in watchlist.notify:
            if channel not in channels:
                known = ", ".join(channels) or "none"
                raise ValueError(
                    f"watchlist {watchlist.id!r} notifies {channel!r}, which is not a "
                    f"configured notifier; configured notifiers: {known}"
                )


def _describe(exc: ValidationError, prefix: str) -> str:
    """The first error as 'watchlists.0.threshold: message', as the main configuration does."""
    error = exc.errors()[0]
    location = ".".join([prefix, *(str(part) for part in error["loc"])])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"key {location!r} is not a known setting"
    return f"{location}: {message}"
