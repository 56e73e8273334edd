"""The catalogue of real sources, and a first configuration written from it."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli import cli
from monitor.commands._common import dumps, text_or_json
from monitor.errors import ConfigError


@cli.command("sources")
@text_or_json
def sources_command(output_format: str) -> None:
    """The publishers this tool knows: official files, format, schedule and size.

    \b
    Example:
      watchlist-monitor sources
      watchlist-monitor sources --format json
    """
    from monitor.catalogue import CATALOGUE

    if output_format == "json":
        click.echo(dumps([item.as_dict() for item in CATALOGUE]))
        return
    for item in CATALOGUE:
        click.echo(f"{item.id}: {item.title}")
        click.echo(f"  publisher: {item.publisher}")
        click.echo(f"  format:    {item.format}; fetched from {item.source}")
        for url in item.files:
            click.echo(f"  file:      {url}")
        click.echo(f"  page:      {item.page}")
        click.echo(f"  changes:   {item.usually}; suggested schedule {item.schedule}")
        click.echo(
            f"  size:      {item.size}; expect {item.min_records:,} to {item.max_records:,} entries"
        )
        for note in item.notes:
            click.echo(f"  note:      {note}")
        click.echo("")


@cli.command("init")
@click.option(
    "--source",
    "source_ids",
    multiple=True,
    help="A catalogue id (repeatable; default: OFAC SDN and non-SDN, CSL, UN, UK).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write it (default: monitor.yml in the user configuration directory).",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
def init_command(source_ids: tuple[str, ...], output: Path | None, force: bool) -> None:
    """Write a commented configuration that watches real lists from the catalogue.

    \b
    Example:
      watchlist-monitor init --source us-ofac-sdn --source un-sc
      watchlist-monitor init --output /etc/watchlist-monitor/monitor.yml
    """
    from monitor.catalogue import DEFAULT_INIT, find_source, render_config
    from monitor.commands._common import write_regular_file
    from monitor.config_file import user_config_file

    chosen = [find_source(i) for i in (source_ids or DEFAULT_INIT)]
    target = output or user_config_file()
    if target.exists() and not force:
        raise ConfigError(f"{target} exists; add --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_regular_file(target, render_config(chosen))
    click.echo(
        f"wrote {target} ({len(chosen)} lists); next: watchlist-monitor --config {target} check"
    )
