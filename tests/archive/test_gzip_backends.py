"""The archive and the one-piece read give the same results with ISA-L and without it.

``isal`` is a dependency for speed only (monitor.files, monitor.archive.write): where
its wheels are missing the code falls back to zlib. Both ways must archive a plain
file as ordinary gzip that the standard library reads back byte for byte, and read a
gzip list file to the same bytes, refusing the same corrupt ones. Each way runs in a
new interpreter, the fallback one with ``isal`` made unimportable.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import SNAPSHOTS, fresh_python

REAL = SNAPSHOTS / "us-ofac-sdn" / "2021-12-10T1850Z" / "sdn.csv.gz"
BLOCK_ISAL = "import sys; sys.modules['isal'] = None\n"

_PROBE = """
import hashlib, json
from datetime import datetime, timezone
from pathlib import Path
from monitor import files
from monitor.archive import write
from monitor.files import SourceFile
plain, corrupt, root, real = (Path(p) for p in PATHS)
archived = write.store_snapshot(
    root, "us-ofac-sdn", datetime(2021, 12, 10, 18, 50, tzinfo=timezone.utc),
    [SourceFile.from_path(plain)],
)
read = files.read_whole(real, 1 << 30)
print(json.dumps({
    "inflater": files._inflating.__name__,
    "writer": write._gzip_writer.__name__,
    "archived": str(archived.files[0].path),
    "read": hashlib.sha256(read).hexdigest() if read is not None else None,
    "corrupt": files.read_whole(corrupt, 1 << 30),
}))
"""


def _probe(tmp_path: Path, *, without_isal: bool) -> dict[str, str | None]:
    """What one interpreter archives and reads (ISA-L blocked when ``without_isal``)."""
    work = tmp_path / ("zlib" if without_isal else "isal")
    work.mkdir()
    plain = work / "sdn.csv"
    plain.write_bytes(gzip.decompress(REAL.read_bytes()))
    damaged = bytearray(REAL.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # a flipped byte in the deflate body
    corrupt = work / "corrupt.csv.gz"
    corrupt.write_bytes(bytes(damaged))
    paths = [str(plain), str(corrupt), str(work / "archive"), str(REAL)]
    setup = f"PATHS = {json.dumps(paths)}\n"
    code = (BLOCK_ISAL if without_isal else "") + setup + _PROBE
    return dict(json.loads(fresh_python(code).strip().splitlines()[-1]))


@pytest.mark.parametrize("without_isal", [False, True], ids=["isal", "zlib"])
def test_archive_and_read_are_the_same_with_or_without_isal(
    tmp_path: Path, without_isal: bool
) -> None:
    found = _probe(tmp_path, without_isal=without_isal)
    expected_backend = ("zlib", "gzip") if without_isal else ("isal.isal_zlib", "isal.igzip")
    assert (found["inflater"], found["writer"]) == expected_backend
    original = gzip.decompress(REAL.read_bytes())
    archived = Path(str(found["archived"]))
    assert archived.read_bytes()[:2] == b"\x1f\x8b"  # ordinary gzip, any tool reads it
    assert gzip.decompress(archived.read_bytes()) == original
    assert found["read"] == hashlib.sha256(original).hexdigest()
    assert found["corrupt"] is None  # refused: the streaming read then says why
