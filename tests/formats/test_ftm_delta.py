"""OpenSanctions deltas: real ADD/MOD/DEL lines as operations, applied purely to a state."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import InputError, ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format, get_format
from monitor.formats.ftm_delta import FtmDelta
from monitor.ingest.delta import DeltaOp, apply_delta
from monitor.records import Record
from tests.conftest import FIXTURES

T2 = FIXTURES / "opensanctions" / "t2"
VERSIONS = sorted(p.name for p in T2.iterdir() if p.is_dir())


def delta_file(version: str) -> SourceFile:
    return SourceFile.from_path(T2 / version / "entities.delta.json")


def raw_ops(version: str) -> list[tuple[str, str]]:
    """(op, id) of each line, read with the json module only."""
    text = (T2 / version / "entities.delta.json").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [(line["op"], line["entity"]["id"]) for line in lines]


def record(key: str, name: str = "X") -> Record:
    return Record.build(key=key, name=name, entry_type="entity")


def test_the_versions_sort_by_time() -> None:
    assert VERSIONS == [
        "20240527194702-wnk",
        "20240528014702-pfh",
        "20240528074703-npf",
        "20240528134729-3iv",
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_line_is_one_operation(version: str) -> None:
    source = delta_file(version)
    assert detect_format([source]).kind == "ftm-delta"
    ops = list(FtmDelta().parse_delta([source]))
    assert [(o.op, o.key) for o in ops] == raw_ops(version)  # every entity here is a target
    assert all((o.record is None) == (o.op == "DEL") for o in ops)


@pytest.mark.parametrize("version", VERSIONS)
def test_published_at_is_the_version_id(version: str) -> None:
    stamp = datetime.strptime(version[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    assert FtmDelta().published_at([delta_file(version)]) == stamp


def test_the_four_real_versions_applied_in_order() -> None:
    state: dict[str, Record] = {}
    for version in VERSIONS:
        result = apply_delta(state, FtmDelta().parse_delta([delta_file(version)]))
        assert result.unknown_deletes == () and result.existing_adds == ()
        state = result.records
    assert sorted(state) == ["NK-2T3S8Hu29ktYnKSTgQp2wL", "NK-2sJaJRaPJcWUfMbHjTtWcL", "Q4365364"]
    assert state["NK-2T3S8Hu29ktYnKSTgQp2wL"].name == "Foobar Foobargroup"  # the MOD
    merged = dict(state["Q4365364"].extra)["referents"].split()
    assert "NK-CKqXfkBTsWPzJurpbYHfWE" in merged


def test_apply_delta_is_pure_and_reports_what_did_not_fit() -> None:
    current = {"a": record("a"), "b": record("b")}
    ops = [
        DeltaOp(op="DEL", key="gone"),
        DeltaOp(op="ADD", key="a", record=record("a", "A2")),
        DeltaOp(op="MOD", key="new", record=record("new")),
        DeltaOp(op="DEL", key="b"),
    ]
    result = apply_delta(current, ops)
    assert sorted(result.records) == ["a", "new"]
    assert result.records["a"].name == "A2"
    assert result.unknown_deletes == ("gone",)
    assert result.existing_adds == ("a",)
    assert "1 DEL" in result.describe() and "1 ADD" in result.describe()
    assert sorted(current) == ["a", "b"] and current["a"].name == "X"
    assert apply_delta(current, []).describe() == ""


def test_delta_ops_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown delta operation"):
        DeltaOp(op="UPSERT", key="a", record=record("a"))
    with pytest.raises(ValueError, match="needs a record"):
        DeltaOp(op="ADD", key="a")
    with pytest.raises(ValueError, match="has no record"):
        DeltaOp(op="DEL", key="a", record=record("a"))
    with pytest.raises(ValueError, match="differs"):
        DeltaOp(op="MOD", key="a", record=record("b"))


def write(tmp_path: Path, *lines: str) -> SourceFile:
    path = tmp_path / "20240601000000-abc" / "entities.delta.json"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return SourceFile.from_path(path)


def test_supporting_entities_never_become_records(tmp_path: Path) -> None:
    address = '{"id": "addr-1", "schema": "Address", "target": false, "properties": {}}'
    source = write(
        tmp_path,
        f'{{"op": "ADD", "entity": {address}}}',
        f'{{"op": "MOD", "entity": {address}}}',
    )
    # an added address is skipped; a modified non-target may have been a listed party: removed
    assert [(o.op, o.key) for o in FtmDelta().parse_delta([source])] == [("DEL", "addr-1")]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"op": "ADD", "entity": {"id": "x"', "not a JSON line"),
        ('{"op": "UPSERT", "entity": {"id": "x"}}', "expected"),
        ('{"op": "DEL", "entity": {}}', "without an 'id'"),
    ],
)
def test_a_bad_line_is_a_parse_error_with_its_number(
    tmp_path: Path, bad: str, message: str
) -> None:
    first = (T2 / VERSIONS[2] / "entities.delta.json").read_text(encoding="utf-8").strip()
    source = write(tmp_path, first, bad)
    with pytest.raises(ParseError, match=message) as caught:
        list(FtmDelta().parse_delta([source]))
    assert (caught.value.file, caught.value.position) == ("entities.delta.json", "line 2")


def test_a_delta_is_never_read_as_a_full_snapshot() -> None:
    with pytest.raises(ParseError, match="not the whole list"):
        list(FtmDelta().parse([delta_file(VERSIONS[0])]))
    assert FtmDelta.delta and not get_format("ftm-json").delta
    with pytest.raises(InputError, match="full snapshots"):
        list(get_format("ftm-json").parse_delta([delta_file(VERSIONS[0])]))
