"""Small helpers shared by command modules."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.dates import parse_user_date

if TYPE_CHECKING:
    from monitor.ingest.pipeline import IngestResult

text_or_json = click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Text for people, or JSON for programs.",
)
"""The --format option of commands whose output is data."""

output_file = click.option(
    "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout."
)
"""The --output option of commands whose text goes through :func:`emit`."""


def print_result(result: IngestResult) -> None:
    """One summary line per snapshot; failures go to stderr."""
    click.echo(result.summary_line(), file=sys.stderr if result.failed else sys.stdout)


def optional_date(value: str | None, option: str) -> date | None:
    return parse_user_date(value, option) if value else None


def emit(text: str, output: Path | None) -> None:
    """Print, or write the file atomically (a reader never sees half a report)."""
    if output is None:
        click.echo(text, nl=False)
        return
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(output)
    click.echo(f"wrote {output}", err=True)
