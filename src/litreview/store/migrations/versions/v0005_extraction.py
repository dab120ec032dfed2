"""Human extraction: every save of an extraction form's cell, by extractor, kept in write order.

Revision ID: 0005_extraction
"""

import sqlalchemy as sa
from alembic import op

from litreview.store.migrations.run import write_order

revision = "0005_extraction"
down_revision = "0004_fulltexts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "extraction_values",
        *write_order(),
        *(
            sa.Column(n, sa.Text, nullable=False)
            for n in ("record_id", "column_name", "extractor", "value", "origin", "saved_at")
        ),
        if_not_exists=True,
    )


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
