"""Every source that found a record in a run: a record two sources found under one id (a PMID a
citation search exports too, two searches of one database) was kept for one of them, so the live
PRISMA diagram counted one identification where the run's own counted two.

Revision ID: 0006_run_record_sources
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_run_record_sources"
down_revision = "0005_extraction"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a new primary key: made as a new table and renamed, the one way both backends share
    op.create_table(
        "run_records_by_source",
        *(sa.Column(n, sa.Text, nullable=False, primary_key=True) for n in ("run_id", "record_id", "source")),
    )
    op.execute(
        "INSERT INTO run_records_by_source (run_id, record_id, source) "
        "SELECT run_id, record_id, source FROM run_records"
    )
    op.drop_table("run_records")
    op.rename_table("run_records_by_source", "run_records")


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
