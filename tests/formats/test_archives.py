"""monitor.formats._zip: a published single-file ZIP is read; hostile ZIPs are refused clearly."""

from __future__ import annotations

import gzip
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.files import SourceFile
from monitor.formats import _zip as archives

ZIPPED = "ofac-enhanced/2025-01-14/CONS_ENHANCED.ZIP"
Fixture = Callable[[str], SourceFile]


def make_zip(path: Path, members: dict[str, bytes], *, stored: bool = False) -> SourceFile:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return SourceFile.from_path(path)


def read_all(source: SourceFile, **limits: int) -> bytes:
    with archives.open_single_member(source, **limits) as stream:
        return stream.read()


def test_reads_the_single_member_of_the_real_zip(fixture_file: Fixture) -> None:
    source = fixture_file(ZIPPED)
    assert archives.is_zip(source)
    with zipfile.ZipFile(source.path) as archive:
        assert archive.namelist() == ["CONS_ENHANCED.XML"]
        expected = archive.read("CONS_ENHANCED.XML")
    assert read_all(source) == expected


def test_a_gzip_compressed_copy_of_the_zip_opens_too(fixture_file: Fixture, tmp_path: Path) -> None:
    """The snapshot archive stores files gzip-compressed; the ZIP must still open."""
    stored = tmp_path / "CONS_ENHANCED.ZIP.gz"
    stored.write_bytes(gzip.compress(fixture_file(ZIPPED).path.read_bytes()))
    assert read_all(SourceFile.from_path(stored))[:5] == b"<?xml"


def test_expansion_past_the_limit_is_refused(fixture_file: Fixture) -> None:
    with pytest.raises(InputError, match=r"more than 0.953674 MiB \(1000000 bytes\), the limit"):
        read_all(fixture_file(ZIPPED), max_bytes=1_000_000)


def test_a_zip_that_understates_its_size_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "liar.zip"
    make_zip(path, {"list.xml": b"<x>" + b"a" * 5000 + b"</x>"}, stored=True)
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.index(signature)
        data[start + offset : start + offset + 4] = struct.pack("<I", 10)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError):
        read_all(SourceFile.from_path(path), max_bytes=100)


@pytest.mark.parametrize(
    "name", ["../evil.xml", "a/../../evil.xml", "/etc/evil.xml", "C:\\evil.xml", "..\\evil.xml"]
)
def test_path_traversal_names_are_refused(tmp_path: Path, name: str) -> None:
    source = make_zip(tmp_path / "bad.zip", {name: b"<x/>"})
    with pytest.raises(InputError, match="unsafe path"):
        read_all(source)


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    source = make_zip(tmp_path / "many.zip", {f"{i}.xml": b"<x/>" for i in range(20)})
    with pytest.raises(InputError, match="20 members, more than the limit of 16"):
        read_all(source)


def test_two_files_are_refused_but_folders_are_ignored(tmp_path: Path) -> None:
    two = make_zip(tmp_path / "two.zip", {"a.xml": b"<a/>", "b.xml": b"<b/>"})
    with pytest.raises(InputError, match="exactly one file, found 2"):
        read_all(two)
    with_folder = make_zip(tmp_path / "folder.zip", {"data/": b"", "data/a.xml": b"<a/>"})
    assert read_all(with_folder) == b"<a/>"


def test_a_file_that_is_not_a_zip_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "page.zip"
    path.write_bytes(b"<html>Service unavailable</html>")
    source = SourceFile.from_path(path)
    assert not archives.is_zip(source)
    with pytest.raises(InputError, match="not a readable ZIP"):
        read_all(source)


def test_unsafe_name_rules() -> None:
    assert not archives.unsafe_name("CONS_ENHANCED.XML")
    assert not archives.unsafe_name("data/list..xml")
    assert archives.unsafe_name("../x") and archives.unsafe_name("/x")
