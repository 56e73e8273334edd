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

import importlib
import pkgutil
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


def _load_commands() -> None:
    import monitor.commands as package

    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"monitor.commands.{module.name}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: every error this tool raises ends as one line on stderr."""
    _load_commands()
    cli.main(args=list(argv) if argv is not None else None, prog_name="watchlist-monitor")
