"""One exception hierarchy for the whole tool.

Errors are raised deep inside and caught only at the boundaries (the CLI, the
pipeline per list, delivery per channel), which turn them into one clear line.
"""

from __future__ import annotations

import errno


class MonitorError(Exception):
    """Base of every error this tool raises on purpose."""


class ConfigError(MonitorError):
    """The configuration file or a command-line option is invalid."""


class InputError(MonitorError):
    """An input file is missing, unreadable, or not what was expected."""


class ParseError(InputError):
    """A file could not be parsed; says which file and where."""

    def __init__(self, message: str, *, file: str, position: str | None = None) -> None:
        self.file = file
        self.position = position
        where = f"{file}, {position}" if position else file
        super().__init__(f"{where}: {message}")


class OutOfOrder(InputError):
    """A version older than the list's current state: versions apply in order, so it is
    refused, and leaves nothing in the archive."""


class FormatDetectionError(InputError):
    """Auto-detection could not tell which format a file is in."""


class GuardRejected(MonitorError):
    """A snapshot failed a safety check and was not applied."""


class StoreError(MonitorError):
    """The database is unavailable, locked, or in an unexpected state."""


class ZipInputError(InputError):
    """A ZIP that is unreadable, unsafe or too big; ``detail`` says why without the name."""

    def __init__(self, label: str, detail: str) -> None:
        self.label = label
        self.detail = detail
        super().__init__(f"{label}: {detail}")


class FetchError(MonitorError):
    """The source could not be fetched; nothing was stored, the last good state stays."""


class FetchAborted(FetchError):
    """The service is stopping: the download was abandoned and will be fetched again."""


class Retryable(FetchError):
    """A failure that often goes away: worth another try after a pause.

    ``after`` is the pause the server asked for (Retry-After on 429 and 503), in seconds.
    """

    def __init__(self, message: str, *, after: float | None = None) -> None:
        super().__init__(message)
        self.after = after


class AlreadyRunning(MonitorError):
    """Another daemon holds the lock on this database."""


class DeliveryError(MonitorError):
    """A channel did not accept a report; it stays queued and is retried later."""


class ArchiveError(MonitorError):
    """The archive folder cannot be written (disk full, permission denied, read-only)."""


class OutputError(MonitorError):
    """An output file cannot be written where it was asked to go."""


# What to do about the operating-system errors a user can meet, by errno name.
_OS_HINTS = {
    "ENOSPC": "the disk is full: free some space or choose a folder on another disk",
    "EDQUOT": "the disk quota is used up: free some space or choose another folder",
    "EACCES": "permission denied: check the folder's owner and permissions",
    "EPERM": "not permitted: check the folder's owner, permissions and attributes",
    "EROFS": "the file system is read-only: choose a writable folder",
    "ENOENT": "the folder does not exist: create it first, or choose another",
    "ENOTDIR": "a part of the path is a file, not a folder",
    "EISDIR": "it is a folder, not a file",
}


def os_reason(exc: OSError) -> str:
    """An operating-system error as a short reason with what to do about it."""
    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_HINTS.get(name) or (exc.strerror or str(exc)).lower()
