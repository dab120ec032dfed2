"""The workspace schema is versioned with Alembic: a new workspace is at the head; one made before
migrations (schema 1, no accounts or notes) is refused until `litreview workspace upgrade`, which
adds what is missing and changes nothing already stored; the migrations build exactly the schema
the code reads."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import inspect
from tests.unit.test_cli import run_cli

from litreview.errors import WorkspaceError
from litreview.records import Citation
from litreview.store import schema
from litreview.store.migrations.run import head, revision
from litreview.store.schema import table_columns
from litreview.store.workspace import Workspace
from litreview.testing.workspaces import build_workspace

# the schema as litreview wrote it before migrations (schema 1), in its own words
LEGACY = """
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
# what revision 0002 added, as the code before SQLAlchemy's DDL wrote it on SQLite
ACCOUNTS_NOTES = """
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
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version VALUES ('0002');
"""


def legacy_workspace(root):
    """A workspace as litreview wrote it before migrations: schema 1 and a stored record."""
    root.mkdir()
    with sqlite3.connect(root / "workspace.sqlite") as db:
        db.executescript(LEGACY)
        db.execute("INSERT INTO meta VALUES ('review_id', 'old_review')")
        db.execute("INSERT INTO meta VALUES ('schema', '1')")
        data = json.dumps(
            {
                "kind": "citation",
                "record_id": "pubmed:1",
                "source": "pubmed",
                "native_id": "1",
                "title": "Old",
            }
        )
        db.execute(
            "INSERT INTO records VALUES ('pubmed:1', 'pubmed', '1', 'citation', ?, 'h', 'r1', 'r1')", (data,)
        )
    return root


def columns(db_file):
    with sqlite3.connect(db_file) as db:
        tables = [
            t
            for (t,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'"
            )
        ]
        return {t: [c[1] for c in db.execute(f"PRAGMA table_info({t})")] for t in tables}


def test_a_new_workspace_is_at_the_head_with_the_same_tables_on_both_backends(tmp_path, cluster):
    with Workspace(tmp_path / "ws", "rev") as ws:
        assert revision(ws.conn) == head()
    assert columns(tmp_path / "ws" / "workspace.sqlite") == table_columns()
    url = cluster.create("migrations_same")
    with Workspace(tmp_path, "rev", url) as ws:
        assert revision(ws.conn) == head()
        found = ws.conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name != 'alembic_version' ORDER BY table_name, ordinal_position"
        ).fetchall()
    on_postgres: dict[str, list[str]] = {}
    for table, column in found:
        if column != "rowid":  # the write-order column PostgreSQL tables need (SQLite has its own)
            on_postgres.setdefault(table, []).append(column)
    assert on_postgres == table_columns()
    assert "users" in on_postgres and "decision_history" in on_postgres


def described(database, dialect: str) -> dict[str, dict[str, object]]:
    """Each table's columns (name, type as the dialect writes it, nullable, default), primary key,
    foreign keys and indexes, as the database's own catalog reports them."""
    seen = inspect(database.connection)
    out: dict[str, dict[str, object]] = {}
    for table in sorted(set(seen.get_table_names()) - {"alembic_version"}):
        out[table] = {
            "columns": [
                (
                    c["name"],
                    c["type"].compile(dialect=database.engine.dialect),
                    c["nullable"],
                    _default(c["default"]),
                )
                for c in seen.get_columns(table)
            ],
            "primary key": seen.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": [
                (f["constrained_columns"], f["referred_table"], f["referred_columns"])
                for f in seen.get_foreign_keys(table)
            ],
            "indexes": [(i["column_names"], bool(i["unique"])) for i in seen.get_indexes(table)],
        }
    return out


def _default(value):
    return None if value is None else str(value).removesuffix("::text")


def declared(database, dialect: str) -> dict[str, dict[str, object]]:
    """What schema.py says those reports must be on ``dialect``."""
    compiler = database.engine.dialect
    out: dict[str, dict[str, object]] = {}
    for table in schema.TABLES:
        cols = [
            (c.name, c.type.compile(dialect=compiler), c.nullable and not (dialect != "sqlite" and c.primary_key),
             None if c.server_default is None else c.server_default.arg.text)
            for c in table.columns
        ]  # fmt: skip
        keys = [c.name for c in table.primary_key.columns]
        if dialect != "sqlite" and table.name in schema.ORDERED_TABLES:
            cols.insert(0, ("rowid", "BIGINT", False, f"nextval('{table.name}_rowid_seq'::regclass)"))
            keys = ["rowid"]
        out[table.name] = {
            "columns": cols,
            "primary key": keys,
            "foreign keys": [
                ([f.parent.name], f.column.table.name, [f.column.name]) for f in table.foreign_keys
            ],
            "indexes": [([c.name for c in i.columns], bool(i.unique)) for i in table.indexes],
        }
    return dict(sorted(out.items()))


def test_the_migrations_build_exactly_the_schema_that_schema_py_declares(tmp_path, cluster):
    url = cluster.create("migrations_declared")
    for workspace in (Workspace(tmp_path / "ws", "rev"), Workspace(tmp_path, "rev", url)):
        with workspace as ws:
            dialect = ws.conn.dialect
            assert described(ws.conn, dialect) == declared(ws.conn, dialect), dialect
    assert list(table_columns())[:2] == ["meta", "runs"] and table_columns()["users"][-1] == "session_version"


def test_a_workspace_the_code_before_wrote_at_revision_0002_upgrades(tmp_path, monkeypatch, capsys):
    root = legacy_workspace(tmp_path / "old")
    with sqlite3.connect(root / "workspace.sqlite") as db:
        db.executescript(ACCOUNTS_NOTES)
        db.execute("INSERT INTO users VALUES ('ana', 'lead', 'hash', '2025-01-01T00:00:00Z')")
    code, out = run_cli(monkeypatch, capsys, "workspace", "upgrade", str(root))
    assert code == 0 and f"0002 to schema {head()}" in out.out, out.out + out.err
    assert columns(root / "workspace.sqlite") == table_columns()
    with Workspace.existing(root) as ws:
        assert ws.session("ana") == ("lead", 0) and [r.title for r in ws.records()] == ["Old"]
        ws.end_sessions("ana")
        assert ws.session("ana") == ("lead", 1)


def test_a_workspace_from_before_migrations_is_refused_until_upgraded(tmp_path, monkeypatch, capsys):
    root = legacy_workspace(tmp_path / "old")
    before = (root / "workspace.sqlite").read_bytes()
    with pytest.raises(WorkspaceError, match="workspace upgrade"):
        Workspace.existing(root)
    assert (root / "workspace.sqlite").read_bytes() == before  # refused without writing
    code, out = run_cli(monkeypatch, capsys, "workspace", "upgrade", str(root))
    assert code == 0 and f"to schema {head()}" in out.out, out.err
    with Workspace.existing(root) as ws:
        assert ws.review_id == "old_review" and [r.title for r in ws.records()] == ["Old"]
        assert ws.users() == {} and revision(ws.conn) == head()
    code, out = run_cli(monkeypatch, capsys, "workspace", "upgrade", str(root))
    assert code == 0 and "already at" in out.out


def test_upgrade_on_postgresql(tmp_path, cluster):
    url = cluster.create("migrations_pg")
    with Workspace(tmp_path, "rev", url) as ws:
        assert revision(ws.conn) == head()
        with ws.transaction():
            ws.start_run("r1")
            ws.store_records("r1", [Citation("pubmed:1", "pubmed", "1", title="Kept")])
    from litreview.store.workspace import upgrade_workspace

    assert upgrade_workspace(url) == (head(), head())
    with Workspace.reading(url) as ws:
        assert [r.title for r in ws.records()] == ["Kept"]


def at_revision_0003(root):
    """A workspace as litreview wrote it at revision 0003: no full-text table yet."""
    with sqlite3.connect(root / "workspace.sqlite") as db:
        db.execute("DROP TABLE fulltexts")
        db.execute("UPDATE alembic_version SET version_num = '0003'")
    with sqlite3.connect(root / "workspace.sqlite") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the file: a read must not change it
    return root


@pytest.mark.parametrize("command", ["fulltext list", "workspace copy"])
def test_a_workspace_at_revision_0003_is_refused_in_one_line_by_readers(
    tmp_path, monkeypatch, capsys, command
):
    root = at_revision_0003(
        build_workspace(tmp_path / "old", [Citation("pubmed:1", "pubmed", "1", title="Old")])
    )
    before = (root / "workspace.sqlite").read_bytes()
    args = ["--workspace", str(root)] if command == "fulltext list" else [str(root), str(tmp_path / "new")]
    code, out = run_cli(monkeypatch, capsys, *command.split(), *args)
    lines = out.err.strip().splitlines()
    assert code == 2 and len(lines) == 1, out.err
    assert "schema is 0003" in lines[0] and f"`litreview workspace upgrade {root}`" in lines[0]
    assert (root / "workspace.sqlite").read_bytes() == before and not (tmp_path / "new").exists()
    with pytest.raises(WorkspaceError, match="workspace upgrade"):
        Workspace.reading(root)


def at_revision_0005(root):
    """A SQLite workspace as litreview wrote it at revision 0005: one source a record per run."""
    with sqlite3.connect(root / "workspace.sqlite") as db:
        db.executescript(
            "DROP TABLE run_records;"
            "CREATE TABLE run_records (run_id TEXT NOT NULL, record_id TEXT NOT NULL, source TEXT NOT NULL,"
            " PRIMARY KEY (run_id, record_id));"
            "INSERT INTO run_records VALUES ('r1', 'pubmed:1', 'medline'), ('r1', 'pubmed:2', 'citations');"
            "UPDATE alembic_version SET version_num = '0005_extraction';"
        )
    return root


def test_revision_0006_keeps_every_run_record_and_takes_a_second_source(tmp_path, monkeypatch, capsys):
    root = at_revision_0005(
        build_workspace(tmp_path / "old", [Citation("pubmed:1", "pubmed", "1", title="A")])
    )
    code, out = run_cli(monkeypatch, capsys, "workspace", "upgrade", str(root))
    assert code == 0 and "0005_extraction to schema 0006" in out.out, out.out + out.err
    assert columns(root / "workspace.sqlite") == table_columns()
    with sqlite3.connect(root / "workspace.sqlite") as db:
        rows = sorted(db.execute("SELECT run_id, record_id, source FROM run_records").fetchall())
        assert rows == [("r1", "pubmed:1", "medline"), ("r1", "pubmed:2", "citations")]
        db.execute(
            "INSERT INTO run_records VALUES ('r1', 'pubmed:1', 'citations')"
        )  # the same id, found again
