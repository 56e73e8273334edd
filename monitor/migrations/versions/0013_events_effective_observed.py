"""Events indexed by (effective_date, observed_at), replacing the index on effective_date.

Revision ID: 0013_events_effective_observed
Revises: 0012_unit_fingerprints

Why: a report by the default clock selects events dated in the period, or undated
and observed in it. With the effective date alone indexed, the undated half read
every undated event (all of the SDN list's, which carries no dates) and filtered
them by observation time: 25 ms of a month's report on the real SDN history, for
any month. With the observation time second in the index, both halves are ranges.
"""

from __future__ import annotations

from alembic import op

revision = "0013_events_effective_observed"
down_revision = "0012_unit_fingerprints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_effective_observed", "events", ["effective_date", "observed_at"])
    op.drop_index("ix_events_effective", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_effective", "events", ["effective_date"])
    op.drop_index("ix_events_effective_observed", table_name="events")
