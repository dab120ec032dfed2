"""The workspace schema as litreview first kept it (schema 1): runs, payloads, records and their
versions, links, decisions and their history, verdicts on pairs.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION

from litreview.store.migrations.run import write_order

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _key(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, primary_key=True, nullable=True)  # SQLite: TEXT PRIMARY KEY


def _text(name: str, *, primary_key: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, primary_key=primary_key)


def upgrade() -> None:
    create = {"if_not_exists": True}
    op.create_table("meta", _key("key"), _text("value"), **create)
    op.create_table(
        "runs",
        _key("run_id"),
        _text("started_at"),
        sa.Column("finished_at", sa.Text),
        _text("status"),
        sa.Column("kind", sa.Text, nullable=False, server_default=sa.text("'review'")),
        sa.Column("manifest", sa.Text),
        **create,
    )
    op.create_table(
        "payloads",
        sa.Column("run_id", sa.Text, sa.ForeignKey("runs.run_id"), nullable=False, primary_key=True),
        _text("source", primary_key=True),
        _text("path", primary_key=True),
        _text("sha256"),
        **create,
    )
    op.create_table(
        "records",
        _key("record_id"),
        *(
            _text(n)
            for n in ("source", "native_id", "kind", "data", "content_hash", "first_run_id", "last_run_id")
        ),
        **create,
    )
    op.create_table(
        "record_versions",
        _text("record_id", primary_key=True),
        _text("content_hash", primary_key=True),
        _text("data"),
        _text("run_id"),
        **create,
    )
    op.create_table(
        "run_records",
        _text("run_id", primary_key=True),
        _text("record_id", primary_key=True),
        _text("source"),
        **create,
    )
    op.create_table(
        "links",
        _text("record_id", primary_key=True),
        _text("linked_to", primary_key=True),
        _text("link_type", primary_key=True),
        _text("rule"),
        # REAL is single precision on PostgreSQL: a score is a double there, as SQLite's REAL is
        sa.Column("score", sa.REAL().with_variant(DOUBLE_PRECISION(), "postgresql"), nullable=False),
        _text("run_id"),
        _text("created_at"),
        sa.Column("undone_at", sa.Text),
        **create,
    )
    op.create_table(
        "decisions",
        *(_text(n, primary_key=True) for n in ("record_id", "stage", "origin", "reviewer")),
        *(_text(n) for n in ("decision", "reason", "rule_id", "decided_at", "batch")),
        **create,
    )
    op.create_table(
        "pair_decisions",
        *write_order(),
        *(_text(n) for n in ("record_a", "record_b", "verdict", "reviewer", "reason", "decided_at")),
        **create,
    )
    op.create_table(
        "decision_history",
        *write_order(),
        *(_text(n) for n in ("record_id", "stage", "reviewer", "decision", "reason", "decided_at", "batch")),
        **create,
    )


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
