"""Finding archived versions: versions_between runs before every version a list takes in."""

from __future__ import annotations

from pathlib import Path

from monitor.archive import discover
from monitor.dates import date_from_path
from tests.conftest import copy_shipped


def test_a_replay_reads_the_date_of_each_archived_folder_name_once(tmp_path: Path) -> None:
    """Asked before each of the shipped SDN versions in turn (as a replay does), it finds
    what the folder names say, and parses each name's date once, not once per version."""
    archive = copy_shipped(tmp_path / "archive")
    folders = sorted((archive / "us-ofac-sdn").iterdir())
    dates = [date_from_path([folder]) for folder in folders]
    assert len(folders) > 10 and all(dates)
    discover._folder_date.cache_clear()
    for i in range(1, len(folders)):
        found = discover.versions_between(
            archive, "us-ofac-sdn", after=dates[i - 1], before=dates[i]
        )
        assert [v.folder for v in found] == [folders[i - 1]]  # the folder of `after` itself
        assert found[0].files == sorted(folders[i - 1].iterdir())
    assert discover._folder_date.cache_info().misses == len(folders)
