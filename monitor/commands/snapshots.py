"""Commands that bring snapshots in: ingest one, replay many."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from monitor.cli import AppContext, cli, pass_app
from monitor.commands._common import print_result
from monitor.dates import parse_user_datetime
from monitor.errors import MonitorError
from monitor.kinds import AUTO_FORMAT as AUTO


@cli.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--list", "list_id", required=True, help="List id, e.g. us-ofac-sdn (created if new)."
)
@click.option(
    "--input-format",
    default=AUTO,
    show_default=True,
    metavar="KIND",
    help="Format of the files; 'auto' recognises it from the content.",
)
@click.option(
    "--observed-at", metavar="ISO", help="When this version was observed (UTC if no zone)."
)
@click.option(
    "--approve",
    is_flag=True,
    help="Apply it even though a safety check would refuse it (a real column rename, a real "
    "mass delisting); the decision is kept in the archive.",
)
@pass_app
def ingest_command(
    app: AppContext,
    files: tuple[Path, ...],
    list_id: str,
    input_format: str,
    observed_at: str | None,
    approve: bool,
) -> None:
    """Ingest one snapshot (several files form one snapshot) and print what changed.

    \b
    Example:
      watchlist-monitor ingest ~/Downloads/sdn.csv ~/Downloads/add.csv --list us-ofac-sdn
      watchlist-monitor ingest renamed-columns.csv --list us-csl --approve
    """
    from monitor.ingest.pipeline import IngestRequest, ingest
    from monitor.service.hooks import EntryPoint, hooks_for

    list_config = app.config.list_config(list_id)
    request = IngestRequest(
        list_config=list_config,
        paths=list(files),
        input_format=input_format if input_format != AUTO else list_config.format,
        observed_at=parse_user_datetime(observed_at, "--observed-at") if observed_at else None,
        source_uri=" ".join(str(f) for f in files),
        allow_current_time=True,
        hooks=hooks_for(EntryPoint.INGEST, app.config, list_config),
        approved=approve,
    )
    result = ingest(app.store, app.config, request, now=app.now)
    print_result(result)
    if result.failed:
        sys.exit(1)


@cli.command("replay")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--list", "list_id", help="Only this list (or the list id for a folder of versions).")
@click.option(
    "--input-format",
    default=AUTO,
    show_default=True,
    metavar="KIND",
    help="Format of every snapshot; 'auto' recognises each from its content.",
)
@pass_app
def replay_command(
    app: AppContext, paths: tuple[Path, ...], list_id: str | None, input_format: str
) -> None:
    """Apply every snapshot under PATH (default: the archive) in order; applied ones are skipped.

    \b
    Example:
      watchlist-monitor replay
      watchlist-monitor replay ../shared/realdata/ofac-sdn --list us-ofac-sdn
    """
    from monitor.archive.discover import discover
    from monitor.ingest import guards
    from monitor.ingest.readahead import reading_ahead

    versions = discover(list(paths) or [app.config.archive], list_id)
    if not versions:
        raise MonitorError(
            f"no snapshots found under {', '.join(map(str, paths or [app.config.archive]))}"
        )
    outcome = _Replay()
    with (
        click.progressbar(versions, label="replaying", file=sys.stderr, show_pos=True)
        if sys.stderr.isatty()
        else _nullbar(versions) as bar,
        reading_ahead(guards.KEEP_BYTES, guards.TAIL_BYTES) as ahead,
    ):
        for number, version in enumerate(bar):
            if version.list_id in outcome.stopped:
                outcome.tally["not tried"] += 1  # never applied over a version that failed
                continue
            if number + 1 < len(versions):  # read while this one is applied
                _read_next(app, ahead, versions[number + 1])
            outcome.record(version, *_replay_one(app, version, input_format))
    click.echo("replay: " + ", ".join(f"{n} {s}" for s, n in sorted(outcome.tally.items())))
    if outcome.incomplete:
        for line in outcome.explain():
            click.echo(f"replay: {line}", err=True)
        sys.exit(1)


@dataclass
class _Replay:
    """What a replay did, and what it leaves undone: a version held for review (and the
    later ones of its list, which wait for it), a bad file, or one that failed (a busy or
    broken database: the list's later versions are not tried, so none lands over it)."""

    tally: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    held: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    failed: list[str] = field(default_factory=list)
    stopped: set[str] = field(default_factory=set)

    def record(self, version: Any, status: str, message: str, settled: bool) -> None:
        self.tally[status] += 1
        where = f"{version.list_id} @ {version.folder.name}"
        if status == "quarantined":
            self.held[version.list_id].append(f"{where}: {message}")
        elif status == "error" or (status == "rejected" and not settled):
            self.failed.append(f"{where} {status}: {message}")
        if status == "error":
            self.stopped.add(version.list_id)

    @property
    def incomplete(self) -> bool:
        return bool(self.held or self.failed)

    def explain(self) -> list[str]:
        lines = [f"not applied: {line}" for line in self.failed]
        for list_id, reasons in sorted(self.held.items()):
            lines.append(f"{list_id}: {len(reasons)} version(s) held for review, from {reasons[0]}")
        if self.held:
            lines.append(
                "decide with 'watchlist-monitor quarantine list', then 'watchlist-monitor "
                "quarantine approve ID' or 'reject ID' (the later versions that wait are "
                "checked again in order)"
            )
        if self.stopped:
            lines.append(
                f"the later versions of {', '.join(sorted(self.stopped))} were not tried: fix "
                "what failed, then run 'watchlist-monitor replay' again to continue"
            )
        return lines


class _nullbar:
    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items

    def __enter__(self) -> Sequence[Any]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


def _read_next(app: AppContext, ahead: Any, version: Any) -> None:
    """Have the worker read the files of the version after this one (its list's limit)."""
    from monitor.ingest.guards import DECISION_FILE

    try:
        list_config = app.config.list_config(version.list_id)
    except MonitorError:  # a bad list id: its own turn says so
        return
    files = [p for p in version.files if p.name != DECISION_FILE]
    ahead.read(files, app.config.file_size_limit(list_config))


def _replay_one(app: AppContext, version: Any, input_format: str) -> tuple[str, str, bool]:
    """Apply one archived version: its status, message, and whether a person settled it."""
    from monitor.ingest.pipeline import IngestRequest, ingest
    from monitor.service.hooks import EntryPoint, hooks_for

    list_config = app.config.list_config(version.list_id)
    request = IngestRequest(
        list_config=list_config,
        paths=version.files,
        input_format=input_format if input_format != AUTO else list_config.format,
        observed_at=version.observed_at,
        source_uri=str(version.folder),
        hooks=hooks_for(EntryPoint.REPLAY, app.config),
    )
    try:
        result = ingest(app.store, app.config, request, now=app.now)
    except MonitorError as exc:
        click.echo(f"{version.list_id} @ {version.folder.name}: error: {exc}", err=True)
        return "error", str(exc), False
    if result.status != "skipped":
        print_result(result)
    return result.status, result.message, result.settled
