"""A version's files are read in one piece when they can be, with the streaming read's results.

guards.read_contents decompresses a plain file or a single gzip member in one
call; everything else (several members, trailing bytes, a truncated or corrupt
file, more than the size limit) goes to the streaming read, which decides as it
always did. Both ways must give the same facts, or the same error, for the same
bytes: here a real SDN file and edits of it.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.files import SourceFile
from monitor.ingest import guards
from tests.conftest import SNAPSHOTS

REAL = SNAPSHOTS / "us-ofac-sdn" / "2021-12-10T1850Z" / "sdn.csv.gz"


def _both_ways(path: Path, limit: int) -> tuple[object, object]:
    """What read_contents gives (facts or the error's text), and what the streaming read
    alone gives."""
    source = SourceFile.from_path(path)
    outcomes = []
    for read in (guards.read_contents, _streaming):
        try:
            outcomes.append(read([source], limit)[0])
        except InputError as exc:
            outcomes.append(str(exc))
    return outcomes[0], outcomes[1]


def _streaming(files: list[SourceFile], limit: int) -> list[guards.ContentFacts]:
    return [guards._stream_content(source, limit) for source in files]


def _flipped(data: bytes, at: int) -> bytes:
    """The bytes with the bits of one byte inverted."""
    at %= len(data)
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def _variants(tmp_path: Path) -> dict[str, Path]:
    plain = gzip.decompress(REAL.read_bytes())
    half = len(plain) // 2
    made = {
        "one member": REAL.read_bytes(),
        "two members": gzip.compress(plain[:half]) + gzip.compress(plain[half:]),
        "zero padding": REAL.read_bytes() + b"\0" * 16,
        "trailing bytes": REAL.read_bytes() + b"not gzip",
        "truncated": REAL.read_bytes()[:-1000],
        "wrong size": REAL.read_bytes()[:-4] + (7).to_bytes(4, "little"),
        # the inflater (ISA-L, else zlib) must refuse what gzip's reader refuses
        "wrong checksum": _flipped(REAL.read_bytes(), -8),
        "corrupt body": _flipped(REAL.read_bytes(), 5000),
    }
    paths = {}
    for name, data in made.items():
        path = tmp_path / name.replace(" ", "-") / "sdn.csv.gz"
        path.parent.mkdir()
        path.write_bytes(data)
        paths[name] = path
    plain_path = tmp_path / "plain" / "sdn.csv"
    plain_path.parent.mkdir()
    plain_path.write_bytes(plain)
    paths["not compressed"] = plain_path
    return paths


@pytest.mark.parametrize(
    "variant",
    [
        "one member",
        "two members",
        "zero padding",
        "trailing bytes",
        "truncated",
        "wrong size",
        "wrong checksum",
        "corrupt body",
        "not compressed",
    ],
)
def test_the_one_piece_read_gives_the_streaming_read_s_facts_or_error(
    variant: str, tmp_path: Path
) -> None:
    path = _variants(tmp_path)[variant]
    size = len(gzip.decompress(REAL.read_bytes()))
    for limit in (size + 1, size, size - 1):  # within, at and past the limit
        fast, streamed = _both_ways(path, limit)
        assert fast == streamed, (variant, limit)
        if isinstance(fast, guards.ContentFacts):
            assert fast.content is not None and len(fast.content) == fast.size


def test_a_real_file_is_read_in_one_piece_and_kept(tmp_path: Path) -> None:
    facts = guards.read_contents([SourceFile.from_path(REAL)], 1 << 30)[0]
    whole = guards._read_whole(SourceFile.from_path(REAL), guards.KEEP_BYTES)
    assert whole is not None and facts.content == whole
    assert facts.sha256 == SourceFile.from_path(REAL).sha256()
