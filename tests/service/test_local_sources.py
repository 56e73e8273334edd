"""Sources on disk: a drop folder where new versions appear, and a file replaced in place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import Cli
from tests.service.conftest import ADDED_IN_V2, V1, V2, service_config
from tests.service.helpers import listed_names


def test_each_new_entry_of_a_drop_folder_is_one_snapshot_taken_once(
    tmp_path: Path, seeded_sqlite: str, versions: dict[str, Path]
) -> None:
    drop = tmp_path / "drop"
    (drop / V2).mkdir(parents=True)
    shutil.copyfile(versions[V2], drop / V2 / "sdn.csv")
    (drop / ".incoming-sdn.csv").write_text("half a file", encoding="utf-8")
    cli = Cli(seeded_sqlite, service_config(tmp_path, str(drop)))

    first = cli("check")
    second = cli("check")

    assert first.exit_code == 0, first.output
    assert "us-ofac-sdn @ 2021-12-17T18:49:00Z: 1 listed" in first.output
    assert "not-modified" in second.output
    assert listed_names(seeded_sqlite) == [ADDED_IN_V2]


def test_an_older_version_dropped_late_is_refused_and_not_retried(
    tmp_path: Path, seeded_sqlite: str, versions: dict[str, Path]
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copyfile(versions[V1], drop / "sdn-2021-12-01.csv")
    cli = Cli(seeded_sqlite, service_config(tmp_path, str(drop)))

    refused = cli("check")
    later = cli("check")

    assert refused.exit_code == 1
    assert "older than the current state" in refused.output
    assert "not-modified" in later.output
    status = json.loads(cli("status", "--format", "json").output)["lists"][0]
    assert status["last_outcome"] == "not-modified"


def test_a_file_replaced_in_place_is_taken_when_it_changes(
    tmp_path: Path, seeded_sqlite: str, versions: dict[str, Path]
) -> None:
    source = tmp_path / "published" / "sdn.csv"
    source.parent.mkdir()
    shutil.copyfile(versions[V1], source)
    cli = Cli(seeded_sqlite, service_config(tmp_path, str(source)))

    same = cli("check")
    shutil.copyfile(versions[V2], source.with_name("sdn.csv.new"))
    source.with_name("sdn.csv.new").replace(source)
    changed = cli("check")
    again = cli("check")

    assert "unchanged" in same.output
    assert changed.exit_code == 0 and "1 listed" in changed.output
    assert "not-modified" in again.output
    assert listed_names(seeded_sqlite) == [ADDED_IN_V2]
