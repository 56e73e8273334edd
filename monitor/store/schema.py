"""Table definitions (SQLAlchemy Core): the shape the migrations create.

``entity_versions`` is temporal: one row per distinct content of an entry,
valid from one snapshot until (excluding) another. The current state is the
rows without ``valid_to``; a new snapshot writes rows only for the entries
that changed, so the database grows with the changes, not with snapshots.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

lists = Table(
    "lists",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("title", String(300), nullable=False, default=""),
    Column("format", String(50), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(100), ForeignKey("lists.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("files", JSON, nullable=False),
    Column("source_uri", Text, nullable=False, default=""),
    Column("format", String(50), nullable=False, default=""),
    Column("observed_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("record_count", Integer),
    Column("status", String(20), nullable=False),
    Column("baseline", Boolean, nullable=False, default=False),
    Column("message", Text, nullable=False, default=""),
    Column("summary", JSON, nullable=False, default=dict),
    # Deliberately not unique: a rejected version may be re-evaluated later.
)
Index("ix_snapshots_version", snapshots.c.list_id, snapshots.c.sha256, snapshots.c.observed_at)
Index("ix_snapshots_list_observed", snapshots.c.list_id, snapshots.c.observed_at)

entity_versions = Table(
    "entity_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(100), ForeignKey("lists.id"), nullable=False),
    Column("key", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("record", Text, nullable=False),
    Column("valid_from", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("valid_to", Integer, ForeignKey("snapshots.id")),
)
Index("ix_versions_list_key", entity_versions.c.list_id, entity_versions.c.key)
Index("ix_versions_current", entity_versions.c.list_id, entity_versions.c.valid_to)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(100), ForeignKey("lists.id"), nullable=False),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("key", Text, nullable=False),
    Column("previous_key", Text),
    Column("kind", String(20), nullable=False),
    Column("name", Text, nullable=False),
    Column("entry_type", String(20), nullable=False),
    Column("source_list", String(200), nullable=False, default=""),
    Column("programs", JSON, nullable=False),
    Column("countries", JSON, nullable=False),
    Column("notice", Text, nullable=False, default=""),
    Column("effective_date", Date),
    Column("observed_at", DateTime(timezone=True), nullable=False),
    Column("baseline", Boolean, nullable=False, default=False),
    Column("categories", JSON, nullable=False),
    Column("changes", JSON, nullable=False),
)
Index("ix_events_list_observed", events.c.list_id, events.c.observed_at)
Index("ix_events_effective_observed", events.c.effective_date, events.c.observed_at)
Index("ix_events_key", events.c.list_id, events.c.key)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id")),
    Column("channel", String(100), nullable=False),
    Column("subject", Text, nullable=False, default=""),
    Column("body", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
)
Index("ix_deliveries_status", deliveries.c.status, deliveries.c.channel)

# What the service remembers per list between checks (migration 0002): the
# source's validators (ETag, Last-Modified, a file's stamp, the drop-folder
# entries already taken) and the outcome of the last check, for `status`.
list_state = Table(
    "list_state",
    metadata,
    Column("list_id", String(100), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("file_stamp", Text),
    Column("seen", JSON, nullable=False, default=list),
    Column("last_check_at", DateTime(timezone=True)),
    Column("last_outcome", String(20), nullable=False, default=""),
    Column("last_message", Text, nullable=False, default=""),
    Column("last_ok_at", DateTime(timezone=True)),
    Column("last_error", Text, nullable=False, default=""),
    Column("error_since", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False, default=0),
    Column("next_run_at", DateTime(timezone=True)),
)

# Watchlist alerts (migration 0010): one row per watch entry and event, never two.
# The unique constraint is what makes alerts fire on change only: a re-run, a
# restart or a replay of the same snapshot can try to raise an alert again, and
# the database refuses it.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist", String(100), nullable=False),
    Column("watch_entry", String(500), nullable=False),
    Column("event_id", Integer, ForeignKey("events.id"), nullable=False),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("list_id", String(100), nullable=False),
    # A match in a list's first snapshot: "already listed at baseline", not news.
    Column("baseline", Boolean, nullable=False, default=False),
    Column("matched_field", String(20), nullable=False),
    Column("matched_value", Text, nullable=False),
    Column("watch_value", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("why", Text, nullable=False, default=""),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    UniqueConstraint("watchlist", "watch_entry", "event_id", name="uq_alerts_once"),
)
Index("ix_alerts_snapshot", alerts.c.snapshot_id)
Index("ix_alerts_watchlist", alerts.c.watchlist, alerts.c.raised_at)

# Raw-unit fingerprints (migration 0012): the hash of the raw bytes of each entry's unit
# (a CSV row with its sibling rows, an XML element) in the list's current state, and the
# key it produced, so a new version parses only the units whose bytes are new
# (monitor.ingest.units). ``unit_sets`` says which applied snapshot the rows describe and
# which code produced them; rows of any other snapshot or code are ignored and rewritten.
unit_sets = Table(
    "unit_sets",
    metadata,
    Column("list_id", String(100), ForeignKey("lists.id"), primary_key=True),
    Column("snapshot_id", Integer, nullable=False),
    Column("tag", String(100), nullable=False),
)

unit_fingerprints = Table(
    "unit_fingerprints",
    metadata,
    Column("list_id", String(100), ForeignKey("lists.id"), primary_key=True),
    Column("fingerprint", String(32), primary_key=True),
    Column("key", Text, nullable=False),
    # Which of differ.LOSS_FIELDS the record has (bit i: LOSS_FIELDS[i]): the field-loss
    # guard counts the unchanged entries that have each field without reading them.
    Column("fields", Integer, nullable=False),
)
# Covers the read of a list's whole set (migration 0015): one index range, no row lookups.
Index(
    "ix_unit_fingerprints_read",
    unit_fingerprints.c.list_id,
    unit_fingerprints.c.fingerprint,
    unit_fingerprints.c.key,
    unit_fingerprints.c.fields,
)

# Subjects (migration 0014): one real-world party across lists. Every entry ever seen
# is a member of exactly one subject, with the evidence it was linked by
# (monitor.subjects.linking); its tokens are what other entries are matched on.
subjects = Table(
    "subjects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("entry_type", String(20), nullable=False),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
)

subject_members = Table(
    "subject_members",
    metadata,
    Column("list_id", String(100), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("subject_id", Integer, ForeignKey("subjects.id"), nullable=False),
    Column("name", Text, nullable=False),
    # How it was linked: 0 configured, 1 reference, 2 identifier, 3 name, 9 first of its
    # subject (monitor.subjects.evidence.Strength), the evidence in words, and the
    # entry it was linked to.
    Column("strength", Integer, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("linked_list", String(100), nullable=False, default=""),
    Column("linked_key", Text, nullable=False, default=""),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
)
Index("ix_subject_members_subject", subject_members.c.subject_id)

subject_tokens = Table(
    "subject_tokens",
    metadata,
    Column("list_id", String(100), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("token", Text, primary_key=True),
    Column("strength", Integer, nullable=False),
    Column("label", Text, nullable=False),
)
Index("ix_subject_tokens_token", subject_tokens.c.token)
