"""The workspace schema as litreview first kept it (schema 1): runs, payloads, records and their
versions, links, decisions and their history, verdicts on pairs.

Revision ID: 0001
"""

from litreview.store.migrations.run import apply_ddl

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'review',
    manifest TEXT
);
CREATE TABLE IF NOT EXISTS payloads (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (run_id, source, path)
);
CREATE TABLE IF NOT EXISTS records (
    record_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    native_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    first_run_id TEXT NOT NULL,
    last_run_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS record_versions (
    record_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (record_id, content_hash)
);
CREATE TABLE IF NOT EXISTS run_records (
    run_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (run_id, record_id)
);
CREATE TABLE IF NOT EXISTS links (
    record_id TEXT NOT NULL,
    linked_to TEXT NOT NULL,
    link_type TEXT NOT NULL,
    rule TEXT NOT NULL,
    score REAL NOT NULL,
    run_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undone_at TEXT,
    PRIMARY KEY (record_id, linked_to, link_type)
);
CREATE TABLE IF NOT EXISTS decisions (
    record_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    origin TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    batch TEXT NOT NULL,
    PRIMARY KEY (record_id, stage, origin, reviewer)
);
CREATE TABLE IF NOT EXISTS pair_decisions (
    record_a TEXT NOT NULL,
    record_b TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decision_history (
    record_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    batch TEXT NOT NULL
);
"""


def upgrade() -> None:
    apply_ddl(TABLES)


def downgrade() -> None:
    raise NotImplementedError("a workspace is never downgraded: restore a backup instead")
