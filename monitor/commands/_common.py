"""Small helpers shared by command modules."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.dates import parse_user_date
from monitor.errors import ConfigError, OutputError, os_reason

if TYPE_CHECKING:
    from monitor.cli import AppContext
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


def dumps(data: Any) -> str:
    """The JSON output of a command: indented, non-ASCII kept, keys in the order built."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)


def print_result(result: IngestResult) -> None:
    """One summary line per snapshot; failures go to stderr."""
    click.echo(result.summary_line(), file=sys.stderr if result.failed else sys.stdout)


def optional_date(value: str | None, option: str) -> date | None:
    return parse_user_date(value, option) if value else None


def period(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """--since and --until as dates; a reversed period is an error, not an empty answer."""
    first = optional_date(since, "--since")
    last = optional_date(until, "--until")
    if first is not None and last is not None and first > last:
        raise ConfigError(
            f"--since {first.isoformat()} is after --until {last.isoformat()}: the period is empty"
        )
    return first, last


def known_lists(app: AppContext, wanted: Sequence[str]) -> tuple[str, ...]:
    """The --list values, each checked: a typo is an error naming the known lists.

    A list is known when it is configured or has anything stored; an unknown id
    would otherwise answer "no changes" or "not listed", which reads as a fact.
    """
    if not wanted:
        return ()
    from monitor.store.queries import list_ids

    with app.store.read() as connection:
        known = set(list_ids(connection))
    known |= {item.id for item in app.config.lists}
    for list_id in wanted:
        if list_id not in known:
            raise ConfigError(
                f"--list: unknown list {list_id!r}; known lists: "
                + (", ".join(sorted(known)) or "none yet (replay or ingest a snapshot first)")
            )
    return tuple(wanted)


def emit(text: str, output: Path | None) -> None:
    """Print, or write the file atomically (a reader never sees half a report)."""
    if output is None:
        click.echo(text, nl=False)
        return
    write_regular_file(output, text)
    click.echo(f"wrote {output}", err=True)


_NOT_REGULAR = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def write_regular_file(path: Path, text: str) -> None:
    """Write a new regular file, or replace one, in one step: a reader sees the old file or
    the whole new one. Anything else at that path (a link, a FIFO, a device, a folder) is
    refused, never replaced."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"--output {path}: {os_reason(exc)}") from exc
    if mode is not None and not stat.S_ISREG(mode):
        kind = next(name for test, name in _NOT_REGULAR if test(mode))
        raise OutputError(
            f"--output {path}: it is {kind}, not a regular file; it was left as it is: "
            "choose another file name"
        )
    if not path.parent.is_dir():
        raise OutputError(f"--output {path}: the folder {path.parent} does not exist: create it")
    from monitor.files import write_atomically

    try:
        write_atomically(
            path, text, mode=stat.S_IMODE(mode) if mode is not None else _new_file_mode()
        )
    except OSError as exc:
        raise OutputError(f"--output {path}: {os_reason(exc)}") from exc


def _new_file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give: rw for all, less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
