"""Hostile files other than XML entities: bombs, huge fields, NUL bytes, names that escape.

Memory-hungry samples are parsed in a child process with a capped address
space (:mod:`tests.safety.bounded`); the others run through the real pipeline
on SQLite and PostgreSQL (PostgreSQL refuses NUL in text, SQLite does not).
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
import zlib
from pathlib import Path

import pytest

from monitor.archive.write import safe_file_name, store_snapshot
from monitor.config import Config, ListConfig, validate_list_id
from monitor.errors import ConfigError, InputError
from monitor.files import SourceFile
from monitor.formats import _zip as archives
from monitor.formats import get_format
from monitor.store import Store, open_engine
from tests.conftest import SNAPSHOTS, Cli, realdata, write_config
from tests.safety.bounded import parse_bounded
from tests.safety.helpers import NOW, current_state, fingerprint, plain_bytes, run, write

OFAC_ROW = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
ENHANCED_ROOT = (
    b'<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/'
    b'PublicationPreview/exports/ENHANCED_XML">'
)


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(open_engine(db_url))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(archive=tmp_path / "archive")


def gzip_of_zeros(path: Path, size: int) -> Path:
    """A small gzip file that expands to ``size`` NUL bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb", compresslevel=1) as out:
        block = bytes(1 << 20)
        for _ in range(size >> 20):
            out.write(block)
    return path


def zip_of(path: Path, members: dict[str, bytes], *, declared: int | None = None) -> Path:
    """A ZIP with these members; ``declared`` overwrites the size the directory claims."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
    data = buffer.getvalue()
    if declared is not None:
        data = _lie_about_size(data, declared)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _lie_about_size(data: bytes, size: int) -> bytes:
    """Patch the uncompressed size in the local header and the central directory."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    out[local + 22 : local + 26] = size.to_bytes(4, "little")
    central = out.find(b"PK\x01\x02")
    out[central + 24 : central + 28] = size.to_bytes(4, "little")
    return bytes(out)


def test_a_gzip_bomb_is_refused_before_any_parser_with_bounded_memory(
    store: Store, config: Config, tmp_path: Path
) -> None:
    bomb = gzip_of_zeros(tmp_path / "2024-01-01" / "sdn.csv.gz", (512 << 20) + (1 << 20))
    assert bomb.stat().st_size < 3 << 20
    with pytest.raises(InputError, match=r"expands to more than 512 MiB \(536870912 bytes\)"):
        run(store, config, bomb)
    assert fingerprint(store)["snapshots"] == []


def test_a_zip_bomb_and_a_lying_zip_are_refused_by_the_format_that_reads_zips(
    tmp_path: Path,
) -> None:
    body = ENHANCED_ROOT + b" " * (40 << 20) + b"</sanctionsData>"
    honest = zip_of(tmp_path / "honest" / "CONS_ENHANCED.ZIP", {"CONS_ENHANCED.XML": body})
    lying = zip_of(
        tmp_path / "lying" / "CONS_ENHANCED.ZIP", {"CONS_ENHANCED.XML": body}, declared=1000
    )
    huge = zip_of(
        tmp_path / "huge" / "CONS_ENHANCED.ZIP", {"CONS_ENHANCED.XML": b"x"}, declared=2**32 - 1
    )
    report = parse_bounded([("ofac-enhanced-xml", [p]) for p in (honest, lying, huge)], tmp_path)
    outcomes = [(r["outcome"], r["error"]) for r in report["results"]]
    assert all(outcome == "error" for outcome, _ in outcomes), report["results"]
    assert report["results"][2]["message"].endswith(
        "would expand to 4294967295 bytes, more than 512 MiB (536870912 bytes), the limit for "
        "one decompressed file (a decompression bomb?); if the list really is that large, "
        "raise lists[].max_file_size (or max_file_size) in the configuration"
    )
    assert report["peak_mb"] < 400
    assert all(r["seconds"] < 10 for r in report["results"])


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/x", "/etc/passwd", "..\\..\\windows\\x", "C:\\x.xml", "a/../../b"]
)
def test_zip_members_that_escape_are_refused(tmp_path: Path, name: str) -> None:
    path = zip_of(tmp_path / "CONS_ENHANCED.ZIP", {name: ENHANCED_ROOT + b"</sanctionsData>"})
    with (
        pytest.raises(InputError, match="unsafe path"),
        archives.open_single_member(SourceFile.from_path(path)),
    ):
        pass
    assert not (tmp_path.parent / "etc").exists()


def test_a_zip_with_too_many_members_is_refused(tmp_path: Path) -> None:
    members = {f"part{i}.xml": b"<x/>" for i in range(archives.DEFAULT_MAX_MEMBERS + 1)}
    path = zip_of(tmp_path / "CONS_ENHANCED.ZIP", members)
    with (
        pytest.raises(InputError, match="more than the limit of 16"),
        archives.open_single_member(SourceFile.from_path(path)),
    ):
        pass


@pytest.mark.parametrize("list_id", ["../escape", "..", "a/../b", "/abs", ".hidden", "A B", ""])
def test_list_ids_that_would_escape_the_archive_are_refused(tmp_path: Path, list_id: str) -> None:
    with pytest.raises(ConfigError, match="is not valid"):
        validate_list_id(list_id)
    real = tmp_path / "in" / "2024-01-01" / "sdn.csv"
    write(real.parent, "sdn.csv", OFAC_ROW)
    with pytest.raises(ConfigError):
        store_snapshot(tmp_path / "archive", list_id, NOW, [SourceFile.from_path(real)])
    assert not (tmp_path / "escape").exists() and not (tmp_path / "archive").exists()


def test_the_cli_refuses_an_escaping_list_id_in_one_line(tmp_path: Path) -> None:
    real = write(tmp_path / "in" / "2024-01-01", "sdn.csv", OFAC_ROW)
    cli = Cli(f"sqlite:///{tmp_path / 'm.db'}", write_config(tmp_path, tmp_path / "archive"))
    result = cli("ingest", str(real), "--list", "../../tmp/x")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: list id '../../tmp/x' is not valid")
    assert not (tmp_path / "archive").exists()


@pytest.mark.parametrize("name", ["../x.csv", "a/b.csv", ".hidden", "x\\y.csv", "x\0y", ""])
def test_file_names_that_would_escape_the_archive_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="is not allowed in the archive"):
        safe_file_name(name)
    real = write(tmp_path / "in", "sdn.csv", OFAC_ROW)
    with pytest.raises(InputError):
        store_snapshot(tmp_path / "archive", "x", NOW, [SourceFile(path=real, name=name)])
    assert [p.name for p in (tmp_path / "archive" / "x").iterdir()] == []


def test_csv_with_a_huge_field_is_an_error_in_bounded_memory(tmp_path: Path) -> None:
    jobs = []
    for kind, data in {
        "ofac-csv": b'36,"'
        + b"A" * (50 << 20)
        + b'",-0- ,CUBA,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n',
        "csl-csv": b"source,entity_number,name,addresses,start_date\nX,1,"
        + b"B" * (50 << 20)
        + b",,\n",
        "bis-dpl": b"Name\tStreet_Address\tCity\n" + b"C" * (50 << 20) + b"\t\t\n",
    }.items():
        jobs.append((kind, [write(tmp_path / kind, "list.txt", data)]))
    report = parse_bounded(jobs, tmp_path)
    for result in report["results"]:
        assert (result["outcome"], result["error"]) == ("error", "ParseError"), result
        assert result["seconds"] < 10
    assert report["peak_mb"] < 900


def test_nul_bytes_in_a_csv_are_rejected_on_every_database(
    store: Store, config: Config, tmp_path: Path
) -> None:
    real = plain_bytes(realdata("ofac-consolidated", "2025-12-19_moov", "cons_prim.csv"))
    assert (
        run(
            store,
            config,
            write(tmp_path / "2025-12-19", "cons_prim.csv", real),
            list_id="us-ofac-cons",
        ).status
        == "baseline"
    )
    before = fingerprint(store)
    first = real.split(b",", 2)
    poisoned = first[0] + b"," + first[1][:4] + b"\x00" + first[1][4:] + b"," + first[2]
    result = run(
        store,
        config,
        write(tmp_path / "2025-12-20", "cons_prim.csv", poisoned),
        list_id="us-ofac-cons",
    )
    key = first[0].decode()
    assert (result.status, result.message) == (
        "rejected",
        f"entry {key!r}: a NUL character in the data (a corrupt file?)",
    )
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    ("escape", "message"),
    [
        ("\\u0000", "a NUL character in the data (a corrupt file?)"),
        ("\\ud800", "text that is not valid Unicode (a lone surrogate escape)"),
    ],
)
def test_json_escapes_no_database_can_store_are_rejected(
    store: Store, config: Config, tmp_path: Path, escape: str, message: str
) -> None:
    row = {
        "source": "Entity List (EL) - Bureau of Industry and Security",
        "entity_number": "",
        "name": "ACME",
        "addresses": "",
        "start_date": "2020-01-01",
    }
    text = json.dumps([row]).replace("ACME", f"AC{escape}ME")
    path = write(tmp_path / "2024-01-01", "consolidated.json", text.encode())
    result = run(
        store,
        config,
        path,
        list_config=ListConfig(id="us-csl", format="csl-json"),
        input_format="csl-json",
    )
    assert result.status == "rejected"
    assert result.message.startswith("entry 'EL:ac") and result.message.endswith(f": {message}")
    assert fingerprint(store)["versions"] == []


def test_deeply_nested_json_is_a_parse_error(tmp_path: Path) -> None:
    deep = write(
        tmp_path, "consolidated.json", b'{"results":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    )
    report = parse_bounded([("csl-json", [deep])], tmp_path)
    assert report["results"][0]["outcome"] == "error", report["results"][0]


def test_an_element_flood_in_a_small_gzip_stays_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "2024-01-01" / "sdn.xml.gz"
    path.parent.mkdir(parents=True)
    with gzip.open(path, "wb") as out:
        out.write(b'<?xml version="1.0"?>\n<sdnList xmlns="http://tempuri.org/sdnList.xsd">')
        for _ in range(3):
            out.write(b"<x/>" * 1_000_000)
        out.write(b"<sdnEntry><uid>1</uid><lastName>A</lastName><sdnType>Entity</sdnType>")
        out.write(b"</sdnEntry></sdnList>")
    assert path.stat().st_size < 100_000
    report = parse_bounded([("ofac-xml", [path])], tmp_path)
    assert report["results"][0]["outcome"] in ("parsed", "error")
    assert report["peak_mb"] < 220, report["peak_mb"]


def test_zlib_is_what_the_bombs_use() -> None:
    """Sanity check of the samples: they are small on disk and large when read."""
    data = zlib.compress(bytes(10 << 20))
    assert len(data) < 20_000


def test_a_real_csl_key_longer_than_the_key_column_is_stored_on_every_database(
    store: Store, config: Config, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Real 2022 CSL rows whose natural key (list, name and address) exceeds 500 characters."""
    shipped = SNAPSHOTS / "us-csl" / "2022-05-06T0000Z" / "consolidated.csv.gz"
    records = get_format("csl-csv").parse([SourceFile.from_path(shipped)])
    long_names = {r.name for r in records if len(r.key) > 500}
    assert long_names
    header, *rows = gzip.decompress(shipped.read_bytes()).decode("utf-8").splitlines(True)
    picked = [row for row in rows if any(name in row for name in long_names)]
    path = write(tmp_path / "2022-05-06", "consolidated.csv", (header + "".join(picked)).encode())
    result = run(store, config, path, list_id="us-csl")
    assert result.status == "baseline"
    assert max(len(key) for key in current_state(store, "us-csl")) > 500
