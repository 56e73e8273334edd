"""OpenSanctions FollowTheMoney entities: ids as keys, referents kept, observations never dates."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ParseError
from monitor.files import SourceFile
from monitor.formats import detect_format
from monitor.formats.ftm_json import FtmJson, former_keys
from monitor.records import Record
from tests.conftest import FIXTURES

T1 = FIXTURES / "opensanctions" / "t1" / "entities.ftm.json"


def raw_entities(path: Path = T1) -> list[dict[str, Any]]:
    """The file read with the json module only, independent of the parser."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def parse(path: Path = T1) -> dict[str, Record]:
    return {r.key: r for r in FtmJson().parse([SourceFile.from_path(path)])}


def test_one_record_per_target_keyed_by_the_entity_id() -> None:
    entities = raw_entities()
    records = parse()
    assert sorted(records) == sorted(e["id"] for e in entities if e["target"])
    assert len(entities) == 7 and len(records) == 6  # the Address entity is not a listed party


def test_names_types_countries_and_topics() -> None:
    by_id = {e["id"]: e for e in raw_entities()}
    for key, record in parse().items():
        entity = by_id[key]
        props = entity["properties"]
        assert record.name == entity["caption"]
        assert set(record.aliases) == set(props["name"]) - {entity["caption"]}
        expected = {"Person": "individual", "Organization": "entity"}[entity["schema"]]
        assert record.entry_type == expected
        countries = props.get("country", []) + props.get("nationality", [])
        assert set(record.countries) == {c.upper() for c in countries}
        assert "sanction" in record.programs
    kuzmenko = parse()["NK-2Ka3UvopqbpZmVDFjWd4LA"]
    assert [(i.type, i.value) for i in kuzmenko.identifiers] == [("Tax Number", "366510784303")]
    assert kuzmenko.birth_dates == ("1971-01-22",)


def test_referents_are_kept_as_former_keys() -> None:
    by_id = {e["id"]: e for e in raw_entities()}
    for key, record in parse().items():
        assert set(former_keys(record)) == set(by_id[key]["referents"])
    assert "ofac-32733" in former_keys(parse()["NK-2GdmHtZTeNXjNVrBGEXZNj"])


def test_observations_are_extra_never_the_effective_date() -> None:
    by_id = {e["id"]: e for e in raw_entities()}
    for key, record in parse().items():
        entity = by_id[key]
        extra = dict(record.extra)
        assert extra["first_seen"] == entity["first_seen"]
        assert extra["last_change"] == entity["last_change"]
        assert record.effective_date == min(entity["properties"]["createdAt"])
        assert record.effective_date not in (entity["first_seen"][:10], entity["last_change"][:10])
        # last_seen moves on every export: keeping it would make every entity "modified" daily
        assert entity["last_seen"] not in record.to_json()


def test_a_new_last_seen_alone_changes_no_record(tmp_path: Path) -> None:
    lines = T1.read_text(encoding="utf-8").replace("2024-06-01T10:57:03", "2024-06-02T04:00:00")
    later = tmp_path / "entities.ftm.json"
    later.write_text(lines, encoding="utf-8")
    before = {k: r.content_hash() for k, r in parse().items()}
    assert {k: r.content_hash() for k, r in parse(later).items()} == before


def test_keys_and_hashes_are_stable_and_gzip_reads_the_same(tmp_path: Path) -> None:
    packed = tmp_path / "entities.ftm.json.gz"
    packed.write_bytes(gzip.compress(T1.read_bytes()))
    first = [(r.key, r.content_hash()) for r in parse().values()]
    assert [(r.key, r.content_hash()) for r in parse().values()] == first
    assert [(r.key, r.content_hash()) for r in parse(packed).values()] == first


def test_detected_by_content() -> None:
    assert detect_format([SourceFile.from_path(T1)]).kind == "ftm-json"


def test_published_at_is_the_version_id_in_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "20240527194702-wnk"
    folder.mkdir()
    shutil.copy(T1, folder / "entities.ftm.json")
    fmt = FtmJson()
    stamped = fmt.published_at([SourceFile.from_path(folder / "entities.ftm.json")])
    assert stamped == datetime(2024, 5, 27, 19, 47, 2, tzinfo=UTC)
    assert fmt.published_at([SourceFile.from_path(T1)]) is None


def write_lines(tmp_path: Path, lines: list[str]) -> SourceFile:
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return SourceFile.from_path(path)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"id": "x", "schema": "Person", "properties": {', "not a JSON line"),
        ('["not", "an", "entity"]', "must be a JSON object"),
        ('{"schema": "Person", "target": true, "properties": {}}', "without an 'id'"),
        ('{"id": "x", "target": true, "properties": {"name": 5}}', "list of strings"),
    ],
)
def test_a_bad_line_is_a_parse_error_with_its_number(
    tmp_path: Path, bad: str, message: str
) -> None:
    good = T1.read_text(encoding="utf-8").splitlines()[:2]
    source = write_lines(tmp_path, [*good, bad])
    with pytest.raises(ParseError, match=message) as caught:
        list(FtmJson().parse([source]))
    assert caught.value.file == "entities.ftm.json"
    assert caught.value.position == "line 3"


def test_a_repeated_id_and_a_file_without_targets_are_refused(tmp_path: Path) -> None:
    first = T1.read_text(encoding="utf-8").splitlines()[0]
    with pytest.raises(ParseError, match="appears twice"):
        list(FtmJson().parse([write_lines(tmp_path, [first, first])]))
    address = T1.read_text(encoding="utf-8").splitlines()[3]
    assert '"schema":"Address"' in address
    with pytest.raises(ParseError, match="no listed entities"):
        list(FtmJson().parse([write_lines(tmp_path, [address])]))


def test_without_a_target_flag_the_schema_decides(tmp_path: Path) -> None:
    entities = raw_entities()
    for entity in entities:
        entity.pop("target")
    source = write_lines(tmp_path, [json.dumps(e) for e in entities])
    keys = {r.key for r in FtmJson().parse([source])}
    assert keys == {e["id"] for e in entities if e["schema"] != "Address"}
