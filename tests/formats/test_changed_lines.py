"""Two runs (or tails) of OFAC CSV cut only where they differ, in whole lines.

Guards :func:`monitor.formats._csv_units.changed_lines`, which lets a steady
version cut only the differing middle of a changed run and of the file's tail
(``Runs.changes``): the parts before and after it must be the same bytes in
both, start at a line start, and the rows of the three parts must be the rows
of the whole, for real consecutive SDN versions and for edits of real lines at
either end, in the middle, and where a common end is not a line start in both.
"""

from __future__ import annotations

import gzip
from collections import Counter
from itertools import pairwise

import pytest

from monitor.formats import _csv_units
from monitor.formats._csv_units import changed_lines, differing_parts, rows
from monitor.ingest import held_takes
from tests.conftest import realdata


def _check(new: bytes, old: bytes) -> tuple[bytes, bytes]:
    """The differing parts of ``new`` and ``old``, every property of the cut checked."""
    start, new_end, old_end = changed_lines(new, old)
    assert new[:start] == old[:start]
    assert new[new_end:] == old[old_end:]
    assert start <= new_end and start <= old_end
    for content, end in ((new, new_end), (old, old_end)):
        for cut in (start, end):
            assert cut in (0, len(content)) or content[cut - 1 : cut] == b"\n"
        parts = (content[:start], content[start:end], content[end:])
        assert [row for part in parts for row in rows(part, "t")] == rows(content, "t")
    return new[start:new_end], old[start:old_end]


def _check_parts(new: bytes, old: bytes) -> tuple[int, int]:
    """The lengths of the parts of ``new`` and ``old`` that differ: the rows outside them
    must be the same rows in both (as a multiset: they cancel out)."""
    parts = differing_parts(new, old)
    new_left = Counter(rows(new, "t"))
    old_left = Counter(rows(old, "t"))
    new_left.subtract(row for new_part, _ in parts for row in rows(new_part, "t"))
    old_left.subtract(row for _, old_part in parts for row in rows(old_part, "t"))
    assert min([*new_left.values(), *old_left.values(), 0]) == 0  # parts are parts
    assert +new_left == +old_left
    return sum(len(n) for n, _ in parts), sum(len(o) for _, o in parts)


def _sdn_lines(index: int) -> list[bytes]:
    folder = realdata("ofac-sdn")
    version = sorted(p for p in folder.iterdir() if "T" in p.name)[index]
    path = next(p for p in sorted(version.iterdir()) if p.is_file())
    return gzip.decompress(path.read_bytes()).splitlines(keepends=True)


@pytest.mark.realdata
def test_edits_of_real_lines_are_cut_to_the_lines_that_differ() -> None:
    lines = _sdn_lines(150)[2000:2040]
    whole = b"".join(lines)
    edited = lines[10].replace(b'."\r\n', b'; Edited."\r\n')
    cases = {
        "one line edited": (b"".join([*lines[:10], edited, *lines[11:]]), [edited], [lines[10]]),
        "one line added at the end": (whole + lines[0], [lines[0]], []),
        "one line added at the start": (lines[39] + whole, [lines[39]], []),
        "the first line gone": (b"".join(lines[1:]), [], [lines[0]]),
        "the last line gone": (b"".join(lines[:-1]), [], [lines[-1]]),
        "the same": (whole, [], []),
        "two lines edited far apart": (
            b"".join([*lines[:10], edited, *lines[11:38], lines[10], lines[39]]),
            [edited, *lines[11:38], lines[10]],
            lines[10:39],
        ),
    }
    for name, (new, new_rows, old_rows) in cases.items():
        new_part, old_part = _check(new, whole)
        assert rows(new_part, "t") == new_rows, name
        assert rows(old_part, "t") == old_rows, name


def test_a_common_end_that_starts_inside_a_line_is_cut_at_the_next_line() -> None:
    """``AB\\nC\\n`` against ``B\\nC\\n``: the bytes agree from ``B``, a line start in one
    only; the cut moves forward to ``C``, which starts a line in both."""
    new, old = _check(b"AB\nC\n", b"B\nC\n")
    assert (new, old) == (b"AB\n", b"B\n")
    new, old = _check(b"X\nAB\n", b"X\nB\n")
    assert (new, old) == (b"AB\n", b"B\n")
    assert _check(b"A\nB", b"A\nC") == (b"B", b"C")  # an unended last line
    assert _check(b"", b"A\n") == (b"", b"A\n")


@pytest.mark.realdata
def test_real_consecutive_versions_cut_only_where_they_differ() -> None:
    """Each changed run (paired as a steady version pairs them) and the tail of real
    consecutive SDN versions, from a late stretch where the tail is ~2,000 rows."""
    fmt_runs = []
    for index in range(140, 147):
        content = b"".join(_sdn_lines(index))
        found = _csv_units.runs(content, "sdn.csv", b",-0- ")
        assert found is not None
        fmt_runs.append(found)
    compared = 0
    for old, new in pairwise(fmt_runs):
        pieces, held = set(new.pieces), set(old.pieces)
        pairs, _, _ = held_takes._paired(pieces - held, held - pieces)
        for new_piece, old_piece in [*pairs, (new.tail, old.tail)]:
            _check(new_piece, old_piece)
            _check_parts(new_piece + new.anchor, old_piece + old.anchor)
            compared += 1
        if new.tail != old.tail:
            new_length, old_length = _check_parts(new.tail, old.tail)
            assert new_length + old_length < (len(new.tail) + len(old.tail)) // 8
    assert compared > 10


@pytest.mark.realdata
def test_the_rows_of_a_changed_run_less_its_common_lines() -> None:
    """``Runs.changes`` gives the rows ``rows_of`` gives, less the lines both share."""
    lines = _sdn_lines(120)
    content = b"".join(lines)
    found = _csv_units.runs(content, "sdn.csv", b",-0- ")
    assert found is not None
    piece = max(found.pieces, key=len)
    piece_lines = (piece + found.anchor).splitlines(keepends=True)
    middle = len(piece_lines) // 2
    edited = piece_lines[middle].replace(b'"\r\n', b' Edited."\r\n')
    assert edited != piece_lines[middle]
    new_piece = b"".join([*piece_lines[:middle], edited, *piece_lines[middle + 1 :]])
    new_piece = new_piece.removesuffix(found.anchor)
    new_rows, old_rows = found.piece_changes(new_piece, piece)
    assert (new_rows, old_rows) == ([edited], [piece_lines[middle]])
    assert set(found.rows_of(new_piece)) - set(found.rows_of(piece)) == {edited}


def _as_sets(runs: _csv_units.Runs, held: list[bytes]) -> tuple[set[bytes], set[bytes]] | None:
    """What ``Runs.against`` must find, by splitting the whole file and comparing sets."""
    pieces = runs.content.split(runs.anchor)[:-1]
    if len(set(pieces)) != len(pieces):
        return None
    return set(pieces) - set(held), set(held) - set(pieces)


@pytest.mark.realdata
def test_runs_matched_in_place_are_the_runs_a_split_compares_as_sets() -> None:
    """Runs removed, added, edited, moved to another place or written twice: the walk in
    file order finds the new and the gone runs a split of the whole file finds, keeps
    the file's order, and refuses a run twice as the set comparison does."""
    content = b"".join(_sdn_lines(120))
    held_runs = _csv_units.runs(content, "sdn.csv", b",-0- ")
    assert held_runs is not None
    held, anchor, tail = held_runs.pieces, held_runs.anchor, held_runs.tail
    index = {piece: place for place, piece in enumerate(held)}
    at = next(i for i in range(40, len(held)) if b'."\r\n' in held[i])  # a run of rows
    edited = held[at].replace(b'."\r\n', b'; Edited."\r\n', 1)
    versions = {
        "the same": held,
        "three runs gone": [*held[:10], *held[13:]],
        "a run added": [*held[:10], held[5] + b"x", *held[10:]],
        "a run edited": [*held[:at], edited, *held[at + 1 :]],
        "a run moved forward": [held[300], *held[:300], *held[301:]],
        "a run moved back": [*held[1:300], held[0], *held[300:]],
        "the first and last gone": held[1:-1],
        "a held run twice": [*held, held[7]],
        "a new run twice": [*held[:3], b"9", *held[3:], b"9"],
    }
    for name, pieces in versions.items():
        runs = _csv_units.runs(b"".join(p + anchor for p in pieces) + tail, "sdn.csv", b",-0- ")
        assert runs is not None, name
        found = runs.against(held, index)
        expected = _as_sets(runs, held)
        if found is None or expected is None:
            assert name.endswith("run twice") and expected is None, name
            assert found is None or len(set(found[1])) != len(found[1]), name
            continue
        order, new, gone = found
        assert order == pieces, name  # the held objects stand in, equal to the file's runs
        assert (set(new), set(gone)) == expected, name
