"""Where log lines go and how they look: text or JSON, stderr or a rotating file.

Every line carries a UTC timestamp. JSON lines (python-json-logger) carry the
structured fields a message was logged with (``extra={"list": ..., "counts":
...}``) next to the readable message, so a log shipper needs no parsing.

A log file is rotated by the process itself (RotatingFileHandler, 10 MiB x 5):
no logrotate set-up is needed, which is what a single daemon wants. It is not
safe for several processes writing one file (a daemon and a cron ``check``):
give each its own ``--log-file``, or log to stderr and let journald keep it.

Start-up time matters here (``--help`` runs this): nothing heavy is imported,
and the JSON formatter only when it is asked for.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
LOG_FORMATS = ("text", "json")
MAX_BYTES = 10 << 20
BACKUPS = 5
_STATE: dict[str, Any] = {"quiet": False, "handler": None}


def _utc(seconds: float | None) -> time.struct_time:
    return time.gmtime(seconds)


def _text_formatter() -> logging.Formatter:
    formatter = logging.Formatter(TEXT_FORMAT, DATE_FORMAT)
    formatter.converter = _utc
    return formatter


def _json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        datefmt=DATE_FORMAT,
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )
    formatter.converter = _utc
    return formatter


def setup_logging(
    *, verbose: int = 0, quiet: bool = False, log_format: str = "text", log_file: Path | None = None
) -> None:
    """Install the one handler of this tool on the root logger (replacing an earlier one)."""
    root = logging.getLogger()
    earlier = _STATE["handler"]
    if earlier is not None:  # an earlier command in this process (tests run many)
        root.removeHandler(earlier)
        earlier.close()
    handler: logging.Handler
    if log_file is not None:
        # only for a log file: logging.handlers brings socket, pickle and queue
        from logging.handlers import RotatingFileHandler

        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_json_formatter() if log_format == "json" else _text_formatter())
    root.addHandler(handler)
    root.setLevel(logging.ERROR if quiet else logging.WARNING - 10 * min(verbose, 2))
    _STATE.update(quiet=quiet, handler=handler)
    logging.getLogger("monitor").setLevel(logging.NOTSET)


def show_progress() -> None:
    """The daemon logs one line per list and run at info level: show them unless -q."""
    logger = logging.getLogger("monitor")
    if not _STATE["quiet"] and logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)


def fields(**values: Any) -> dict[str, Any]:
    """``extra=`` for a log call: the structured fields JSON lines carry (None left out)."""
    return {key: value for key, value in values.items() if value is not None}
