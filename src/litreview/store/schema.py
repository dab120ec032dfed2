"""The workspace's current schema as SQLAlchemy tables: the one place naming its tables, their columns
and their order (what a copy moves, in the order the migrations create them).

The migrations build this schema and a test holds them to it on both backends. A column every
backend has is declared here; PostgreSQL gives the tables of ``ORDERED_TABLES`` one more, ``rowid``
(a ``BIGSERIAL`` primary key, first), the write order SQLite keeps for every table by itself.
"""

from __future__ import annotations

from sqlalchemy import (
    REAL,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION
from sqlalchemy.types import TypeEngine

metadata = MetaData()

# REAL is single precision on PostgreSQL: a score is a double there, as SQLite's REAL is
SCORE: TypeEngine[float] = REAL().with_variant(DOUBLE_PRECISION(), "postgresql")


def _key(name: str) -> Column[str]:
    # a lone TEXT PRIMARY KEY: SQLite (unlike PostgreSQL) does not make such a column NOT NULL
    return Column(name, Text, primary_key=True, nullable=True)


def _text(name: str, *, primary_key: bool = False) -> Column[str]:
    return Column(name, Text, nullable=False, primary_key=primary_key)


meta = Table("meta", metadata, _key("key"), _text("value"))
runs = Table(
    "runs",
    metadata,
    _key("run_id"),
    _text("started_at"),
    Column("finished_at", Text),
    _text("status"),
    Column("kind", Text, nullable=False, server_default=text("'review'")),
    Column("manifest", Text),
)
payloads = Table(
    "payloads",
    metadata,
    Column("run_id", Text, ForeignKey("runs.run_id"), nullable=False, primary_key=True),
    _text("source", primary_key=True),
    _text("path", primary_key=True),
    _text("sha256"),
)
records = Table(
    "records",
    metadata,
    _key("record_id"),
    *(
        _text(n)
        for n in ("source", "native_id", "kind", "data", "content_hash", "first_run_id", "last_run_id")
    ),
)
record_versions = Table(
    "record_versions",
    metadata,
    _text("record_id", primary_key=True),
    _text("content_hash", primary_key=True),
    _text("data"),
    _text("run_id"),
)
run_records = Table(
    "run_records",
    metadata,
    _text("run_id", primary_key=True),
    _text("record_id", primary_key=True),
    _text("source", primary_key=True),  # every source that found the record in the run
)
links = Table(
    "links",
    metadata,
    _text("record_id", primary_key=True),
    _text("linked_to", primary_key=True),
    _text("link_type", primary_key=True),
    _text("rule"),
    Column("score", SCORE, nullable=False),
    _text("run_id"),
    _text("created_at"),
    Column("undone_at", Text),
)
decisions = Table(
    "decisions",
    metadata,
    *(_text(n, primary_key=True) for n in ("record_id", "stage", "origin", "reviewer")),
    *(_text(n) for n in ("decision", "reason", "rule_id", "decided_at", "batch")),
)
pair_decisions = Table(
    "pair_decisions",
    metadata,
    *(_text(n) for n in ("record_a", "record_b", "verdict", "reviewer", "reason", "decided_at")),
)
decision_history = Table(
    "decision_history",
    metadata,
    *(_text(n) for n in ("record_id", "stage", "reviewer", "decision", "reason", "decided_at", "batch")),
)
users = Table(
    "users",
    metadata,
    _key("name"),
    _text("role"),
    _text("password_hash"),
    _text("created_at"),
    Column("session_version", Integer, nullable=False, server_default=text("0")),
)
notes = Table("notes", metadata, *(_text(n) for n in ("record_id", "reviewer", "note", "written_at")))
# Full texts: every file ever attached stays; the current one per record is the row not replaced yet
fulltexts = Table(
    "fulltexts",
    metadata,
    _text("record_id"),
    _text("sha256"),
    _text("file_name"),
    Column("size", BigInteger, nullable=False),
    Column("pages", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    _text("added_by"),
    _text("added_at"),
    Column("replaced_at", Text),
    Index("fulltexts_current", "record_id", unique=True,
          sqlite_where=text("replaced_at IS NULL"), postgresql_where=text("replaced_at IS NULL")),
)  # fmt: skip
# every save of an extraction form's cell (origin: accepted, edited, consensus); the latest per
# (record, column, extractor) counts, the earlier ones stay
extraction_values = Table(
    "extraction_values",
    metadata,
    *(_text(n) for n in ("record_id", "column_name", "extractor", "value", "origin", "saved_at")),
)

# in the order the migrations create them: a copy fills ``runs`` before what refers to it
TABLES: tuple[Table, ...] = (
    meta,
    runs,
    payloads,
    records,
    record_versions,
    run_records,
    links,
    decisions,
    pair_decisions,
    decision_history,
    users,
    notes,
    fulltexts,
    extraction_values,
)
# read in the order rows were written (no key orders them): SQLite's rowid, PostgreSQL's rowid column
ORDERED_TABLES = (
    pair_decisions.name,
    decision_history.name,
    notes.name,
    fulltexts.name,
    extraction_values.name,
)


def table_columns() -> dict[str, list[str]]:
    """Each table of the current schema and its columns, in order (every backend has these)."""
    return {table.name: [c.name for c in table.columns] for table in TABLES}
