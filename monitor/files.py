"""Input files of one snapshot, read the same way whether plain or gzip-compressed.

The archive stores files gzip-compressed, users hand us plain files, and some
publishers ship ``.gz``: parsers see one decompressed byte stream whatever the
case, recognised by content (the gzip magic number) rather than by name.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import IO, cast

from monitor.errors import InputError

# ISA-L inflates a gzip member about 3x faster than zlib, with the same checks (CRC,
# length); without its wheels (another platform), zlib: the same bytes and refusals.
_inflating: ModuleType
try:
    from isal import isal_zlib as _inflating

    _UNREADABLE: tuple[type[Exception], ...] = (OSError, zlib.error, _inflating.error)
except ImportError:
    _inflating = zlib
    _UNREADABLE = (OSError, zlib.error)

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20
# The default of the max_file_size setting: 512 MiB decompressed per file (the largest real
# list is about 100 MB; a full OpenSanctions export is about 1 GB and needs the setting).
DEFAULT_MAX_FILE_SIZE = 512 << 20
# The limit in force: set for one ingest from its list's configuration (``size_limit``),
# read wherever a file is decompressed (the guards' first read, the member of a ZIP), so
# the readers deep inside a format need no setting passed down to them.
_MAX_FILE_SIZE: ContextVar[int] = ContextVar("max_file_size", default=DEFAULT_MAX_FILE_SIZE)


def read_whole(path: Path, most: int) -> bytes | None:
    """The decompressed content of a plain file or of one complete gzip member, of at
    most ``most`` bytes, in one read and one decompression; None for any other file
    (larger, several members, trailing bytes, truncated, corrupt, unreadable).

    Why: the streaming read (gzip's reader, 8 KiB at a time, each chunk kept and
    joined) takes twice the time of one decompression, the floor of every version.
    Callers leave every None to the streaming read, which decides such a file as it
    always did, with its own errors: the fast path never accepts what it would refuse.
    """
    try:
        if path.stat().st_size > most:
            return None
        raw = path.read_bytes()
        if raw[:2] != GZIP_MAGIC:
            return raw if len(raw) <= most else None
        if int.from_bytes(raw[-4:], "little") > most:  # the stated size (modulo 4 GiB)
            return None
        inflate = _inflating.decompressobj(wbits=31)  # a gzip member, its CRC and size checked
        whole: bytes = inflate.decompress(raw, most + 1)
    except _UNREADABLE:
        return None
    if len(whole) > most or not inflate.eof or inflate.unused_data:
        return None
    return whole


def max_file_size() -> int:
    """The decompressed size one file may have, in bytes (see ``size_limit``)."""
    return _MAX_FILE_SIZE.get()


@contextmanager
def size_limit(limit: int) -> Iterator[None]:
    """Read files under this limit (bytes, decompressed) in the block."""
    token = _MAX_FILE_SIZE.set(limit)
    try:
        yield
    finally:
        _MAX_FILE_SIZE.reset(token)


def too_large(name: str, limit: int) -> str:
    """The one-line reason a file over the limit is refused, naming the setting."""
    return f"{name}: {over_limit(limit)}"


def over_limit(limit: int, *, claimed: int | None = None) -> str:
    """``too_large`` without the name: one wording for a gzip file, a plain file and a
    ZIP member alike; ``claimed`` is the size a ZIP directory gives, refused before
    anything is inflated."""
    expands = "expands to" if claimed is None else f"would expand to {claimed} bytes,"
    return (
        f"{expands} more than {limit / (1 << 20):g} MiB ({limit} bytes), the limit "
        "for one decompressed file (a decompression bomb?); if the list really is that large, "
        "raise lists[].max_file_size (or max_file_size) in the configuration"
    )


@dataclass(frozen=True, kw_only=True)
class SourceFile:
    """One file of a snapshot: its original name and where its bytes are."""

    path: Path
    name: str
    # The decompressed content, when the first read kept it (``holding``): every later
    # reader (format detection, the splitter, the archive) reads it from memory instead
    # of reading and decompressing the file again. Not part of the file's identity.
    content: bytes | None = field(default=None, compare=False, repr=False)

    def holding(self, content: bytes | None) -> SourceFile:
        """This file, its later reads served from ``content`` (its decompressed bytes)."""
        return replace(self, content=content)

    @classmethod
    def from_path(cls, path: Path) -> SourceFile:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if not path.is_file():
            raise InputError(f"{path}: not a regular file")
        name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
        return cls(path=path, name=name)

    @property
    def is_gzip(self) -> bool:
        with self.path.open("rb") as raw:
            return raw.read(2) == GZIP_MAGIC

    def open(self) -> IO[bytes]:
        """The decompressed content as a binary stream."""
        if self.content is not None:
            return io.BytesIO(self.content)
        if self.is_gzip:
            return cast(IO[bytes], gzip.open(self.path, "rb"))
        return self.path.open("rb")

    def read_all(self) -> bytes:
        """The whole decompressed content (the one held, else read now)."""
        if self.content is not None:
            return self.content
        with self.open() as stream:
            return stream.read()

    def head(self, size: int = 4096) -> bytes:
        """The first bytes of the decompressed content, for format detection."""
        if self.content is not None:
            return self.content[:size]
        try:
            with self.open() as stream:
                return stream.read(size)
        except (OSError, EOFError) as exc:
            raise InputError(f"{self.path}: cannot be read ({exc})") from exc

    def iter_chunks(self) -> Iterator[bytes]:
        with self.open() as stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    def sha256(self) -> str:
        """sha256 of the decompressed content, so archive copies hash like the originals."""
        digest = hashlib.sha256()
        try:
            for chunk in self.iter_chunks():
                digest.update(chunk)
        except (OSError, EOFError) as exc:
            raise InputError(f"{self.path}: cannot be read ({exc})") from exc
        return digest.hexdigest()

    def size(self) -> int:
        return sum(len(chunk) for chunk in self.iter_chunks())


def snapshot_digest(file_hashes: list[tuple[str, str]]) -> str:
    """One sha256 for a whole snapshot from its (file name, file sha256) pairs, sorted."""
    digest = hashlib.sha256()
    for name, file_hash in sorted((name.lower(), file_hash) for name, file_hash in file_hashes):
        digest.update(f"{name}\0{file_hash}\n".encode())
    return digest.hexdigest()


def write_atomically(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write ``path`` in one step: a reader sees the old file or the whole new one.

    The text goes to a temporary file beside it, flushed to disk, then renamed over
    it; nothing is left behind on failure. ``mode`` sets the new file's permissions
    (default: private to the owner, as ``mkstemp`` makes it). OSError is the caller's
    to turn into its own one-line error.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            if mode is not None:
                os.fchmod(out.fileno(), mode)
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
