"""A source of several files (OFAC's sdn.csv, add.csv, alt.csv, sdn_comments.csv) is one version.

Served over loopback HTTP from the real OFAC SDN file set of 2021-07-07: each file is
asked with its own ETag, a version whose files all answer 304 is not modified, one whose
files partly changed is the set as the server has it now, and one failing file fails the
whole version, leaving the last good state current.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.store import Store, open_engine
from monitor.store import schema as t
from tests.conftest import Cli, realdata
from tests.service.conftest import Publisher, etag_of, service_config
from tests.service.helpers import snapshot

NAMES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
# The last entries of the real sdn.csv, left out of the first version: DJIBO has two
# addresses (Mali, Niger) and two aliases in add.csv and alt.csv.
NEW_ENTRIES = ("32277", "32391")


def _read(folder: Path, name: str) -> bytes:
    plain = folder / name
    if plain.exists():
        return plain.read_bytes()
    return gzip.decompress((folder / f"{name}.gz").read_bytes())


def _without(body: bytes, keys: tuple[str, ...]) -> bytes:
    """The file without the rows of these entries (each row starts with its ent_num)."""
    lines = body.split(b"\r\n")
    kept = [line for line in lines if not line.startswith(tuple(f"{k},".encode() for k in keys))]
    return b"\r\n".join(kept)


@pytest.fixture(scope="module")
def file_sets() -> dict[str, dict[str, bytes]]:
    """The real four-file set ("v2") and the same set without two entries ("v1")."""
    folder = realdata("ofac-sdn", "2021-07-07_moov-bench")
    v2 = {name: _read(folder, name) for name in NAMES}
    v1 = {name: _without(body, NEW_ENTRIES) for name, body in v2.items()}
    assert v1["sdn.csv"] != v2["sdn.csv"] and v1["add.csv"] != v2["add.csv"]
    assert v1["sdn_comments.csv"] == v2["sdn_comments.csv"]
    return {"v1": v1, "v2": v2}


def _source(publisher: Publisher) -> str:
    return "[" + ", ".join(publisher.file_url(name) for name in NAMES) + "]"


def _rows(url: str, column: t.Column, key: str) -> list[object]:
    store = Store(open_engine(url))
    try:
        with store.read() as connection:
            table = column.table
            return list(
                connection.execute(select(column).where(table.c.key == key)).scalars()  # type: ignore[attr-defined]
            )
    finally:
        store.engine.dispose()


def test_a_four_file_set_is_one_version_asked_per_file(
    tmp_path: Path,
    sqlite_url: str,
    publisher: Publisher,
    file_sets: dict[str, dict[str, bytes]],
) -> None:
    publisher.files = dict(file_sets["v1"])
    cli = Cli(sqlite_url, service_config(tmp_path, _source(publisher)))

    baseline = cli("check")
    assert baseline.exit_code == 0, baseline.output
    assert "baseline:" in baseline.output
    assert [r["path"] for r in publisher.requests] == [f"/downloads/{n}" for n in NAMES]
    assert all("If-None-Match" not in r for r in publisher.requests)

    publisher.requests.clear()
    same = cli("check")
    assert same.exit_code == 0 and "not-modified" in same.output
    asked = {r["path"].rsplit("/", 1)[-1]: r.get("If-None-Match") for r in publisher.requests}
    assert asked == {name: etag_of(file_sets["v1"][name]) for name in NAMES}

    publisher.requests.clear()
    publisher.files = dict(file_sets["v2"])
    changed = cli("check")
    assert changed.exit_code == 0, changed.output
    assert "2 listed" in changed.output
    # sdn_comments.csv answered 304 and was downloaded again, unconditionally
    comments = [r for r in publisher.requests if r["path"].endswith("/sdn_comments.csv")]
    unchanged = etag_of(file_sets["v2"]["sdn_comments.csv"])
    assert [r.get("If-None-Match") for r in comments] == [unchanged, None]

    # the new entries carry what add.csv and alt.csv say about them
    assert _rows(sqlite_url, t.events.c.countries, "32391") == [["Mali", "Niger"]]
    record = json.loads(str(_rows(sqlite_url, t.entity_versions.c.record, "32391")[0]))
    assert "KOUNOU, Ousmane Illasou" in record["aliases"]
    archived = sorted(p.name for p in (tmp_path / "archive" / "us-ofac-sdn").glob("*/*.gz"))
    assert archived.count("alt.csv.gz") == 2 and archived.count("sdn_comments.csv.gz") == 2
    again = cli("check")
    assert "not-modified" in again.output


def test_an_empty_file_of_a_set_is_taken_as_published(
    tmp_path: Path, sqlite_url: str, publisher: Publisher, file_sets: dict[str, dict[str, bytes]]
) -> None:
    """OFAC ships an empty comments file when no remarks overflow: that is not a failed
    download (an empty entries file is still refused, by the parser)."""
    publisher.files = {**file_sets["v1"], "sdn_comments.csv": b""}
    cli = Cli(sqlite_url, service_config(tmp_path, _source(publisher)))

    result = cli("check")

    assert result.exit_code == 0, result.output
    assert "baseline:" in result.output


@pytest.mark.parametrize(("fault", "said"), [("status:404", "HTTP 404"), ("html", "HTML page")])
def test_one_failing_file_fails_the_whole_version(
    fault: str,
    said: str,
    tmp_path: Path,
    sqlite_url: str,
    publisher: Publisher,
    file_sets: dict[str, dict[str, bytes]],
) -> None:
    publisher.files = dict(file_sets["v1"])
    cli = Cli(sqlite_url, service_config(tmp_path, _source(publisher)))
    assert cli("check").exit_code == 0
    before = snapshot(sqlite_url)
    folders = sorted((tmp_path / "archive" / "us-ofac-sdn").iterdir())

    publisher.files = dict(file_sets["v2"])
    publisher.faults = ["ok", fault]  # sdn.csv answers, add.csv fails
    failed = cli("check")

    assert failed.exit_code == 1
    assert "add.csv" in failed.output and said in failed.output
    assert snapshot(sqlite_url) == before
    assert sorted((tmp_path / "archive" / "us-ofac-sdn").iterdir()) == folders
    status = json.loads(cli("status", "--format", "json").output)["lists"][0]
    assert status["last_outcome"] == "failed" and "add.csv" in status["last_error"]

    recovered = cli("check")  # nothing was remembered from the failed check
    assert recovered.exit_code == 0, recovered.output
    assert "2 listed" in recovered.output


def test_a_local_multi_file_source_is_taken_whole_when_one_file_changes(
    tmp_path: Path, sqlite_url: str, file_sets: dict[str, dict[str, bytes]]
) -> None:
    published = tmp_path / "published"
    published.mkdir()
    for name, body in file_sets["v1"].items():
        (published / name).write_bytes(body)
    source = "[" + ", ".join(str(published / name) for name in NAMES) + "]"
    cli = Cli(sqlite_url, service_config(tmp_path, source))

    first = cli("check")
    same = cli("check")
    for name in ("sdn.csv", "add.csv", "alt.csv"):
        staged = published / f".{name}.new"
        staged.write_bytes(file_sets["v2"][name])
        staged.replace(published / name)
    changed = cli("check")

    assert "baseline:" in first.output, first.output
    assert "not-modified" in same.output
    assert changed.exit_code == 0 and "2 listed" in changed.output, changed.output
    assert _rows(sqlite_url, t.events.c.countries, "32391") == [["Mali", "Niger"]]

    shutil.rmtree(published)
    gone = cli("check")
    assert gone.exit_code == 1 and "sdn.csv" in gone.output


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("[]", "list 'us-ofac-sdn': source is an empty list"),
        (
            "[https://example.org/sdn.csv, ftp://example.org/add.csv]",
            "list 'us-ofac-sdn': source 'ftp://example.org/add.csv' is not a supported source",
        ),
        (
            "[https://example.org/sdn.csv, /srv/ofac/add.csv]",
            "list 'us-ofac-sdn': source mixes URLs and local paths",
        ),
        (
            "[https://example.org/a/sdn.csv, https://example.org/b/sdn.csv]",
            "list 'us-ofac-sdn': source 'https://example.org/a/sdn.csv' has the same file name",
        ),
        ("[https://example.org/sdn.csv, {url: x}]", "source {'url': 'x'} is not a URL or a path"),
    ],
)
def test_a_bad_source_list_is_one_sentence_naming_the_file_and_list(
    source: str, said: str, tmp_path: Path
) -> None:
    path = service_config(tmp_path, source)

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    message = str(caught.value)
    assert said in message
    assert message.startswith(f"{path}: lists.0: ")
    assert "\n" not in message and "validation error" not in message
    assert "[type=" not in message


def test_the_shipped_configuration_fetches_the_complete_official_file_sets() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "config" / "monitor.yml")
    downloads = "https://www.treasury.gov/ofac/downloads/"
    assert config.list_config("us-ofac-sdn").sources == tuple(downloads + n for n in NAMES)
    cons = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
    assert config.list_config("us-ofac-cons").sources == tuple(
        f"{downloads}consolidated/{n}" for n in cons
    )
