"""What the routes ask: the same functions the commands call, with the same checks.

Each answer is built by the code behind the matching command (its options are
checked by the command's own helpers, so a bad value gets the CLI's message);
the routes only turn it into JSON or a page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import Environment

from monitor.config import Config
from monitor.errors import ConfigError, InputError
from monitor.kinds import DATE_CLOCKS, GROUPINGS
from monitor.store.store import Store

if TYPE_CHECKING:
    from monitor.cli import AppContext
    from monitor.reports.document import Report
    from monitor.web.search import Cache as SearchCache


def _search_cache() -> SearchCache:
    from monitor.web.search import Cache

    return Cache()


class NotFound(InputError):
    """No such entry, snapshot or file: a 404."""


def split_lists(values: list[str] | None) -> tuple[str, ...]:
    """``list=a&list=b`` or ``list=a,b`` (the form's one field)."""
    return tuple(v.strip() for item in values or () for v in item.split(",") if v.strip())


@dataclass(frozen=True)
class Services:
    store: Store
    config: Config
    now: Callable[[], datetime]
    environment: Environment
    # Each list's current entries, folded for search, while the list's state is the same.
    search_index: SearchCache = field(default_factory=lambda: _search_cache())
    # What each held version would change, while its list's state is the same.
    previews: dict[Any, Any] = field(default_factory=dict)
    # Answers that change only when a version is applied (the dashboard's chart and
    # headlines): {name: (the applied state they were made at, the answer)}.
    by_state: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @classmethod
    def create(cls, store: Store, config: Config, now: Callable[[], datetime]) -> Services:
        from monitor.reports.environment import make_environment

        return cls(store, config, now, make_environment(config.templates))

    def context(self) -> AppContext:
        """The commands' context for one request: this store and config, the clock read now."""
        from monitor.cli import AppContext

        return AppContext(
            config_path=None,
            database=None,
            _config=self.config,
            _store=self.store,
            now=self.now(),
        )

    def for_state(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, made again only once another version was applied."""
        from monitor.store.queries import applied_state

        with self.store.read() as connection:
            state = applied_state(connection)
        held = self.by_state.get(name)
        if held is not None and held[0] == state:
            return held[1]
        answer = compute()
        self.by_state[name] = (state, answer)
        return answer

    # --- the questions ---

    def report(self, filters: ReportFilters) -> Report:
        """A period digest, as ``report`` builds it for the same options."""
        from monitor.commands._common import known_lists
        from monitor.commands.reports import digest_report

        app = self.context()
        options = filters.options()
        options["lists"] = known_lists(app, options["lists"])
        return digest_report(app, options)

    def history(self, list_id: str, key: str) -> dict[str, Any]:
        """The history model of one entry, as ``history KEY --list LIST`` builds it."""
        from monitor.commands._common import known_lists
        from monitor.reports.history import build_history, history_pairs
        from monitor.store.queries import entry_versions, events_of

        app = self.context()
        lists = known_lists(app, [list_id])
        with self.store.read() as connection:
            # The command's events for QUERY (key equal, or name holding it), kept where the
            # key is this one: the events of exactly this key, without scanning every name.
            events = events_of(connection, {(item, key) for item in lists})
            versions = entry_versions(connection, history_pairs(events))
        if not events:
            raise NotFound(f"no entry {key!r} on {list_id}")
        return build_history(key, events, versions, app.now)

    def as_of(self, day: str, lists: Sequence[str], query: str) -> dict[str, Any]:
        from monitor.commands._common import known_lists
        from monitor.commands.asof import moment_of
        from monitor.reports.asof import answer, state_as_of

        app = self.context()
        wanted = known_lists(app, lists)
        moment = moment_of(day)
        with self.store.read() as connection:
            if query:
                return answer(connection, query, wanted, moment, day)
            return state_as_of(connection, wanted, moment)

    def alerts(self, since: str | None, watchlist: str | None) -> list[dict[str, Any]]:
        from monitor.commands._common import optional_date
        from monitor.commands.watch import find_watchlist
        from monitor.watchlists.alerts import find_alerts

        if watchlist:
            find_watchlist(self.context(), watchlist)
        with self.store.read() as connection:
            found = find_alerts(
                connection, since=optional_date(since, "--since"), watchlist=watchlist
            )
        return [alert.to_json() for alert in found]

    def lists(self) -> list[dict[str, Any]]:
        from monitor.store.queries import list_overview

        with self.store.read() as connection:
            return list_overview(connection)

    def status(self) -> dict[str, Any]:
        from monitor.service.status import collect

        return collect(self.store, self.config, now=self.now())

    def held(self) -> list[dict[str, Any]]:
        """Every quarantined version, with what it would change if it were applied now."""
        from monitor.service import quarantine
        from monitor.service.preview import preview

        with self.store.read() as connection:
            pending = quarantine.pending(connection)
        return [
            {
                **item.as_dict(),
                "preview": preview(self.store, self.config, item, cache=self.previews).as_dict(),
            }
            for item in pending
        ]

    def search(self, query: str) -> list[dict[str, Any]]:
        from monitor.web.search import search

        if not query.strip():
            raise ConfigError("q: give a name, alias, identifier or key to search for")
        with self.store.read() as connection:
            return search(connection, query, self.now(), self.search_index)

    def snapshot(self, sha256: str) -> dict[str, Any]:
        """The snapshot with that sha256 (or a prefix), and its files as published."""
        return {k: v for k, v in self._snapshot_row(sha256).items() if k != "_paths"}

    def _snapshot_row(self, sha256: str) -> dict[str, Any]:
        from sqlalchemy import select

        from monitor.store import schema as t
        from monitor.store.queries import public_snapshot, snapshot_info

        wanted = sha256.strip().lower()
        if len(wanted) < 8 or any(c not in "0123456789abcdef" for c in wanted):
            raise ConfigError(f"{sha256!r} is not a sha256 prefix of at least 8 hex digits")
        with self.store.read() as connection:
            row = connection.execute(
                select(t.snapshots)
                .where(t.snapshots.c.sha256.startswith(wanted))
                .order_by(t.snapshots.c.observed_at.desc(), t.snapshots.c.id.desc())
                .limit(1)
            ).first()
        if row is None:
            raise NotFound(f"no snapshot matches {sha256!r}")
        info = public_snapshot(snapshot_info(row))
        info["files"] = [
            {
                "name": f.get("name", ""),
                "sha256": f.get("sha256"),
                "url": f"/api/v1/snapshots/{row.sha256}/files/{quote(f.get('name', ''))}",
            }
            for f in row.files
        ]
        info["_paths"] = {f.get("name", ""): f.get("path") for f in row.files}
        return info

    def snapshot_file(self, sha256: str, name: str) -> Path:
        """The archived file of that snapshot: only a file the snapshot recorded, only inside
        the configured archive (a name or a stored path cannot lead anywhere else)."""
        from monitor.archive.write import is_inside

        info = self._snapshot_row(sha256)
        stored = info["_paths"].get(name)
        if not name or stored is None:
            raise NotFound(f"snapshot {info['sha256'][:12]} has no file {name!r}")
        path = Path(stored)
        if not is_inside(path, self.config.archive) or not path.is_file():
            raise NotFound(f"the archived file {name!r} is not in the archive")
        return path


@dataclass(frozen=True, kw_only=True)
class ReportFilters:
    """The query string of ``/api/v1/report`` and ``/changes``: the report command's options."""

    since: str | None = None
    until: str | None = None
    lists: tuple[str, ...] = ()
    source: str = ""
    kind: str | None = None
    date: str = "effective"
    by: str = "list"
    include_baseline: bool = False

    @classmethod
    def from_query(
        cls,
        since: str | None,
        until: str | None,
        lists: list[str] | None,
        source: str,
        kind: str | None,
        date: str,
        by: str,
        include_baseline: bool = False,
    ) -> ReportFilters:
        """The filters as a query string gives them: empty fields are absent, and ``list``
        may be repeated or comma-separated (a form's one field)."""
        return cls(
            since=since or None,
            until=until or None,
            lists=split_lists(lists),
            source=source,
            kind=kind or None,
            date=date,
            by=by,
            include_baseline=include_baseline,
        )

    def options(self) -> dict[str, Any]:
        if self.date not in DATE_CLOCKS:
            raise ConfigError(f"date: {self.date!r} is not one of {', '.join(DATE_CLOCKS)}")
        if self.by not in GROUPINGS:
            raise ConfigError(f"by: {self.by!r} is not one of {', '.join(GROUPINGS)}")
        return {
            "lists": self.lists,
            "source": self.source,
            "since": self.since or None,
            "until": self.until or None,
            "period": None,
            "anchor": None,
            "snapshot": None,
            "clock": self.date,
            "kinds": self.kind,
            "include_baseline": self.include_baseline,
            "by": self.by,
        }

    def query_string(self) -> str:
        from urllib.parse import urlencode

        pairs: list[tuple[str, str]] = [("list", item) for item in self.lists]
        for name, value in (
            ("since", self.since),
            ("until", self.until),
            ("source", self.source),
            ("kind", self.kind),
        ):
            if value:
                pairs.append((name, value))
        if self.date != "effective":
            pairs.append(("date", self.date))
        if self.by != "list":
            pairs.append(("by", self.by))
        return urlencode(pairs)
