"""Reviewers' accounts and private notes for the screening workbench.

Revision ID: 0002
"""

from litreview.store.migrations.run import apply_ddl

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
    record_id TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    note TEXT NOT NULL,
    written_at TEXT NOT NULL
);
"""


def upgrade() -> None:
    apply_ddl(TABLES)


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
