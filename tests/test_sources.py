"""The catalogue of real sources, and `init`: every entry's format reads a real file of
that publication (or of that format), and what `init` writes loads and checks."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from monitor.catalogue import CATALOGUE, DEFAULT_INIT, catalogue_ids
from monitor.cli import _load_commands, cli
from monitor.config import load_config
from monitor.formats import format_kinds
from tests.conftest import Cli, realdata

# Catalogue entry -> (a real file of that publication or format, in ../shared/realdata,
# and whether it is a whole publication whose size must fit the entry's envelope).
REAL = {
    "us-ofac-sdn": ("ofac-sdn/2024-05-03T1843Z/sdn.csv.gz", True),
    "us-ofac-sdn-advanced": ("ofac-consolidated/2021-06-03/cons.xml.gz", False),
    "us-ofac-cons": ("ofac-consolidated/2025-12-19_moov/cons_prim.csv", True),
    "us-csl": ("trade-gov-csl/2022-05-06_moov/consolidated.csv.gz", True),
    "un-sc": ("un-consolidated/2026-02-27/UN_consolidated.xml.gz", True),
    "eu-fsf": ("eu-fsf/2020-04-15_excerpt/sample_eu_sanctions.xml", False),
    "uk-hmt": ("uk-hmt-conlist/2020-04-27/sample_hmt.csv.gz", True),
    "ca-sema": ("opensanctions/t1/entities.ftm.json", False),
    "au-dfat": ("opensanctions/t1/entities.ftm.json", False),
    "ch-seco": ("opensanctions/t1/entities.ftm.json", False),
    "opensanctions": ("opensanctions/t1/entities.ftm.json", False),
    "opensanctions-delta": ("opensanctions/t2", False),
}


def test_every_entry_is_tested_and_the_issue_s_publishers_are_there() -> None:
    assert set(REAL) == set(catalogue_ids())
    for wanted in ("us-ofac-sdn", "us-ofac-cons", "us-csl", "un-sc", "eu-fsf", "uk-hmt"):
        assert wanted in catalogue_ids()
    for item in CATALOGUE:
        assert item.format in format_kinds(), item.id
        assert item.files and item.page.startswith("https://")
        assert 0 < item.min_records < item.max_records


def test_sources_lists_them_as_text_and_json() -> None:
    _load_commands()
    runner = CliRunner()
    text = runner.invoke(cli, ["sources"], catch_exceptions=False).output
    data = json.loads(runner.invoke(cli, ["sources", "--format", "json"]).output)
    assert [d["id"] for d in data] == catalogue_ids()
    for item in CATALOGUE:
        assert f"{item.id}: {item.title}" in text
        assert item.files[0] in text


def test_init_writes_a_configuration_that_loads(tmp_path: Path) -> None:
    _load_commands()
    target = tmp_path / "etc" / "monitor.yml"
    runner = CliRunner()
    result = runner.invoke(cli, ["init", "--output", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    config = load_config(target)
    assert [item.id for item in config.lists] == list(DEFAULT_INIT)
    assert all(item.schedule is not None and item.source for item in config.lists)
    again = runner.invoke(cli, ["init", "--output", str(target)])
    assert again.exit_code == 1 and "--force" in again.output
    unknown = runner.invoke(cli, ["init", "--output", str(target), "--source", "xx", "--force"])
    assert unknown.exit_code == 1 and "known sources: us-ofac-sdn" in unknown.output


def test_init_writes_to_the_user_config_dir_where_discovery_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _load_commands()
    result = CliRunner().invoke(cli, ["init", "--source", "un-sc"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert [item.id for item in load_config(None).lists] == ["un-sc"]


def _local_copy(relative: str, folder: Path) -> Path:
    path = realdata(*relative.split("/"))
    if path.is_dir():
        shutil.copytree(path, folder / path.name, ignore=shutil.ignore_patterns("delta.json"))
        return folder / path.name
    target = folder / path.name.removesuffix(".gz")
    data = path.read_bytes()
    target.write_bytes(gzip.decompress(data) if path.name.endswith(".gz") else data)
    return target


@pytest.mark.realdata
@pytest.mark.parametrize("source_id", sorted(REAL))
def test_an_init_entry_checks_a_real_file(source_id: str, tmp_path: Path) -> None:
    """`init --source ID`, pointed at a local copy of a real file, passes `check`."""
    relative, whole = REAL[source_id]
    local = _local_copy(relative, tmp_path)
    _load_commands()
    config_path = tmp_path / "monitor.yml"
    written = CliRunner().invoke(
        cli, ["init", "--source", source_id, "--output", str(config_path)], catch_exceptions=False
    )
    assert written.exit_code == 0, written.output
    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    (entry,) = data["lists"]
    entry["source"] = str(local)
    entry["fetch"]["settle"] = "0s"
    if not whole:  # a sample or another list of the same format: the envelope is not its own
        entry["expect"] = {"min_records": 1}
    data["archive"] = str(tmp_path / "archive")
    config_path.write_text(yaml.safe_dump(data), encoding="utf-8")

    result = Cli(f"sqlite:///{tmp_path / 'monitor.db'}", config_path)("check")

    assert result.exit_code == 0, result.output
    assert "baseline:" in result.output, result.output


def test_init_fetches_an_ofac_publication_as_its_whole_file_set(tmp_path: Path) -> None:
    """Names, addresses (hence countries), aliases and comments arrive as one version."""
    _load_commands()
    target = tmp_path / "monitor.yml"
    args = ["init", "--output", str(target), "--source", "us-ofac-sdn", "--source", "us-ofac-cons"]
    assert CliRunner().invoke(cli, args, catch_exceptions=False).exit_code == 0
    config = load_config(target)
    for item in config.lists:
        expected = next(s for s in CATALOGUE if s.id == item.id).files
        assert tuple(item.source or ()) == expected and len(expected) == 4
