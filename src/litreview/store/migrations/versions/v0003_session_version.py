"""Sessions that end: each account's session version, which every signed-in request must carry.
Signing out, a new password and removing the account raise it, so every older cookie stops
working at once on every server process.

Revision ID: 0003_session_version
"""

from litreview.store.migrations.run import apply_ddl

revision = "0003_session_version"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = """
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;
"""


def upgrade() -> None:
    apply_ddl(TABLES)


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
