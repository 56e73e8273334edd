"""Linking entries into subjects, on real files: by OFAC entity number across the 2022 CSL
and the SDN list of the same day, never by a name two entries share, and corrected by
configuration in a way a replay keeps."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, event, select

from monitor.config import SubjectSettings
from monitor.ingest import differ
from monitor.records import Record
from monitor.store import schema as t
from monitor.store import subjects as sql
from monitor.store.database import open_engine
from monitor.subjects.evidence import tokens
from monitor.subjects.linking import Entry, link, link_events, relink
from tests.conftest import Cli, copy_shipped, realdata
from tests.reports.conftest import LISTS  # the shipped demo's three lists

SENSETIME_CSL = ("us-csl", "CMIC:33114")
SENSETIME_OFAC = ("us-ofac-cons", "33114")


def _config(folder: Path, archive: Path, subjects: str = "") -> Path:
    path = folder / "monitor.yml"
    path.write_text(f"archive: {archive}\nlists:\n{LISTS}{subjects}", encoding="utf-8")
    return path


def _members(database: Path) -> dict[tuple[str, str], tuple[int, int, str, str]]:
    """(list, key) -> (subject, strength, evidence, linked entry)."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(select(t.subject_members)).all()
    engine.dispose()
    return {
        (r.list_id, r.key): (
            r.subject_id,
            r.strength,
            r.evidence,
            f"{r.linked_list}:{r.linked_key}",
        )
        for r in rows
    }


@pytest.fixture(scope="module")
def same_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real SDN list of 6 May 2022 (13:17 UTC) and the CSL committed that day."""
    sdn = realdata("ofac-sdn", "2022-05-06T1317Z", "sdn.csv.gz")
    csl = realdata("trade-gov-csl", "2022-05-06_moov", "consolidated.csv.gz")
    root = tmp_path_factory.mktemp("same-day")
    (root / "archive").mkdir()
    cli = Cli(f"sqlite:///{root / 'monitor.db'}", _config(root, root / "archive"))
    for path, list_id in ((sdn, "us-ofac-sdn"), (csl, "us-csl")):
        result = cli("ingest", str(path), "--list", list_id)
        assert result.exit_code == 0, result.output
    return root / "monitor.db"


def test_csl_rows_from_the_sdn_list_link_to_their_ofac_entries_by_entity_number(
    same_day: Path,
) -> None:
    members = _members(same_day)
    csl_sdn = {
        ref: m for ref, m in members.items() if ref[0] == "us-csl" and ref[1].startswith("SDN:")
    }
    linked = {
        ref
        for ref, (subject, _, _, _) in csl_sdn.items()
        if members.get(("us-ofac-sdn", ref[1].removeprefix("SDN:")), (None,))[0] == subject
    }
    share = len(linked) / len(csl_sdn)
    # Recorded: 10026 of the 10026 CSL rows from the SDN list (100%) link to the SDN entry
    # of the same number; the CSL republishes OFAC's list of the same day.
    assert (len(csl_sdn), len(linked)) == (10026, 10026), share
    first = members[("us-csl", "SDN:36")]  # AEROCARIBBEAN AIRLINES, the first SDN entry
    assert first[1:] == (1, "OFAC entity number 36", "us-ofac-sdn:36")
    # Entity List rows carry no OFAC number and link to nothing on the SDN list
    el_subjects = {m[0] for ref, m in members.items() if ref[1].startswith("EL:")}
    sdn_subjects = {m[0] for ref, m in members.items() if ref[0] == "us-ofac-sdn"}
    assert len(el_subjects & sdn_subjects) < 5


def test_two_real_entries_with_one_name_birth_date_and_country_are_not_linked(
    same_day: Path,
) -> None:
    """OFAC lists 'AW-MOHAMED, Ahmed Abdi' (Somalia, born 10 Jul 1977) twice, as 11311 and
    11746: the name says nothing about which is which, so only the numbers link."""
    members = _members(same_day)
    first, second = members[("us-ofac-sdn", "11311")], members[("us-ofac-sdn", "11746")]
    assert first[0] != second[0]
    assert members[("us-csl", "SDN:11311")][0] == first[0]
    assert members[("us-csl", "SDN:11746")][0] == second[0]
    assert all(not m[2].startswith("same name") for ref, m in members.items() if "11311" in ref[1])


def _replay(
    folder: Path, subjects: str = "", lists: tuple[str, ...] = ("us-csl", "us-ofac-cons")
) -> Path:
    archive = folder / "archive"
    if not archive.exists():
        copy_shipped(archive)
    database = folder / "monitor.db"
    cli = Cli(f"sqlite:///{database}", _config(folder, archive, subjects))
    for list_id in lists:
        result = cli("replay", "--list", list_id)
        assert result.exit_code == 0, result.output
    return database


NEVER = """\
subjects:
  never_link:
    - [us-csl:CMIC:33114, us-ofac-cons:33114]
"""


def test_never_link_splits_a_subject_and_a_replay_keeps_it_split(tmp_path: Path) -> None:
    plain = _members(_replay(tmp_path / "plain"))
    assert plain[SENSETIME_CSL][0] == plain[SENSETIME_OFAC][0]
    assert plain[SENSETIME_OFAC][1:] == (1, "OFAC entity number 33114", "us-csl:CMIC:33114")

    split_db = _replay(tmp_path / "split", NEVER)
    split = _members(split_db)
    assert split[SENSETIME_CSL][0] != split[SENSETIME_OFAC][0]
    # neither the number nor the shared name brings them together again
    assert split[SENSETIME_OFAC][1] == 9
    # the other NS-CMIC companies are linked as before
    assert split[("us-csl", "CMIC:33111")][0] == split[("us-ofac-cons", "33111")][0]

    # replaying the lists the other way round links the same way
    again = _members(_replay(tmp_path / "again", NEVER, ("us-ofac-cons", "us-csl")))
    assert again[SENSETIME_CSL][0] != again[SENSETIME_OFAC][0]
    assert again[("us-csl", "CMIC:33111")][0] == again[("us-ofac-cons", "33111")][0]


def _partition(members: dict[tuple[str, str], tuple[int, int, str, str]]) -> set[frozenset]:
    groups: dict[int, set[tuple[str, str]]] = {}
    for ref, (subject, *_) in members.items():
        groups.setdefault(subject, set()).add(ref)
    return {frozenset(g) for g in groups.values()}


def test_relink_applies_a_correction_to_a_database_with_history(tmp_path: Path) -> None:
    database = _replay(tmp_path)
    before = _members(database)
    # a database upgraded with history: no subject and no evidence stored yet
    engine = open_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        for table in (t.subject_members, t.subjects, t.subject_tokens):
            connection.execute(table.delete())
        relink(connection, SubjectSettings())
    engine.dispose()
    assert _partition(_members(database)) == _partition(before)
    settings = SubjectSettings.model_validate(
        {
            "never_link": [["us-csl:CMIC:33114", "us-ofac-cons:33114"]],
            "always_link": [["us-csl:CMIC:33111", "us-csl:CMIC:33112"]],
        }
    )
    engine = open_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        relink(connection, settings)
    engine.dispose()
    after = _members(database)
    assert set(after) == set(before)
    assert after[SENSETIME_CSL][0] != after[SENSETIME_OFAC][0]
    dji, cloudwalk = after[("us-csl", "CMIC:33111")], after[("us-csl", "CMIC:33112")]
    assert dji[0] == cloudwalk[0]
    assert "subjects.always_link" in (dji[2], cloudwalk[2])
    # everything not corrected is linked as the versions were applied
    untouched = [r for r in before if "3311" not in r[1]]
    same = sum(
        1
        for a in untouched
        for b in untouched[:50]
        if (before[a][0] == before[b][0]) != (after[a][0] == after[b][0])
    )
    assert same == 0


def test_verify_names_a_correction_added_after_the_history_until_relinked(tmp_path: Path) -> None:
    """A correction written into the configuration of a database with history changes
    nothing stored: verify says so (and which command applies it) instead of passing."""
    database = _replay(tmp_path)
    corrected = Cli(f"sqlite:///{database}", _config(tmp_path, tmp_path / "archive", NEVER))
    found = corrected("verify", "--files-only")
    assert found.exit_code == 1
    assert (
        "subjects: corrections: never_link us-csl:CMIC:33114 and us-ofac-cons:33114: both are "
        "in one subject; run `watchlist-monitor db relink-subjects`"
    ) in found.output
    assert corrected("db", "relink-subjects").exit_code == 0
    again = corrected("verify", "--files-only")
    assert "corrections" not in again.output  # (the demo's SDN folders are not replayed here)


def _linked(connection: Connection) -> tuple[list[tuple[object, ...]], ...]:
    """Every subject, member and token row, in order."""
    return tuple(
        [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))]
        for table in (t.subjects, t.subject_members, t.subject_tokens)
    )


def test_linking_reads_who_holds_the_tokens_before_writing_them_and_links_the_same(
    tmp_path: Path,
) -> None:
    """A version's entries are linked with the holders of their tokens read before their
    tokens are written (the stored ones but theirs, plus theirs): a first version does not
    read back what it just wrote. The result equals the reading after the write: the CSL's
    entries linked again over the shipped history (their own tokens stored, the OFAC
    entries' too), both ways, in transactions rolled back."""
    database = _replay(tmp_path, lists=("us-ofac-sdn", "us-ofac-cons", "us-csl"))
    engine = open_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        snapshot_id = connection.execute(
            select(t.snapshots.c.id).where(t.snapshots.c.list_id == "us-csl")
        ).scalar_one()
        stored = connection.execute(
            select(t.entity_versions.c.record).where(
                t.entity_versions.c.list_id == "us-csl", t.entity_versions.c.valid_to.is_(None)
            )
        )
        records = [Record.from_dict(json.loads(row.record)) for row in stored]
    # every tenth entry changed: its stored tokens are not what it carries now
    records = [
        replace(r, name=f"{r.name} II", identifiers=()) if i % 10 == 0 else r
        for i, r in enumerate(records)
    ]
    events = differ.baseline_events("us-csl", datetime(2022, 5, 6, tzinfo=UTC), records)
    settings = SubjectSettings()
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()).lower())

    with engine.connect() as connection, connection.begin() as transaction:
        event.listen(engine, "before_cursor_execute", seen)
        link_events(connection, "us-csl", snapshot_id, events, settings)
        event.remove(engine, "before_cursor_execute", seen)
        now = _linked(connection)
        transaction.rollback()
    with engine.connect() as connection, connection.begin() as transaction:
        entries = {
            r.key: Entry(
                list_id="us-csl",
                key=r.key,
                name=r.name,
                entry_type=r.entry_type,
                tokens=tuple((k.value, int(k.strength), k.label) for k in tokens(r, "csl-csv")),
            )
            for r in records
        }
        sql.replace_tokens(connection, "us-csl", {k: e.tokens for k, e in entries.items()})
        link(connection, [entries[k] for k in sorted(entries)], snapshot_id, settings)
        after_writing = _linked(connection)
        transaction.rollback()
    engine.dispose()
    assert len(records) > 10000 and now == after_writing
    read = [i for i, s in enumerate(statements) if s.startswith("select") and "subject_tokens" in s]
    written = [i for i, s in enumerate(statements) if s.startswith("insert into subject_tokens")]
    assert read and written and max(read) < min(written)


def test_a_moved_member_keeps_every_other_field() -> None:
    """Member.moved is dataclasses.replace of the subject id written out for speed: a field
    added to Member and forgotten there would be lost silently, so every field is compared."""
    member = sql.Member(
        list_id="us-csl",
        key="k1",
        subject_id=-3,
        name="SHENZHEN DJI",
        strength=2,
        evidence="identifier",
        linked_list="us-ofac-sdn",
        linked_key="36120",
    )
    assert member.moved(41) == replace(member, subject_id=41)


def _linking_of(url: str) -> tuple[set[tuple[object, ...]], ...]:
    """The subjects as their members (each subject: its name, type and member entries), the
    members without their subject's number, and the tokens: what linking decided, whatever
    numbers the backend gave the subjects."""
    engine = open_engine(url)
    with engine.connect() as connection:
        subjects = {r.id: (r.name, r.entry_type) for r in connection.execute(select(t.subjects))}
        members = connection.execute(select(t.subject_members)).all()
        tokens_ = {tuple(r) for r in connection.execute(select(t.subject_tokens))}
    engine.dispose()
    grouped: dict[int, set[tuple[str, str]]] = {}
    for m in members:
        grouped.setdefault(m.subject_id, set()).add((m.list_id, m.key))
    return (
        {(*subjects[i], frozenset(refs)) for i, refs in grouped.items()},
        {
            (m.list_id, m.key, m.name, m.strength, m.evidence, m.linked_list, m.linked_key)
            for m in members
        },
        tokens_,
    )


def test_postgresql_links_the_shipped_history_as_sqlite_does(tmp_path: Path) -> None:
    """PostgreSQL looks the tokens and members up with one array per statement and draws new
    subjects' ids from the column's sequence (one statement, then a COPY): the replayed
    shipped history is linked exactly as on SQLite, subject for subject."""
    from tests.conftest import private_pg_schema

    lists = ("us-ofac-sdn", "us-ofac-cons", "us-csl")
    database = _replay(tmp_path / "sqlite", lists=lists)
    with private_pg_schema() as url:
        cli = Cli(url, _config(tmp_path / "sqlite", tmp_path / "sqlite" / "archive"))
        for list_id in lists:
            result = cli("replay", "--list", list_id)
            assert result.exit_code == 0, result.output
        on_pg = _linking_of(url)
    on_sqlite = _linking_of(f"sqlite:///{database}")
    assert len(on_sqlite[0]) > 1000 and len(on_sqlite[2]) > 1000
    assert on_pg == on_sqlite


def test_a_subject_made_after_a_merge_in_one_batch_is_a_subject_of_its_own(
    tmp_path: Path,
) -> None:
    """Provisional subjects are numbered -1, -2, ... within a batch, and a merge of two of
    them drops one: the next new subject must not take a number still in use (it was
    numbered by the count of provisional subjects, so a fourth unrelated entry joined the
    subject of three, under its own name). A and B each carry an identifier C carries
    both of (C links to B, then A's subject merges into B's); D shares nothing."""
    database = _replay(tmp_path, lists=("us-ofac-sdn",))
    engine = open_engine(f"sqlite:///{database}")
    tokens_of = {
        "A": (("id:test:a", 2, "test a"),),
        "B": (("id:test:b", 2, "test b"),),
        "C": (("id:test:a", 2, "test a"), ("id:test:b", 2, "test b")),
        "D": (("id:test:d", 2, "test d"),),
    }
    entries = [
        Entry(list_id="test", key=k, name=f"ENTRY {k}", entry_type="entity", tokens=v)
        for k, v in tokens_of.items()
    ]
    with engine.begin() as connection:
        snapshot_id = connection.execute(select(t.snapshots.c.id)).scalars().first()
        sql.replace_tokens(connection, "test", tokens_of)
        link(connection, entries, snapshot_id, SubjectSettings())
        rows = connection.execute(
            select(t.subject_members.c.key, t.subjects.c.name)
            .join(t.subjects, t.subjects.c.id == t.subject_members.c.subject_id)
            .where(t.subject_members.c.list_id == "test")
        ).all()
    engine.dispose()
    subject_of = {key: name for key, name in rows}
    assert subject_of["A"] == subject_of["B"] == subject_of["C"] != subject_of["D"]
    assert subject_of["D"] == "ENTRY D"
