"""CSL natural keys among same-name rows (issue 14.5), on rows of the real 2022 export.

Without the previous version's keys the parser keys twins by a stable order (the
row listed first keeps the plain key); told them (``Format.with_previous_keys``)
it also keeps a twin's refined key when the row holding the plain key goes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from monitor.files import SourceFile
from monitor.formats import Format, get_format
from monitor.names import fold
from tests.conftest import FIXTURES

REAL = FIXTURES / "generic" / "csl" / "2022-05-06" / "consolidated.csv"
PLAIN = "DPL:jfd international"


def real_rows() -> tuple[list[str], list[dict[str, str]]]:
    with REAL.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def keys(fmt: Format, rows: list[dict[str, str]], folder: Path) -> dict[str, str]:
    """Key -> address of every JFD INTERNATIONAL record of a file holding ``rows``."""
    header, _ = real_rows()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "consolidated.csv").write_text(out.getvalue(), encoding="utf-8")
    records = fmt.parse([SourceFile.from_path(folder / "consolidated.csv")])
    return {r.key: r.addresses[0] for r in records if r.key.startswith(PLAIN)}


@pytest.fixture
def twins() -> tuple[list[dict[str, str]], dict[str, str], dict[str, str]]:
    _, rows = real_rows()
    jfd = next(r for r in rows if r["name"] == "JFD INTERNATIONAL")
    rest = [r for r in rows if r is not jfd]
    # a real address of another row that sorts before JFD's own ('3370 MONROE STREET...')
    other = next(r["addresses"] for r in rows if r["addresses"][:1].isdigit() and r is not jfd)
    twin = {**jfd, "_id": "f" * 40, "addresses": other, "start_date": "2022-06-01"}
    return rest, jfd, twin


def test_the_row_listed_first_keeps_the_plain_key_in_any_order(
    twins: tuple[list[dict[str, str]], dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    rest, jfd, twin = twins
    fmt = get_format("csl-csv")
    before = keys(fmt, [*rest, jfd], tmp_path / "a")
    assert list(before) == [PLAIN]
    after = keys(fmt, [twin, *rest, jfd], tmp_path / "b")
    assert after[PLAIN] == before[PLAIN]  # the entry kept its key
    assert keys(fmt, [*rest, jfd, twin], tmp_path / "c") == after  # file order is no matter


def test_with_the_previous_keys_a_twin_keeps_its_key_when_the_entry_goes(
    twins: tuple[list[dict[str, str]], dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    rest, jfd, twin = twins
    fmt = get_format("csl-csv")
    both = keys(fmt, [*rest, jfd, twin], tmp_path / "a")
    (refined,) = [k for k in both if k != PLAIN]
    # without the previous keys the twin, now alone with its name, takes the plain key...
    assert list(keys(fmt, [*rest, twin], tmp_path / "b")) == [PLAIN]
    # ...with them it keeps its own, so only the entry that went is delisted
    told = fmt.with_previous_keys([*both, "EL:something else"])
    assert list(keys(told, [*rest, twin], tmp_path / "c")) == [refined]


def test_with_the_previous_keys_an_entry_keeps_the_plain_key_after_moving(
    twins: tuple[list[dict[str, str]], dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    """Same start dates: by address alone the twin would now come first."""
    rest, jfd, twin = twins
    twin = {**twin, "start_date": jfd["start_date"], "addresses": "ZZ STREET, ZUG, CH"}
    fmt = get_format("csl-csv")
    both = keys(fmt, [*rest, jfd, twin], tmp_path / "a")
    assert both[PLAIN] == jfd["addresses"]
    moved = {**jfd, "addresses": "ZZZ ROAD, ZURICH, CH"}
    assert keys(fmt, [*rest, moved, twin], tmp_path / "b")[PLAIN] == "ZZ STREET, ZUG, CH"
    told = fmt.with_previous_keys(both)
    assert keys(told, [*rest, moved, twin], tmp_path / "c")[PLAIN] == "ZZZ ROAD, ZURICH, CH"


def test_keys_stored_under_the_old_rule_do_not_move(
    twins: tuple[list[dict[str, str]], dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    """Before, every twin had a refined key: told those, both keep them."""
    rest, jfd, twin = twins
    fmt = get_format("csl-csv")
    new_rule = keys(fmt, [*rest, jfd, twin], tmp_path / "a")
    old_rule = {f"{PLAIN}|{fold(address)}" for address in new_rule.values()}
    told = fmt.with_previous_keys(old_rule)
    assert set(keys(told, [*rest, jfd, twin], tmp_path / "b")) == old_rule


def test_formats_with_stable_keys_ignore_previous_keys() -> None:
    fmt = get_format("un-xml")
    assert fmt.with_previous_keys(["1", "2"]) is fmt


def test_through_the_pipeline_only_the_row_that_went_is_delisted(
    twins: tuple[list[dict[str, str]], dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    """The pipeline tells the parser the stored keys: a twin that stays keeps its key."""
    from monitor.config import Config, ListConfig
    from monitor.ingest.pipeline import IngestRequest, ingest
    from monitor.store import Store, open_engine
    from tests.safety.helpers import NOW

    rest, jfd, twin = twins
    store = Store(open_engine(f"sqlite:///{tmp_path / 'm.db'}"))
    config = Config(archive=tmp_path / "archive")
    both = keys(get_format("csl-csv"), [*rest, jfd, twin], tmp_path / "2022-06-01T0000Z")
    keys(get_format("csl-csv"), [*rest, twin], tmp_path / "2022-06-02T0000Z")
    results = []
    for stamp in ("2022-06-01T0000Z", "2022-06-02T0000Z"):
        request = IngestRequest(
            list_config=ListConfig(id="us-csl", format="csl-csv"),
            paths=[tmp_path / stamp / "consolidated.csv"],
        )
        results.append(ingest(store, config, request, now=NOW))
    assert [r.status for r in results] == ["baseline", "applied"]
    [event] = results[1].events
    assert (event.kind, event.key) == ("delisted", PLAIN)
    assert set(both) == {PLAIN, *(k for k in both if k != PLAIN)}
