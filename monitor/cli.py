"""The command-line interface: the boundary where errors become one line and an exit status.

Commands live in ``monitor/commands/``, one module per group of related
commands; every module there is imported and attaches its commands to
:data:`cli`, so adding a command touches no other file.

Start-up is kept short on purpose (``--help`` and ``--version`` within a few
times a bare click program): this module and the command modules import only
click and light vocabulary at the top; the configuration, the database,
parsers and renderers are imported inside the command that uses them.
"""

from __future__ import annotations

import atexit
import importlib
import os
import pkgutil
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor import __version__
from monitor.errors import MonitorError
from monitor.logs import LOG_FORMATS, setup_logging

if TYPE_CHECKING:
    from monitor.config import Config
    from monitor.config_cache import Checked
    from monitor.store import Store


@dataclass
class AppContext:
    """Options shared by every command; the config and store are opened on first use."""

    config_path: Path | None
    database: str | None
    _config: Config | None = None
    _checked: Checked | None = None
    _store: Store | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def config(self) -> Config:
        if self._config is None:
            from monitor.config import load_config

            self._config = load_config(self.config_path, database=self.database)
        return self._config

    @property
    def checked(self) -> Checked:
        """The configuration's database and places, known to be valid.

        For commands that need nothing else (``lists``): a configuration that
        validated before with the same inputs and code is trusted without
        importing the models (monitor.config_cache); any other is validated in
        full, with the same errors as :attr:`config`.
        """
        if self._checked is None:
            from monitor.config_cache import Checked, trusted

            if self._config is None:
                from monitor.config_file import gather

                gathered = gather(self.config_path, database=self.database)
                self._checked = trusted(gathered)
                if self._checked is None:
                    from monitor.config import validate

                    self._config = validate(gathered)
            if self._checked is None:
                assert self._config is not None
                self._checked = Checked.of(self._config)
        return self._checked

    @property
    def store(self) -> Store:
        if self._store is None:
            from monitor.store import Store, open_engine

            # lists asks for `checked` first (no models); other commands validate in full
            checked = self._checked
            database = checked.database if checked is not None else self.config.database
            self._store = Store(open_engine(database))
        return self._store

    def close(self) -> None:
        """Close the database connections the command opened (on SQLite, the last one to
        close folds the write-ahead log into the database file), so the process can end
        without waiting for the interpreter to tear its objects down (:func:`main`)."""
        if self._store is not None:
            self._store.engine.dispose()


pass_app = click.make_pass_decorator(AppContext)


class OneLineError(click.ClickException):
    """A MonitorError shown as one line on stderr, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        line = "; ".join(part.strip() for part in self.message.splitlines() if part.strip())
        click.echo(f"error: {line}", err=True)


class MonitorGroup(click.Group):
    """The boundary: errors raised by any command become one clear line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MonitorError as exc:
            raise OneLineError(str(exc)) from exc


@click.group(cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Configuration file (default: config/monitor.yml when present).",
)
@click.option(
    "--db",
    "database",
    metavar="URL",
    help="Database URL; overrides WATCHLIST_MONITOR_DB and the configuration.",
)
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.option("-q", "--quiet", is_flag=True, help="Log errors only (the daemon's progress too).")
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="text",
    show_default=True,
    help="Log lines as text, or as JSON objects with structured fields (list, counts...).",
)
@click.option(
    "--log-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Log to this file instead of stderr, rotated at 10 MiB (5 old files kept).",
)
@click.version_option(__version__, prog_name="watchlist-monitor")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: Path | None,
    database: str | None,
    verbose: int,
    quiet: bool,
    log_format: str,
    log_file: Path | None,
) -> None:
    """Track changes to sanctions and export-control lists.

    \b
    Example:
      watchlist-monitor replay
      watchlist-monitor report --since 2021-12-01 --until 2021-12-31
      watchlist-monitor --log-format json --log-file /var/log/wm/daemon.log daemon
    """
    setup_logging(verbose=verbose, quiet=quiet, log_format=log_format, log_file=log_file)
    ctx.obj = AppContext(config_path=config_path, database=database)
    ctx.call_on_close(ctx.obj.close)


def _load_commands() -> None:
    import monitor.commands as package

    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"monitor.commands.{module.name}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: every error this tool raises ends as one line on stderr.

    Called without ``argv`` it is the process (the console script, ``python -m
    monitor``) and ends it at once when the command is done (:func:`_end_process`);
    called with ``argv`` (from Python) it returns, or raises SystemExit, as click does.
    """
    _load_commands()
    if argv is not None:
        cli.main(args=list(argv), prog_name="watchlist-monitor")
        return
    try:
        cli.main(prog_name="watchlist-monitor")
    except SystemExit as exc:
        _end_process(exc.code)
        raise
    _end_process(0)


def _end_process(code: object) -> None:
    """End the process with ``code`` without tearing the interpreter down.

    Why: freeing every object of SQLAlchemy, pydantic and the command's work one by
    one at exit took 0.3-0.4 s of a ``replay`` or ``ingest`` process, after its last
    line was written. What an exit must still do is done first: the atexit handlers
    run (logging is flushed and closed, temporary folders go) and the standard streams
    are flushed; the database was closed with the command's context (AppContext.close).
    Returns, for the ordinary exit, when anything else may still be at work (another
    thread, a profiler, coverage or a debugger, a non-numeric status) or a stream cannot
    be flushed (the ordinary exit reports that as Python always does).
    """
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    status = 0 if code is None else code
    if not isinstance(status, int) or run_exit_handlers is None:
        return
    if threading.active_count() > 1:
        return
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return  # run under a profiler, coverage or a debugger: they report at exit
    run_exit_handlers()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(status & 0xFF)
