"""A version compared with the last one run by run: only changed runs are cut, same results.

Guards :func:`monitor.ingest.held_takes.take_runs`: once a process holds the rows of
the state it applied and the file's runs of rows (``sdn.csv`` cut after each row
whose last cell is OFAC's empty ``-0- ``), the next version is compared as a set
of runs, and only the runs that differ are cut into rows. An unchanged row must
never reach the parser, a changed one must, and every event and stored record
must be those of the comparison by rows and of the full parse, over real SDN
versions and edits of them; what the rows refuse, the runs refuse.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Config
from monitor.files import SourceFile
from monitor.formats import _csv_units, ofac_csv
from monitor.ingest import held_takes, units
from monitor.ingest.pipeline import IngestResult
from monitor.store import Store, open_engine
from tests.conftest import realdata
from tests.ingest.test_held_state import _sdn_versions
from tests.ingest.test_units import BuiltKeys, _run, _state

VERSIONS = 12


class Counted:
    """Calls of a function that still runs: all of them, and those that gave a result."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        self.calls = 0
        self.results = 0
        real = getattr(owner, name)

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            result = real(*args, **kwargs)
            self.results += result is not None
            return result

        monkeypatch.setattr(owner, name, counting)


def _replay(versions: list[tuple[datetime, list[Path]]], url: str, archive: Path) -> list[Any]:
    store = Store(open_engine(url))
    config = Config(archive=archive)
    results = [_run(store, config, paths, observed) for observed, paths in versions]
    store.engine.dispose()
    return results


def _no_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ofac_csv.OfacCsv, "split_runs", lambda self, files: None)


@pytest.mark.realdata
def test_real_versions_taken_run_by_run_equal_rows_and_full_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = _sdn_versions(VERSIONS)
    monkeypatch.setenv(units.ENV, "1")
    runs = Counted(monkeypatch, held_takes, "take_runs")
    _replay(versions, f"sqlite:///{tmp_path / 'runs.db'}", tmp_path / "a1")
    # the baseline is read unit by unit, the next version by rows (its runs then held)
    assert runs.results == VERSIONS - 2
    by_runs = _state(f"sqlite:///{tmp_path / 'runs.db'}")
    assert len(by_runs["events"]) > VERSIONS  # not an empty replay

    _no_runs(monkeypatch)
    _replay(versions, f"sqlite:///{tmp_path / 'rows.db'}", tmp_path / "a2")
    assert _state(f"sqlite:///{tmp_path / 'rows.db'}") == by_runs

    monkeypatch.setenv(units.ENV, "0")
    _replay(versions, f"sqlite:///{tmp_path / 'full.db'}", tmp_path / "a3")
    assert _state(f"sqlite:///{tmp_path / 'full.db'}") == by_runs


@pytest.mark.realdata
def test_the_runs_of_every_real_sdn_version_are_cut_into_its_rows() -> None:
    """Where every line is a row, the runs' rows are exactly the rows cut from the file."""
    fmt = ofac_csv.OfacCsv()
    folder = realdata("ofac-sdn")
    cut = 0
    for version in sorted(p for p in folder.iterdir() if "T" in p.name):
        files = [SourceFile.from_path(p) for p in sorted(version.iterdir()) if p.is_file()]
        if not files[0].path.stat().st_size:
            continue  # the empty download
        runs = fmt.split_runs(files)
        assert runs is not None and len(runs.pieces) >= _csv_units.MIN_RUNS
        rows = fmt.split_rows(files)
        assert runs.lines_are_rows()
        found = list(chain(*map(runs.rows_of, runs.pieces), runs.tail_rows(runs.tail)))
        assert found == rows
        cut += 1
    assert cut > 150


def _edited(tmp_path: Path, base: Path, edit: Callable[[list[bytes]], list[bytes]]) -> Path:
    """A third version: the real second version's lines, edited."""
    lines = gzip.decompress(base.read_bytes()).splitlines(keepends=True)
    path = tmp_path / "third" / "sdn.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"".join(edit(lines)))
    return path


def _middle_row(lines: list[bytes]) -> int:
    """A row in the middle of the file whose remarks are not empty (it ends no run)."""
    middle = len(lines) // 2
    return next(i for i in range(middle, len(lines)) if lines[i].endswith(b'."\r\n'))


def _remark_added(lines: list[bytes]) -> list[bytes]:
    i = _middle_row(lines)
    return [*lines[:i], lines[i].replace(b'."\r\n', b'; Edited."\r\n'), *lines[i + 1 :]]


def _row_moved(lines: list[bytes]) -> list[bytes]:
    """One row moved from the middle to the end: a run changes, no row is new."""
    i = _middle_row(lines)
    return [*lines[:i], *lines[i + 1 : -1], lines[i], lines[-1]]


def _row_twice(lines: list[bytes]) -> list[bytes]:
    return [*lines[:-1], lines[5], lines[-1]]


def _cell_across_lines(lines: list[bytes]) -> list[bytes]:
    """A quoted remark with a line break in it: the run cannot be cut into lines."""
    i = _middle_row(lines)
    edited = lines[i].replace(b'."\r\n', b'.\r\nSecond line."\r\n')
    return [*lines[:i], edited, *lines[i + 1 :]]


def _three(
    tmp_path: Path, edit: Callable[[list[bytes]], list[bytes]]
) -> list[tuple[datetime, list[Path]]]:
    versions = _sdn_versions(2)
    second_day, second = versions[1]
    return [*versions, (second_day + timedelta(days=1), [_edited(tmp_path, second[0], edit)])]


def _runs_then_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, versions: list[Any]
) -> tuple[IngestResult, IngestResult]:
    """The third version's result run by run, and by the full parse (states compared)."""
    monkeypatch.setenv(units.ENV, "1")
    on = _replay(versions, f"sqlite:///{tmp_path / 'on.db'}", tmp_path / "a1")[-1]
    monkeypatch.setenv(units.ENV, "0")
    off = _replay(versions, f"sqlite:///{tmp_path / 'off.db'}", tmp_path / "a2")[-1]
    assert _state(f"sqlite:///{tmp_path / 'on.db'}") == _state(f"sqlite:///{tmp_path / 'off.db'}")
    assert (on.status, on.message, on.counts) == (off.status, off.message, off.counts)
    return on, off


class RowsCut:
    """How many rows runs (or the parts of runs that differ) were cut into."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        real = _csv_units._lines_as_rows

        def counting(content: bytes, name: str) -> list[bytes]:
            found = real(content, name)
            self.rows += len(found)
            return found

        monkeypatch.setattr(_csv_units, "_lines_as_rows", counting)


def _third_by_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, versions: list[Any]
) -> tuple[IngestResult, list[str], int]:
    """The third version taken run by run after the first two: its result, the keys the
    parser built for it, and how many rows runs were cut into."""
    monkeypatch.setenv(units.ENV, "1")
    store = Store(open_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    config = Config(archive=tmp_path / "a0")
    for observed, paths in versions[:2]:
        _run(store, config, paths, observed)
    built = BuiltKeys(monkeypatch)
    cut = RowsCut(monkeypatch)
    runs = Counted(monkeypatch, held_takes, "take_runs")
    observed, paths = versions[2]
    result = _run(store, config, paths, observed)
    store.engine.dispose()
    assert runs.results == 1  # taken run by run
    return result, built.take(), cut.rows


@pytest.mark.realdata
def test_only_the_changed_row_reaches_the_parser_and_only_its_runs_are_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = _three(tmp_path, _remark_added)
    lines = gzip.decompress(versions[1][1][0].read_bytes()).splitlines(keepends=True)
    changed = lines[_middle_row(lines)].split(b",", 1)[0].decode()
    result, built, cut = _third_by_runs(tmp_path, monkeypatch, versions)
    assert built == [changed]  # the edited row, and no other
    # its row as it was and as it is now: no other row of its run, nor of another run
    assert cut == 2
    assert result.status == "applied"
    assert {kind: n for kind, n in result.counts.items() if n} == {"modified": 1}
    _runs_then_full(tmp_path, monkeypatch, versions)


@pytest.mark.realdata
def test_a_row_moved_to_another_run_is_neither_new_nor_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = _three(tmp_path, _row_moved)
    result, built, cut = _third_by_runs(tmp_path, monkeypatch, versions)
    assert built == []  # the moved row is in a gone run and in a new one: not parsed
    assert cut == 2  # the row in the run it left, and in the tail it joined
    assert result.status == "applied" and not any(result.counts.values())
    _runs_then_full(tmp_path, monkeypatch, versions)


@pytest.mark.realdata
@pytest.mark.parametrize("edit", [_row_twice, _cell_across_lines], ids=lambda f: f.__name__)
def test_what_the_runs_cannot_decide_the_rows_decide(
    edit: Callable[[list[bytes]], list[bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row twice (once in a run shared with the state) and a quoted cell across lines
    are left to the rows, with the full parse's result."""
    versions = _three(tmp_path, edit)
    runs = Counted(monkeypatch, held_takes, "take_runs")
    rows = Counted(monkeypatch, held_takes, "take_rows")
    on, _ = _runs_then_full(tmp_path, monkeypatch, versions)
    assert (runs.calls, runs.results) == (1, 0)  # tried on the third version, left to rows
    assert rows.calls == 2  # the second version and the third
    assert on.status == ("rejected" if edit is _row_twice else "applied")
