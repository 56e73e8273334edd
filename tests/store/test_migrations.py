"""Migrations keep a deployed database's state comparable with new snapshots."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from monitor.config import Config, ListConfig
from monitor.ingest.pipeline import IngestRequest, IngestResult, ingest
from monitor.records import Record
from monitor.store import Store, open_engine
from monitor.store import schema as t
from monitor.store import schema as watchlist_tables
from monitor.store.database import alembic_config, current_revision, head_revision, upgrade
from tests.conftest import SNAPSHOTS, fresh_python

NOW = datetime(2026, 11, 29, tzinfo=UTC)
assert watchlist_tables.alerts.metadata is t.metadata  # the alerts table is part of the schema
SDN = SNAPSHOTS / "us-ofac-sdn"
FIRST, SECOND = "2021-12-10T1850Z", "2021-12-16T0142Z"


def _ingest(store: Store, archive: Path, folder: str) -> IngestResult:
    request = IngestRequest(list_config=ListConfig(id="sdn"), paths=[SDN / folder / "sdn.csv.gz"])
    return ingest(store, Config(archive=archive), request, now=NOW)


def _hashes_match_records(store: Store) -> list[bool]:
    """For every stored version: is its hash the one today's code computes for its record?"""
    with store.read() as connection:
        rows = connection.execute(
            select(t.entity_versions.c.content_hash, t.entity_versions.c.record)
        ).all()
    return [h == Record.from_dict(json.loads(record)).content_hash() for h, record in rows]


def test_0011_rehash_keeps_unchanged_entries_unchanged(db_url: str, tmp_path: Path) -> None:
    engine = open_engine(db_url)
    store = Store(engine)
    assert _ingest(store, tmp_path / "a", FIRST).status == "baseline"

    command.downgrade(alembic_config(engine), "0010_alerts")  # a database from before 0011
    assert current_revision(engine) == "0010_alerts"
    assert not any(_hashes_match_records(store))

    upgrade(engine)
    assert all(_hashes_match_records(store))

    migrated = _ingest(store, tmp_path / "a", SECOND)
    fresh_store = Store(open_engine(f"sqlite:///{tmp_path / 'fresh.db'}"))
    _ingest(fresh_store, tmp_path / "b", FIRST)
    fresh = _ingest(fresh_store, tmp_path / "b", SECOND)
    assert migrated.status == fresh.status == "applied"
    assert migrated.counts == fresh.counts
    assert sorted((e.kind, e.key) for e in migrated.events) == sorted(
        (e.kind, e.key) for e in fresh.events
    )


def test_the_migrations_build_exactly_the_schema_the_code_uses(db_url: str) -> None:
    """Every revision spells out its tables; together they must equal schema.py."""
    engine = open_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, t.metadata)  # alerts included (imported above)
    assert differences == []


def test_the_head_revision_read_from_the_files_is_alembics() -> None:
    """Opening an up-to-date database skips alembic: its idea of the head must be alembic's."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from monitor.store.database import alembic_config, head_revision

    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    assert [head_revision()] == script.get_heads()


def _sqlite_schema(path: Path) -> set[tuple[str, str, str]]:
    """Every table and index of a SQLite file as (type, name, its SQL, blanks collapsed)."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    return {(kind, name, " ".join((sql or "").split())) for kind, name, sql in rows}


def test_a_new_sqlite_database_gets_the_migrations_schema_without_alembic(tmp_path: Path) -> None:
    """A brand-new SQLite file is given schema.py's tables and the head revision in one step,
    without importing alembic (a new process proves it), and holds exactly what running
    every migration builds; alembic then sees it at the head."""
    from sqlalchemy import create_engine

    created = tmp_path / "created.db"
    code = (
        "import sys\nfrom monitor.store import open_engine\n"
        f"open_engine('sqlite:///{created}').dispose()\nprint('alembic' in sys.modules)"
    )
    printed = fresh_python(code)
    assert printed.strip() == "False"
    migrated = tmp_path / "migrated.db"
    engine = create_engine(f"sqlite:///{migrated}")
    command.upgrade(alembic_config(engine), "head")  # every migration, as before
    engine.dispose()
    assert _sqlite_schema(created) == _sqlite_schema(migrated)
    assert len(_sqlite_schema(created)) > 20
    again = open_engine(f"sqlite:///{created}")
    assert current_revision(again) == current_revision(open_engine(f"sqlite:///{migrated}"))
    with again.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, t.metadata) == []
        assert context.get_current_revision() == current_revision(again)


# The catalog of the search path's schema, with the schema's own name taken out of the
# definitions (two private schemas are compared): every table's columns (type, nullability,
# default), indexes and constraints (their definitions, names included), and sequences.
_PG_CATALOG = {
    "column": """
        SELECT c.relname, a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
          AND a.attnum > 0 AND NOT a.attisdropped""",
    "index": """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relnamespace = current_schema()::regnamespace""",
    "constraint": """
        SELECT c.relname, k.conname || ' ' || pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = current_schema()::regnamespace""",
    "relation": """
        SELECT c.relkind::text, c.relname FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace""",
}


def _pg_schema(url: str) -> set[tuple[str, str, str]]:
    """Every column, index, constraint and relation of a PostgreSQL schema, as
    (what, its table, its definition)."""
    from sqlalchemy import create_engine, text

    from monitor.store.database import normalise_url

    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            found = {
                (what, table, definition.replace(f"{schema}.", "<schema>."))
                for what, sql in _PG_CATALOG.items()
                for table, definition in connection.execute(text(sql))
            }
    finally:
        engine.dispose()
    return found


def test_a_new_postgresql_schema_gets_the_migrations_schema_without_alembic() -> None:
    """As for SQLite: a schema with no relation yet is given schema.py's tables and the head
    revision in one transaction without alembic, and its catalog is exactly what running
    every migration builds (types, defaults, indexes, constraints and their names)."""
    from sqlalchemy import create_engine

    from monitor.store.database import normalise_url
    from tests.conftest import private_pg_schema

    with private_pg_schema() as created, private_pg_schema() as migrated:
        code = (
            "import sys\nfrom monitor.store import open_engine\n"
            f"open_engine({created!r}).dispose()\nprint('alembic' in sys.modules)"
        )
        assert fresh_python(code).strip() == "False"
        engine = create_engine(normalise_url(migrated))
        command.upgrade(alembic_config(engine), "head")  # every migration, as before
        engine.dispose()
        made = _pg_schema(created)
        assert made == _pg_schema(migrated)
        kinds = {what for what, _table, _definition in made}
        assert kinds == set(_PG_CATALOG) and len(made) > 100
        again = open_engine(created)
        assert current_revision(again) == head_revision()
        with again.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, t.metadata) == []
        again.dispose()


def test_a_postgresql_schema_that_holds_anything_is_left_to_alembic() -> None:
    """A schema with a relation of its own (not ours) is not a new one: alembic migrates it
    as before, and the relation stays."""
    from sqlalchemy import text

    from tests.conftest import private_pg_schema

    with private_pg_schema() as url:
        engine = open_engine(url, migrate=False)
        with engine.begin() as connection:
            connection.execute(text("CREATE SEQUENCE somebody_elses"))
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT nextval('somebody_elses')")).scalar_one() == 1
        engine.dispose()
