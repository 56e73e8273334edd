"""The command-line interface: the boundary where errors become one line and an exit status."""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from monitor import __version__
from monitor.config import Config, load_config
from monitor.dates import parse_user_date, parse_user_datetime
from monitor.errors import ConfigError, MonitorError
from monitor.formats import AUTO, REGISTRY, format_kinds
from monitor.pipeline import IngestRequest, IngestResult, ingest
from monitor.queries import DATE_CLOCKS, EventQuery, dumps, entry_history, find_events, list_overview
from monitor.rendering import make_environment, render
from monitor.replay import discover
from monitor.reporting import KINDS, REPORT_FORMATS, build_report, render_report
from monitor.store import Store, open_engine

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """Options shared by every command; the config and store are opened on first use."""

    config_path: Path | None
    database: str | None
    _config: Config | None = None
    _store: Store | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path, database=self.database)
        return self._config

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(open_engine(self.config.database))
        return self._store


pass_app = click.make_pass_decorator(AppContext)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Configuration file (default: config/monitor.yml when present).")
@click.option("--db", "database", metavar="URL",
              help="Database URL; overrides WATCHLIST_MONITOR_DB and the configuration.")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.version_option(__version__, prog_name="watchlist-monitor")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, database: str | None, verbose: int) -> None:
    """Track changes to sanctions and export-control lists.

    \b
    Example:
      watchlist-monitor replay
      watchlist-monitor report --since 2021-12-01 --until 2021-12-31
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = AppContext(config_path=config_path, database=database)


def _print_result(result: IngestResult) -> None:
    stream = sys.stderr if result.failed else sys.stdout
    click.echo(result.summary_line(), file=stream)


@cli.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--list", "list_id", required=True, help="List id, e.g. us-ofac-sdn (created if new).")
@click.option("--input-format", default=AUTO, show_default=True, metavar="KIND",
              help="Format of the files; 'auto' recognises it from the content.")
@click.option("--observed-at", metavar="ISO", help="When this version was observed (UTC if no zone).")
@pass_app
def ingest_command(app: AppContext, files: tuple[Path, ...], list_id: str, input_format: str,
                   observed_at: str | None) -> None:
    """Ingest one snapshot (several files form one snapshot) and print what changed.

    \b
    Example:
      watchlist-monitor ingest ~/Downloads/sdn.csv ~/Downloads/add.csv --list us-ofac-sdn
    """
    list_config = app.config.list_config(list_id)
    request = IngestRequest(
        list_config=list_config, paths=list(files),
        input_format=input_format if input_format != AUTO else list_config.format,
        observed_at=parse_user_datetime(observed_at, "--observed-at") if observed_at else None,
        source_uri=" ".join(str(f) for f in files), allow_current_time=True,
    )
    result = ingest(app.store, app.config, request, now=app.now)
    _print_result(result)
    if result.failed:
        sys.exit(1)


@cli.command("replay")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--list", "list_id", help="Only this list (or the list id for a folder of versions).")
@click.option("--input-format", default=AUTO, show_default=True, metavar="KIND",
              help="Format of every snapshot; 'auto' recognises each from its content.")
@pass_app
def replay_command(app: AppContext, paths: tuple[Path, ...], list_id: str | None,
                   input_format: str) -> None:
    """Apply every snapshot under PATH (default: the archive) in order; applied ones are skipped.

    \b
    Example:
      watchlist-monitor replay
      watchlist-monitor replay ../shared/realdata/ofac-sdn --list us-ofac-sdn
    """
    versions = discover(list(paths) or [app.config.archive], list_id)
    if not versions:
        raise MonitorError(f"no snapshots found under {', '.join(map(str, paths or [app.config.archive]))}")
    tally: dict[str, int] = defaultdict(int)
    show_progress = sys.stderr.isatty()
    with click.progressbar(versions, label="replaying", file=sys.stderr,
                           show_pos=True) if show_progress else _nullbar(versions) as bar:
        for version in bar:
            status = _replay_one(app, version, input_format)
            tally[status] += 1
    click.echo("replay: " + ", ".join(f"{n} {status}" for status, n in sorted(tally.items())))
    if tally.get("rejected") or tally.get("error"):
        click.echo("replay: some snapshots were not applied (see above); the others were", err=True)


class _nullbar:
    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items

    def __enter__(self) -> Sequence[Any]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


def _replay_one(app: AppContext, version: Any, input_format: str) -> str:
    list_config = app.config.list_config(version.list_id)
    request = IngestRequest(
        list_config=list_config, paths=version.files,
        input_format=input_format if input_format != AUTO else list_config.format,
        observed_at=version.observed_at, source_uri=str(version.folder),
    )
    try:
        result = ingest(app.store, app.config, request, now=app.now)
    except MonitorError as exc:
        click.echo(f"{version.list_id} @ {version.folder.name}: error: {exc}", err=True)
        return "error"
    if result.status != "skipped":
        _print_result(result)
    return result.status


def _date_option(value: str | None, option: str) -> Any:
    return parse_user_date(value, option) if value else None


@cli.command("report")
@click.option("--list", "lists", multiple=True, help="Only these lists (repeatable).")
@click.option("--since", help="First day of the period (ISO date).")
@click.option("--until", help="Last day of the period, included (ISO date).")
@click.option("--date", "clock", type=click.Choice(DATE_CLOCKS), default="effective",
              show_default=True, help="Which clock places events in the period.")
@click.option("--kind", "kinds", help=f"Comma-separated event kinds: {', '.join(KINDS)}.")
@click.option("--include-baseline", is_flag=True, help="With --date observed, include baseline entries.")
@click.option("--format", "output_format", type=click.Choice(REPORT_FORMATS), default="text",
              show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@pass_app
def report_command(app: AppContext, lists: tuple[str, ...], since: str | None, until: str | None,
                   clock: str, kinds: str | None, include_baseline: bool, output_format: str,
                   output: Path | None) -> None:
    """Report the changes of a period, with a summary.

    \b
    Example:
      watchlist-monitor report --since 2021-12-01 --until 2021-12-31
      watchlist-monitor report --list us-csl --since 2021-11-01 --until 2021-11-30 --format markdown
    """
    kind_list = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else []
    unknown = [k for k in kind_list if k not in KINDS]
    if unknown:
        raise ConfigError(f"--kind: unknown kind {unknown[0]!r}; valid kinds: {', '.join(KINDS)}")
    query = EventQuery(lists=lists, since=_date_option(since, "--since"),
                       until=_date_option(until, "--until"), clock=clock, kinds=kind_list,
                       include_baseline=include_baseline)
    environment = make_environment(app.config.templates)
    with app.store.read() as connection:
        events = find_events(connection, query)
    text = render_report(environment, build_report(events, query, app.now), output_format)
    _emit(text, output)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(output)
    click.echo(f"wrote {output}", err=True)


@cli.command("history")
@click.argument("query")
@click.option("--list", "lists", multiple=True, help="Only these lists (repeatable).")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True)
@pass_app
def history_command(app: AppContext, query: str, lists: tuple[str, ...], output_format: str) -> None:
    """The timeline of every entry whose key is QUERY or whose name contains it.

    \b
    Example:
      watchlist-monitor history "SENSETIME"
      watchlist-monitor history 36 --list us-ofac-sdn
    """
    with app.store.read() as connection:
        events = entry_history(connection, query, lists)
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        entry = entries.setdefault((event["list"], event["key"]),
                                   {"list": event["list"], "key": event["key"], "events": []})
        entry["name"] = event["name"]
        entry["events"].append(event)
    if output_format == "json":
        click.echo(dumps(list(entries.values())))
        return
    environment = make_environment(app.config.templates)
    click.echo(render(environment, "history.txt.j2",
                      {"entries": list(entries.values()), "query": query}), nl=False)


@cli.command("lists")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True)
@pass_app
def lists_command(app: AppContext, output_format: str) -> None:
    """Each list with its format, last snapshot and current entry count.

    \b
    Example:
      watchlist-monitor lists --format json
    """
    with app.store.read() as connection:
        overview = list_overview(connection)
    if output_format == "json":
        click.echo(dumps(overview))
        return
    if not overview:
        click.echo("no lists yet: run 'watchlist-monitor replay' or 'ingest'")
    for item in overview:
        click.echo(f"{item['list']:<16} {item['format']:<18} {item['entries']:>7} entries  "
                   f"last {item['last_snapshot']} ({item['last_status']})  "
                   + ", ".join(f"{n} {s}" for s, n in sorted(item["snapshots"].items())))


@cli.command("formats")
def formats_command() -> None:
    """Every input format with its description and the files it reads.

    \b
    Example:
      watchlist-monitor formats
    """
    for kind in format_kinds():
        plugin = REGISTRY[kind]
        click.echo(f"{kind:<20} {plugin.description()}")
        if plugin.example:
            click.echo(f"{'':<20} e.g. {plugin.example}")


@cli.group("db")
def db_group() -> None:
    """Database maintenance.

    \b
    Example:
      watchlist-monitor db upgrade
    """


@db_group.command("upgrade")
@pass_app
def db_upgrade_command(app: AppContext) -> None:
    """Apply pending schema migrations (also done automatically at start).

    \b
    Example:
      watchlist-monitor --db postgresql://monitor@localhost/monitor db upgrade
    """
    from monitor.store.database import current_revision

    revision = current_revision(app.store.engine)
    click.echo(f"database schema at revision {revision}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: every error this tool raises ends as one line on stderr."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="watchlist-monitor",
                 standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except MonitorError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
