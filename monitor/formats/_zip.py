"""Open the one file inside a published ZIP without trusting the archive.

Some publishers ship a list as a ZIP holding a single file (OFAC's
CONS_ENHANCED.ZIP). A ZIP from the network can lie about its sizes, hold
thousands of members, name a member ``../../etc/passwd`` or expand a few
kilobytes into gigabytes. We never extract to disk: we check the directory,
then stream the single member through a counter that stops at a size limit,
so a hostile archive is refused with a clear :class:`InputError` instead of
filling memory or disk.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import PurePosixPath
from typing import IO

from monitor.errors import InputError, ZipInputError
from monitor.files import SourceFile, max_file_size, over_limit

ZIP_MAGIC = b"PK\x03\x04"
# The size limit is the list's max_file_size setting (files.max_file_size), named in the
# error in the words of files.over_limit, as for any file.
DEFAULT_MAX_MEMBERS = 16


def is_zip(source: SourceFile) -> bool:
    """True when the (decompressed) content starts with a ZIP local file header."""
    try:
        return source.head(4) == ZIP_MAGIC
    except InputError:
        return False


def unsafe_name(name: str) -> bool:
    """A member name that would escape the extraction folder, or is absolute."""
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


def _members(archive: zipfile.ZipFile, label: str, max_members: int) -> list[zipfile.ZipInfo]:
    """The file members, after refusing archives that are too big or have unsafe names."""
    infos = archive.infolist()
    if len(infos) > max_members:
        raise ZipInputError(
            label, f"the ZIP holds {len(infos)} members, more than the limit of {max_members}"
        )
    for info in infos:
        if unsafe_name(info.filename):
            raise ZipInputError(label, f"refusing ZIP member with an unsafe path {info.filename!r}")
    return [info for info in infos if not info.is_dir()]


def _single(archive: zipfile.ZipFile, label: str, max_members: int) -> zipfile.ZipInfo:
    files = _members(archive, label, max_members)
    if len(files) != 1:
        names = ", ".join(i.filename for i in files) or "none"
        raise ZipInputError(
            label, f"expected a ZIP holding exactly one file, found {len(files)} ({names})"
        )
    return files[0]


@contextmanager
def _archive(source: SourceFile) -> Iterator[zipfile.ZipFile]:
    """The open archive; only failures to read its directory are reported here."""
    with ExitStack() as stack:
        try:
            raw = stack.enter_context(source.open())
            archive = stack.enter_context(zipfile.ZipFile(raw))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as exc:
            raise ZipInputError(source.name, f"not a readable ZIP archive ({exc})") from exc
        yield archive


@contextmanager
def open_single_member(
    source: SourceFile,
    *,
    max_bytes: int | None = None,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Iterator[IO[bytes]]:
    """Stream the single file of a ZIP, stopping with InputError past ``max_bytes``
    (default: the list's max_file_size setting in force, ``files.max_file_size``)."""
    max_bytes = max_file_size() if max_bytes is None else max_bytes
    with _archive(source) as archive:
        info = _single(archive, source.name, max_members)
        label = f"{source.name}:{info.filename}"
        if info.flag_bits & 0x1:
            raise ZipInputError(label, "the ZIP member is encrypted")
        if info.file_size > max_bytes:
            raise ZipInputError(label, over_limit(max_bytes, claimed=info.file_size))
        try:
            member = archive.open(info)
        except (NotImplementedError, zipfile.BadZipFile) as exc:
            raise ZipInputError(label, f"cannot open the ZIP member ({exc})") from exc
        with member, io.BufferedReader(_Limited(member, max_bytes, label)) as limited:
            yield limited


class _Limited(io.RawIOBase):
    """A read-only stream that raises ZipInputError once more than ``limit`` bytes came out.

    The sizes in a ZIP directory are claims; this counts what is really inflated.
    Corrupt compressed data (including a CRC mismatch) is reported the same way.
    """

    def __init__(self, inner: IO[bytes], limit: int, label: str) -> None:
        super().__init__()
        self._inner = inner
        self._left = limit
        self._limit = limit
        self._label = label

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _read(self, size: int) -> bytes:
        try:
            data = self._inner.read(min(size, self._left + 1))
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise ZipInputError(self._label, f"corrupt ZIP data ({exc})") from exc
        self._left -= len(data)
        if self._left < 0:
            raise ZipInputError(self._label, over_limit(self._limit))
        return data
