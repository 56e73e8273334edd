"""Endings (issue 14.6): a complete file is not truncated because it lacks its final newline.

The shape guard compares a new file's ending with the list's last good
version. A missing final newline alone is no sign of truncation when the last
row is visibly whole: its quotes are balanced, its last cell is closed, and it
has as many cells as the header (or, without a header, as the last row of the
last good version). A row cut anywhere else is still refused.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import Config, Expect, ListConfig
from monitor.files import SourceFile
from monitor.ingest import shapes
from monitor.ingest.pipeline import IngestRequest, IngestResult, ingest
from monitor.store import Store, open_engine
from tests.conftest import FIXTURES, ROOT

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TRUNCATED = "the file ends in the middle of a line"


class Run:
    def __init__(self, tmp_path: Path, list_id: str) -> None:
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.store = Store(open_engine(f"sqlite:///{tmp_path / 'monitor.db'}"))
        self.config = Config(archive=tmp_path / "archive")
        self.list_config = ListConfig(id=list_id, expect=Expect(max_removed_share=1.0))

    def __call__(self, path: Path) -> IngestResult:
        request = IngestRequest(list_config=self.list_config, paths=[path])
        return ingest(self.store, self.config, request, now=NOW)


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def plain(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def test_a_dpl_file_without_its_final_newline_after_one_with_it(tmp_path: Path) -> None:
    run = Run(tmp_path / "db", "us-bis-dpl")
    assert run(FIXTURES / "bis-dpl" / "2022-09-07" / "dpl.txt").status == "baseline"
    data = (FIXTURES / "bis-dpl" / "2023-11-30" / "dpl.txt").read_bytes()
    assert data.endswith(b'"\n')
    whole = run(write(tmp_path / "2023-11-30", "dpl.txt", data[:-1]))
    assert whole.status == "applied", whole.message
    # the same file, intact, into another database: the same events
    other = Run(tmp_path / "db2", "us-bis-dpl")
    other(FIXTURES / "bis-dpl" / "2022-09-07" / "dpl.txt")
    intact = other(FIXTURES / "bis-dpl" / "2023-11-30" / "dpl.txt")
    assert sorted((e.kind, e.key) for e in whole.events) == sorted(
        (e.kind, e.key) for e in intact.events
    )
    cut = run(write(tmp_path / "2023-12-01", "dpl.txt", data[:-6]))  # inside the last cell
    assert cut.status == "rejected" and TRUNCATED in cut.message


def test_the_real_dpl_2019_file_ends_without_a_newline_and_is_whole(tmp_path: Path) -> None:
    run = Run(tmp_path / "db", "us-bis-dpl")
    assert run(FIXTURES / "bis-dpl" / "2022-09-07" / "dpl.txt").status == "baseline"
    real = (FIXTURES / "bis-dpl" / "2019-06-29" / "dpl.txt").read_bytes()
    assert not real.endswith(b"\n")
    result = run(write(tmp_path / "2022-09-08", "dpl.txt", real))
    assert result.status == "applied", result.message


def test_a_file_whose_last_cell_is_unquoted_cannot_be_told_from_a_cut_one(tmp_path: Path) -> None:
    """The CSL's last row ends with an empty cell (','): a row cut right after a delimiter
    (half of a real sdn.csv ends '-0- ,') looks the same, so without its final newline such
    a file is still refused."""
    run = Run(tmp_path / "db", "us-csl")
    csl = FIXTURES / "generic" / "csl"
    assert run(csl / "2023-11-30" / "consolidated.csv").status == "baseline"
    data = (csl / "2022-05-06" / "consolidated.csv").read_bytes()
    assert data.endswith(b",\n")
    result = run(write(tmp_path / "2023-12-01", "consolidated.csv", data[:-1]))
    assert result.status == "rejected" and TRUNCATED in result.message


def test_an_ofac_file_whose_last_row_lacks_only_its_line_break(tmp_path: Path) -> None:
    """Official files end '"\\r\\n\\x1a'; without the CRLF, the row and the mark are whole."""
    sdn = ROOT / "snapshots" / "us-ofac-sdn"
    first, second = sorted(sdn.iterdir())[:2]
    run = Run(tmp_path / "db", "us-ofac-sdn")
    assert run(first / "sdn.csv.gz").status == "baseline"
    data = plain(second / "sdn.csv.gz")
    assert data.endswith(b'"\r\n\x1a')
    result = run(write(tmp_path / second.name, "sdn.csv", data[:-3] + b"\x1a"))
    assert result.status == "applied", result.message
    other = Run(tmp_path / "db2", "us-ofac-sdn")
    other(first / "sdn.csv.gz")
    intact = other(second / "sdn.csv.gz")
    assert sorted((e.kind, e.key) for e in result.events) == sorted(
        (e.kind, e.key) for e in intact.events
    )
    half = data[: len(data) // 2] + b"\x1a"
    cut = run(write(tmp_path / "2026-01-01T0000Z", "sdn.csv", half))
    assert cut.status == "rejected"


def _shape(tmp_path: Path, name: str, data: bytes) -> shapes.FileShape:
    source = SourceFile.from_path(write(tmp_path, name, data))
    shape = shapes.file_shape(source, data[-64:], len(data))
    assert shape is not None
    return shape


def test_without_a_header_the_last_row_is_measured_against_the_last_good_version(
    tmp_path: Path,
) -> None:
    before = _shape(tmp_path / "a", "add.csv", b'1,2,"x","y"\r\n3,4,"z","w"\r\n')
    assert (before.last_width, before.ends_with_newline) == (4, True)
    whole = _shape(tmp_path / "b", "add.csv", b'1,2,"x","y"\r\n3,4,"z","w"')
    assert shapes.compare({"add.csv": before}, {"add.csv": whole}) is None
    short = _shape(tmp_path / "c", "add.csv", b'1,2,"x","y"\r\n3,4,"z"')
    assert TRUNCATED in (shapes.compare({"add.csv": before}, {"add.csv": short}) or "")
    open_quote = _shape(tmp_path / "d", "add.csv", b'1,2,"x","y"\r\n3,4,"z","w')
    assert TRUNCATED in (shapes.compare({"add.csv": before}, {"add.csv": open_quote}) or "")
    unquoted = _shape(tmp_path / "e", "add.csv", b"1,2,x,y\r\n3,4,z,w")
    assert TRUNCATED in (shapes.compare({"add.csv": before}, {"add.csv": unquoted}) or "")
    empty_last = _shape(tmp_path / "f", "add.csv", b'1,2,"x","y"\r\n3,4,"z",')
    assert TRUNCATED in (shapes.compare({"add.csv": before}, {"add.csv": empty_last}) or "")


def test_a_shape_stored_before_last_rows_were_measured_still_compares(tmp_path: Path) -> None:
    stored = {"header": None, "header_line": 0, "ends_with_newline": True, "size": 10}
    old = shapes.FileShape.from_dict(stored)
    assert old.last_width == 0
    whole = _shape(tmp_path, "add.csv", b'1,2,"x","y"\r\n3,4,"z","w"')
    # nothing to measure against: refused as before
    assert TRUNCATED in (shapes.compare({"add.csv": old}, {"add.csv": whole}) or "")
