"""The shipped demo archive holds complete versions only, and its decisions are about them.

An incomplete OFAC file set (cons_prim.csv and cons_add.csv without cons_alt.csv)
was once shipped: every entry lost its aliases and dozens of alias-only phantom
changes appeared in the demo. So each shipped version folder must hold every
file role its format declares, each once, and nothing the format cannot place;
and an operator decision shipped beside a version must be about that very
content, or replay would silently stop applying it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.files import SourceFile, snapshot_digest
from monitor.formats import detect_format
from monitor.ingest import guards
from tests.conftest import ROOT, SHIPPED_FILES, realdata

# The shipped SDN history (December 2021) is a git scrape of sdn.csv alone: no add.csv,
# alt.csv or sdn_comments.csv of those days exists in the real data set, and every one
# of its versions has the same single role, so none lacks what the one before it had.
# Its versions must be exactly that, never a partial set; no other list may be partial.
PRIMARY_ONLY_HISTORY = {"us-ofac-sdn": frozenset({"primary"})}

VERSIONS = sorted({ROOT / path.parent for path in SHIPPED_FILES})


def list_files(folder: Path) -> list[SourceFile]:
    """The list's files of one version folder (an operator decision is not one of them)."""
    names = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "_")))
    return [SourceFile.from_path(p) for p in names]


def role_problems(files: list[SourceFile]) -> tuple[set[str], list[str]]:
    """(the roles the files play, what is wrong with the set) for the format they are in."""
    fmt = detect_format(files)
    if not fmt.roles:
        one = [] if len(files) == 1 else [f"{fmt.kind} reads one file, found {len(files)}"]
        return set(), one
    played = fmt.file_roles(files)
    problems = [f"{f.name} plays no {fmt.kind} role" for f in files if f.name not in played]
    roles = list(played.values())
    problems += [f"role {r!r} is played twice" for r in sorted(set(roles)) if roles.count(r) > 1]
    return set(roles), problems


def missing_roles(files: list[SourceFile], list_id: str) -> set[str]:
    fmt = detect_format(files)
    expected = PRIMARY_ONLY_HISTORY.get(list_id, frozenset(fmt.roles))
    played, _ = role_problems(files)
    return set(expected) - played


def test_the_manifest_names_every_list_and_files_that_exist() -> None:
    assert {p.parts[1] for p in SHIPPED_FILES} == {"us-csl", "us-ofac-cons", "us-ofac-sdn"}
    assert all((ROOT / p).is_file() for p in SHIPPED_FILES)
    assert len(VERSIONS) == 17


@pytest.mark.parametrize("folder", VERSIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_version_is_a_complete_file_set(folder: Path) -> None:
    files = list_files(folder)
    played, problems = role_problems(files)
    assert problems == [], folder
    assert missing_roles(files, folder.parent.name) == set(), folder
    if folder.parent.name in PRIMARY_ONLY_HISTORY:
        assert played == PRIMARY_ONLY_HISTORY[folder.parent.name]  # exactly, never partial


def test_the_shipped_consolidated_csv_version_has_all_four_ofac_files() -> None:
    [csv_version] = [v for v in VERSIONS if v.parent.name == "us-ofac-cons" and v.name >= "2025"]
    files = list_files(csv_version)
    assert detect_format(files).file_roles(files) == {
        "cons_prim.csv": "primary",
        "cons_add.csv": "addresses",
        "cons_alt.csv": "aliases",
        "cons_comments.csv": "comments",
    }


def test_the_check_finds_the_incomplete_set_that_was_once_shipped() -> None:
    """The real 2025-04-21 copy (prim and add only) is what this test exists to refuse."""
    files = list_files(realdata("ofac-consolidated", "2025-04-21_li-xiaohui"))
    assert missing_roles(files, "us-ofac-cons") == {"aliases", "comments"}


@pytest.mark.parametrize(
    "folder",
    [v for v in VERSIONS if (v / guards.DECISION_FILE).is_file()],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_a_shipped_decision_is_about_the_files_beside_it(folder: Path) -> None:
    files = list_files(folder)
    digest = snapshot_digest([(f.name, f.sha256()) for f in files])
    decision = guards.read_decision([f.path for f in files], digest)
    assert decision is not None, f"{folder}: the decision is about other content"
    assert decision.approved and decision.reason  # a shipped approval says why
