"""The decompressed size limit per file is a setting: max_file_size, and per list.

A full OpenSanctions export is about 1 GB decompressed, more than the 512 MiB
default that guards against decompression bombs; the limit must be raisable for
that list alone, and a file over it must be refused in one line that names the
limit and the setting to change.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from monitor.catalogue import CATALOGUE, render_config
from monitor.config import Config, ListConfig, load_config
from monitor.errors import InputError
from monitor.files import DEFAULT_MAX_FILE_SIZE, SourceFile, max_file_size, size_limit
from monitor.formats import _zip as archives
from tests.conftest import Cli, realdata, write_config

SDN_VERSION = ("ofac-sdn", "2021-08-18T0939Z", "sdn.csv.gz")  # 2,036,213 bytes decompressed
OBSERVED = "2021-08-18T09:39:00+00:00"


def _ingest(tmp_path: Path, lists: str, *, top: str = "") -> tuple[int, str]:
    config = write_config(tmp_path, tmp_path / "archive", lists)
    if top:
        with config.open("a", encoding="utf-8") as handle:
            handle.write(top)
    cli = Cli(f"sqlite:///{tmp_path / 'monitor.db'}", config)
    result = cli("ingest", str(realdata(*SDN_VERSION)), "--list", "sdn", "--observed-at", OBSERVED)
    return result.exit_code, result.output


def test_a_file_over_the_list_limit_is_refused_in_one_line_naming_the_setting(
    tmp_path: Path,
) -> None:
    code, output = _ingest(tmp_path, "  - {id: sdn, format: ofac-csv, max_file_size: 1MB}")
    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "sdn.csv: expands to more than 1 MiB (1048576 bytes)" in lines[0]
    assert "raise lists[].max_file_size (or max_file_size) in the configuration" in lines[0]
    assert not (tmp_path / "archive" / "sdn").exists()  # refused before the archive


def test_the_global_limit_applies_and_a_list_setting_overrides_it(tmp_path: Path) -> None:
    small = tmp_path / "global"
    small.mkdir()
    code, output = _ingest(small, "  - {id: sdn, format: ofac-csv}", top="max_file_size: 1MB\n")
    assert code == 1 and "more than 1 MiB" in output
    raised = tmp_path / "raised"
    raised.mkdir()
    code, output = _ingest(
        raised, "  - {id: sdn, format: ofac-csv, max_file_size: 8MB}", top="max_file_size: 1MB\n"
    )
    assert code == 0, output
    assert "baseline: 9083 entries" in output


def test_the_setting_reads_sizes_and_refuses_nonsense() -> None:
    config = Config.model_validate(
        {"max_file_size": "2GB", "lists": [{"id": "a"}, {"id": "b", "max_file_size": "4GiB"}]}
    )
    assert config.file_size_limit(config.lists[0]) == 2 << 30
    assert config.file_size_limit(config.lists[1]) == 4 << 30
    assert Config().file_size_limit(ListConfig(id="c")) == DEFAULT_MAX_FILE_SIZE == 512 << 20
    with pytest.raises(ValueError, match="is not a size"):
        Config.model_validate({"max_file_size": "a lot"})
    with pytest.raises(ValueError):
        ListConfig(id="d", max_file_size=0)


def test_a_zip_member_is_read_under_the_limit_in_force(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LIST.XML", b"<a>" + b" " * (3 << 20) + b"</a>")
    path = tmp_path / "LIST.ZIP"
    path.write_bytes(buffer.getvalue())
    source = SourceFile.from_path(path)
    with (
        size_limit(2 << 20),
        pytest.raises(InputError, match=r"max_file_size"),
        archives.open_single_member(source) as member,
    ):
        member.read()
    with size_limit(4 << 20), archives.open_single_member(source) as member:
        assert len(member.read()) == (3 << 20) + 7
    assert max_file_size() == DEFAULT_MAX_FILE_SIZE  # the block's limit ends with it


def test_the_catalogue_raises_the_limit_where_its_downloads_may_be_larger(
    tmp_path: Path,
) -> None:
    large = [s for s in CATALOGUE if s.max_size != "512MB"]
    assert any(s.id == "opensanctions" for s in large)
    text = render_config(large)
    assert text.count("max_file_size:") == len(large)
    path = tmp_path / "monitor.yml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    limits = {item.id: config.file_size_limit(item) for item in config.lists}
    assert limits["opensanctions"] == 4 << 30
    assert "max_file_size" not in render_config([s for s in CATALOGUE if s not in large])


def test_a_held_version_is_previewed_under_its_list_limit(tmp_path: Path) -> None:
    """The quarantine preview reads a held version as its apply would: a ZIP member under
    the list's limit, so a list allowed larger files can be previewed, and its limit holds."""
    from datetime import UTC, datetime

    from monitor.service.preview import preview
    from monitor.service.quarantine import Held
    from monitor.store import Store, open_engine

    path = realdata("ofac-consolidated", "2025-01-14_moov", "CONS_ENHANCED.ZIP")  # 3.3 MiB XML
    held = Held(
        id=1,
        list_id="cons",
        status="quarantined",
        sha256="",
        observed_at=datetime(2025, 1, 14, tzinfo=UTC),
        record_count=None,
        message="",
        format="ofac-enhanced-xml",
        source_uri=str(path),
        files=[{"name": path.name, "path": str(path)}],
    )
    store = Store(open_engine(f"sqlite:///{tmp_path / 'monitor.db'}"))

    def config(limit: str) -> Config:
        return Config(
            max_file_size="1MB",
            lists=(ListConfig(id="cons", format="ofac-enhanced-xml", max_file_size=limit),),
        )

    assert "more than 2 MiB (2097152 bytes), the limit" in preview(store, config("2MB"), held).error
    assert preview(store, config("4MB"), held).error == ""
