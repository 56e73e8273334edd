"""Small helpers shared by command modules."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from datetime import date
from pathlib import Path

import click

from monitor.dates import parse_user_date
from monitor.errors import OutputError, os_reason
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
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"--output {path}: {os_reason(exc)}") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), stat.S_IMODE(mode) if mode is not None else _new_file_mode())
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"--output {path}: {os_reason(exc)}") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give: rw for all, less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
