"""Full texts: the PDFs attached to records, with their checksums; a replaced file is kept (stamped
``replaced_at``), so one current file per record and nothing ever lost.

Revision ID: 0004_fulltexts
"""

import sqlalchemy as sa
from alembic import op

from litreview.store.migrations.run import write_order

revision = "0004_fulltexts"
down_revision = "0003_session_version"
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False)


def upgrade() -> None:
    op.create_table(
        "fulltexts",
        *write_order(),
        _text("record_id"),
        _text("sha256"),
        _text("file_name"),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        _text("added_by"),
        _text("added_at"),
        sa.Column("replaced_at", sa.Text),
    )
    current = sa.text("replaced_at IS NULL")
    op.create_index("fulltexts_current", "fulltexts", ["record_id"], unique=True,
                    sqlite_where=current, postgresql_where=current)  # fmt: skip


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
