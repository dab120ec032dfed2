"""Reviewers' accounts and private notes for the screening workbench.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

from litreview.store.migrations.run import write_order

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.Text, primary_key=True, nullable=True),  # SQLite: TEXT PRIMARY KEY
        _text("role"),
        _text("password_hash"),
        _text("created_at"),
        if_not_exists=True,
    )
    op.create_table(
        "notes",
        *write_order(),
        *(_text(n) for n in ("record_id", "reviewer", "note", "written_at")),
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
