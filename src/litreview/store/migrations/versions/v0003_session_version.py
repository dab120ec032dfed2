"""Sessions that end: each account's session version, which every signed-in request must carry.
Signing out, a new password and removing the account raise it, so every older cookie stops
working at once on every server process.

Revision ID: 0003_session_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_session_version"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("session_version", sa.Integer, nullable=False, server_default=sa.text("0"))
    )


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
